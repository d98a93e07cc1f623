/**
 * Caps through Decide on real Redis: 200 concurrent decisions for one person
 * across channels never grant more than the demo policy's caps, no counter
 * is left without an expiry, and Release gives a reservation back.
 */
import { readFileSync } from "node:fs";
import { create } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Channel } from "../../server/src/gen/relevance/v1/common_pb.js";
import {
  DecideRequestSchema,
  type DecideResponse,
  Suppression,
} from "../../server/src/gen/relevance/v1/decision_pb.js";
import { parsePolicyText } from "../../server/src/policy/parse-policy.js";
import {
  grpcError,
  type StoreTarget,
  startTestServer,
  storeTarget,
  type TestServer,
  upsert,
} from "../server/support/harness.js";
import { item } from "../server/support/model.js";
import { person, zoneAt } from "./support/people.js";

describe("caps through Decide (redis)", () => {
  let target: StoreTarget;
  let t: TestServer;

  beforeAll(async () => {
    target = await storeTarget("redis");
    const policy = parsePolicyText(readFileSync("server/policies/demo.yaml", "utf8"), "yaml");
    policy.holdoutShare = 0;
    t = await startTestServer(target, { policy });
    await upsert(t, [item("bag", { category: ["luggage"], price: 100, margin: 0.4, stock: 50 })]);
    await t.server.profiles.putProfiles([person("busy"), person("released")]);
  });
  afterAll(async () => {
    await t?.close();
    await target?.cleanup();
  });

  const decide = (userId: string, channel: Channel): Promise<DecideResponse> =>
    t.decision.decide(
      create(DecideRequestSchema, {
        userId,
        channel,
        useCase: "cart_abandonment",
        candidates: [{ sku: "bag" }],
        context: { timeZone: zoneAt(12) },
      }),
    );

  it("should grant no more than the caps to 200 concurrent decisions across channels, every counter expiring", async () => {
    const channels = [Channel.EMAIL, Channel.PUSH, Channel.SMS, Channel.APP];
    const calls = Array.from({ length: 200 }, (_, i) => channels[i % channels.length]!);
    const answers = await Promise.all(calls.map((c) => decide("busy", c)));
    const sent = (c: Channel) => answers.filter((a, i) => calls[i] === c && a.items.length > 0).length;
    const marketing = sent(Channel.EMAIL) + sent(Channel.PUSH) + sent(Channel.SMS);
    const overshoot = { marketing_weekly: marketing - 3, sms_daily: sent(Channel.SMS) - 1 };
    console.log(
      JSON.stringify({
        concurrent_decisions: 200,
        granted: { marketing, sms: sent(Channel.SMS) },
        overshoot,
      }),
    );
    // Three marketing messages a week: exactly three go (there was room for three), at most one an SMS.
    expect(marketing).toBe(3);
    expect(sent(Channel.SMS)).toBeLessThanOrEqual(1);
    // APP is not a marketing channel of these caps: every app decision answers.
    expect(sent(Channel.APP)).toBe(50);
    for (const [i, a] of answers.entries()) {
      if (a.items.length === 0 && calls[i] !== Channel.APP) expect(a.suppression).toBe(Suppression.CAPPED);
    }
    const r = target.redis!;
    const keys = await r.redis.keys(`${r.keyPrefix}{u:busy}:cap:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(await r.redis.pttl(k)).toBeGreaterThan(0);
  });

  it("should give a decision's reservations back on Release, once", async () => {
    const first = await Promise.all([1, 2, 3].map(() => decide("released", Channel.EMAIL)));
    expect(first.every((a) => a.items.length === 1)).toBe(true);
    expect((await decide("released", Channel.EMAIL)).suppression).toBe(Suppression.CAPPED);
    const undelivered = first[0]!.decisionId;
    expect((await t.decision.release({ userId: "released", decisionId: undelivered })).released).toBe(1);
    expect((await t.decision.release({ userId: "released", decisionId: undelivered })).released).toBe(0);
    expect((await decide("released", Channel.EMAIL)).items.map((i) => i.sku)).toEqual(["bag"]);
  });

  it("should refuse a decision id no decision can have with INVALID_ARGUMENT (found by the RPC fuzzer)", async () => {
    const e = await grpcError(t.decision.release({ userId: "released", decisionId: "a}b" }));
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.details).toBe("decision_id: must not contain '}'");
  });
});
