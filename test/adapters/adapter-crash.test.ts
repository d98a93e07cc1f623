/**
 * At least once, never twice: a real adapter process (the CLI, file sink)
 * is SIGKILLed in the middle of 10,000 deliveries from a real server on real
 * Redis and started again under the same consumer name. Every decision
 * reaches the sink, and the sink holds no experience id twice.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  deliverWithKillRestart,
  enqueueDecisions,
  type KillRestartOptions,
} from "../delivery/support/kill-restart.js";
import { person } from "../policy/support/people.js";
import {
  type StoreTarget,
  startTestServer,
  storeTarget,
  type TestServer,
} from "../server/support/harness.js";

describe("an adapter SIGKILLed mid-stream (redis)", () => {
  let target: StoreTarget;
  let t: TestServer;
  let dir: string;

  beforeAll(async () => {
    target = await storeTarget("redis");
    t = await startTestServer(target, { deliveryAckTimeoutMs: 2000 });
    await t.server.profiles.putProfiles(Array.from({ length: 50 }, (_, i) => person(`crash-${i}`)));
    dir = await mkdtemp(join(tmpdir(), "relevance-crash-"));
  });
  afterAll(async () => {
    await t?.close();
    await target?.cleanup();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("should deliver each of 10,000 decisions at least once, and the sink should see no experience twice", async () => {
    const o: KillRestartOptions = {
      address: t.server.address,
      hub: t.server.delivery!,
      redis: target.redis!.redis,
      keyPrefix: target.redis!.keyPrefix,
      count: 10_000,
      recipients: Array.from({ length: 50 }, (_, i) => `crash-${i}`),
      sinkPath: join(dir, "email.jsonl"),
      stateDir: join(dir, "state"),
      timeoutMs: 100_000,
    };
    const expected = await enqueueDecisions(o);
    const r = await deliverWithKillRestart(o, expected);
    console.log(JSON.stringify({ adapter_crash: r }));
    expect(r.linesAtKill).toBeGreaterThan(0);
    expect(r.linesAtKill).toBeLessThan(10_000);
    expect(r.lost).toBe(0);
    expect(r.duplicates).toBe(0);
    expect(r.distinct).toBe(10_000);
    expect(r.leftOnStream).toBe(0);
  }, 120_000);
});
