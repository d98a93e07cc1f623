/**
 * Fuzzing every RPC of every relevance.v1 service with fast-check: valid
 * messages, byte flips, truncation, insertions, random bytes, repetition,
 * deep nesting (up to 3,000 levels) and frames over the size limit, sent as
 * raw bytes to a real server. Every call must end with an answer or a refusal
 * that names the problem (OK, INVALID_ARGUMENT, RESOURCE_EXHAUSTED, or
 * NOT_FOUND / FAILED_PRECONDITION for valid requests about what is not
 * there), never INTERNAL, UNKNOWN or UNAVAILABLE, with no internals in any
 * message, and the server must answer afterwards.
 *
 * FUZZ_CASES sets how many (default 3,000 in `npm test`; `npm run fuzz` runs 100,000).
 */
import { status } from "@grpc/grpc-js";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  looksLikeStack,
  type StoreTarget,
  startTestServer,
  storeTarget,
  type TestServer,
} from "../server/support/harness.js";
import { ALLOWED, type FuzzOutcome, mutation, rawClients, seeds, send } from "./rpc-fuzz.js";

const CASES = Number(process.env.FUZZ_CASES ?? 3000);
const MAX_MESSAGE_BYTES = 64 * 1024;

describe("fuzzing every RPC (memory store)", () => {
  let target: StoreTarget;
  let t: TestServer;

  beforeAll(async () => {
    target = await storeTarget("memory");
    t = await startTestServer(target, { maxMessageBytes: MAX_MESSAGE_BYTES });
  });
  afterAll(async () => {
    await t?.close();
    await target?.cleanup();
  });

  it(`should answer ${CASES} fuzzed calls with an answer or a named refusal, never an internal error`, async () => {
    const clients = rawClients(t.server.address);
    // FUZZ_METHOD=release: only that method (reproducing a finding).
    const all = seeds().filter((s) => !process.env.FUZZ_METHOD || s.method === process.env.FUZZ_METHOD);
    const bad: FuzzOutcome[] = [];
    const byCode = new Map<number, number>();
    let cases = 0;
    const arbitrary = fc
      .nat({ max: all.length - 1 })
      .chain((i) => fc.tuple(fc.constant(i), mutation(all[i]!.seed, MAX_MESSAGE_BYTES * 2 + 1)));
    const samples = fc.sample(arbitrary, { numRuns: CASES, seed: Number(process.env.FUZZ_SEED ?? 42) });
    // Eight calls at a time: enough to overlap, few enough not to trip admission control.
    for (let start = 0; start < samples.length; start += 8) {
      const outcomes = await Promise.all(
        samples.slice(start, start + 8).map(([i, body]) => {
          const s = all[i]!;
          return send(clients.get(s.service)!, s.service, s.method, body);
        }),
      );
      for (const o of outcomes) {
        cases++;
        byCode.set(o.code, (byCode.get(o.code) ?? 0) + 1);
        if (!ALLOWED.has(o.code) || looksLikeStack(o.details) || /internal error/i.test(o.details))
          bad.push(o);
      }
    }
    for (const c of clients.values()) c.close();
    console.log(
      JSON.stringify({
        fuzz_cases: cases,
        fuzz_crashes: bad.length,
        by_status: Object.fromEntries([...byCode].map(([k, v]) => [status[k], v])),
      }),
    );
    if (bad.length > 0) console.log(JSON.stringify({ server_errors: t.errors.slice(0, 3) }, null, 1));
    expect(bad.slice(0, 5)).toEqual([]);
    expect(cases).toBe(CASES);
    // Still serving.
    expect((await t.decision.decide({ userId: "after", channel: 1, useCase: "search" })).decisionId).not.toBe(
      "",
    );
    expect(t.errors).toEqual([]);
  }, 600_000);
});
