/**
 * DeliveryService.Subscribe on real Redis: credits bound what is in flight,
 * acks finish entries, unacked ones come back (to the same consumer after a
 * reconnect, to another after the ack timeout), send-time checks drop or
 * defer, one experience is delivered once per channel window, a consumer
 * group Redis lost is recreated, and protocol errors name the field.
 */

import { readFileSync } from "node:fs";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliveryKeys } from "../../server/src/delivery/delivery-keys.js";
import type { QueuedDecision } from "../../server/src/delivery/delivery-queue.js";
import type { RedisDeliveryHub } from "../../server/src/delivery/redis-delivery-queue.js";
import { Channel } from "../../server/src/domain/channel.js";
import { ALL_CONSENT, Consent } from "../../server/src/domain/consent.js";
import type { Policy as PolicyProto } from "../../server/src/gen/relevance/v1/policy_pb.js";
import { parsePolicyText } from "../../server/src/policy/parse-policy.js";
import { person, zoneAt } from "../policy/support/people.js";
import {
  type StoreTarget,
  sleep,
  startTestServer,
  storeTarget,
  type TestServer,
} from "../server/support/harness.js";
import { decisionFor, subscribe } from "./support/subscriber.js";

describe("DeliveryService.Subscribe (redis)", () => {
  let target: StoreTarget;
  let t: TestServer;
  let hub: RedisDeliveryHub;
  let policy: PolicyProto;

  beforeAll(async () => {
    target = await storeTarget("redis");
    policy = parsePolicyText(readFileSync("server/policies/demo.yaml", "utf8"), "yaml");
    t = await startTestServer(target, { policy, deliveryAckTimeoutMs: 400 });
    hub = t.server.delivery!;
    await t.server.profiles.putProfiles([
      person("ann"),
      person("bob"),
      person("noemail", { consent: ALL_CONSENT & ~Consent.EMAIL }),
      person("sms"),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await target?.cleanup();
  });

  const queued = (
    recipient: string,
    n: number,
    channel: number = Channel.EMAIL,
    extra: Partial<QueuedDecision> = {},
  ) =>
    ({
      decision: decisionFor(recipient, n, channel),
      recipient,
      trigger: "cart_abandonment",
      timeZone: zoneAt(12),
      locale: "en-GB",
      tokens: { tier: "gold" },
      expiresAtMs: Date.now() + 60_000,
      ...extra,
    }) satisfies QueuedDecision;

  const pending = async (channel: Channel) =>
    Number(await target.redis!.redis.xlen(deliveryKeys(target.redis!.keyPrefix, channel).stream));

  it("should send no more than the credits, and the rest as credits come", async () => {
    for (let i = 0; i < 5; i++) expect(await hub.enqueue(queued("ann", i), `credits-${i}`)).toBe(true);
    const s = subscribe(t.server.address, "email", "credits", 2);
    await s.subscribed;
    await s.waitFor(2);
    await sleep(150);
    expect(s.deliveries).toHaveLength(2);
    const first = s.deliveries[0]!;
    expect(first).toMatchObject({
      channel: "email",
      recipient: "ann",
      experienceId: "x1exp-ann-0",
      trigger: "cart_abandonment",
      attempt: 1,
      tokens: { tier: "gold" },
    });
    expect(first.items[0]?.offer).toMatchObject({ offerId: "cart_reminder", kind: "reminder", price: 25 });
    s.ackAll();
    s.client.grant(3);
    await s.waitFor(5);
    expect(s.deliveries.map((d) => d.experienceId)).toEqual([0, 1, 2, 3, 4].map((i) => `x1exp-ann-${i}`));
    s.ackAll();
    await sleep(100);
    expect(await pending(Channel.EMAIL)).toBe(0);
    s.client.end();
    expect(await s.ended).toBeNull();
  });

  it("should enqueue a retried trigger once", async () => {
    expect(await hub.enqueue(queued("bob", 100), "once-1")).toBe(true);
    expect(await hub.enqueue(queued("bob", 100), "once-1")).toBe(false);
    const s = subscribe(t.server.address, "email", "once", 10);
    await s.waitFor(1);
    await sleep(100);
    expect(s.deliveries).toHaveLength(1);
    s.ackAll();
    s.client.end();
    await s.ended;
  });

  it("should give an unacked delivery back to the same consumer after a reconnect, with its attempt", async () => {
    await hub.enqueue(queued("bob", 200), "again-1");
    const a = subscribe(t.server.address, "email", "restarting", 10);
    const [d] = await a.waitFor(1);
    a.client.close();
    await a.ended;
    const b = subscribe(t.server.address, "email", "restarting", 10);
    const [again] = await b.waitFor(1);
    expect(again?.deliveryId).toBe(d?.deliveryId);
    expect(again?.attempt).toBe(2);
    b.ackAll();
    b.client.end();
    await b.ended;
  });

  it("should give an unacked delivery to another consumer after the ack timeout", async () => {
    await hub.enqueue(queued("bob", 300), "timeout-1");
    // One credit: once it holds the delivery, "slow" asks for nothing more. With
    // credits left it would run its own reclaim loop too, and could win the
    // entry back itself after the timeout (twice in full CI runs).
    const slow = subscribe(t.server.address, "email", "slow", 1);
    const [d] = await slow.waitFor(1);
    const other = subscribe(t.server.address, "email", "other", 10);
    const [taken] = await other.waitFor(1, 5000);
    expect(taken?.deliveryId).toBe(d?.deliveryId);
    other.ackAll();
    for (const s of [slow, other]) s.client.end();
    await Promise.all([slow.ended, other.ended]);
  });

  it("should drop a decision whose consent is gone at send time, and deliver one experience once", async () => {
    await hub.enqueue(queued("noemail", 1), "consent-1");
    await hub.enqueue(queued("ann", 400), "dup-a");
    // A second decision handing out the same experience (same id) within the window.
    const twin = queued("ann", 400);
    await hub.enqueue({ ...twin, decision: { ...twin.decision, decisionId: "dec-ann-400-twin" } }, "dup-b");
    const before = { ...hub.stats.dropped };
    const s = subscribe(t.server.address, "email", "checks", 10);
    await s.waitFor(1);
    await sleep(200);
    expect(s.deliveries.map((d) => d.recipient)).toEqual(["ann"]);
    expect((hub.stats.dropped.no_consent ?? 0) - (before.no_consent ?? 0)).toBe(1);
    expect((hub.stats.dropped.duplicate_experience ?? 0) - (before.duplicate_experience ?? 0)).toBe(1);
    s.ackAll();
    s.client.end();
    await s.ended;
  });

  it("should defer an SMS in the recipient's quiet hours instead of sending it", async () => {
    // The demo policy keeps SMS quiet 21:00–08:00 local.
    await hub.enqueue(queued("sms", 1, Channel.SMS, { timeZone: zoneAt(23) }), "quiet-1");
    const deferredBefore = hub.stats.deferred;
    const s = subscribe(t.server.address, "sms", "quiet", 10);
    await s.subscribed;
    await sleep(300);
    expect(s.deliveries).toHaveLength(0);
    expect(hub.stats.deferred - deferredBefore).toBe(1);
    const later = deliveryKeys(target.redis!.keyPrefix, Channel.SMS).later;
    const [, score] = await target.redis!.redis.zrange(later, 0, 0, "WITHSCORES");
    // 23:xx local now: the quiet hours end at the next 08:00 local, 8–9 hours ahead.
    const ahead = Number(score) - Date.now();
    expect(ahead).toBeGreaterThan(8 * 3600_000 - 3600_000);
    expect(ahead).toBeLessThanOrEqual(9 * 3600_000);
    s.client.end();
    await s.ended;
  });

  it("should recreate a consumer group Redis lost (restarted empty) and deliver what was enqueued since", async () => {
    const stream = deliveryKeys(target.redis!.keyPrefix, Channel.PUSH).stream;
    // What an empty Redis looks like to this channel: no stream, so no group.
    await target.redis!.redis.del(stream);
    expect(await hub.enqueue(queued("ann", 500, Channel.PUSH), "lost-group-1")).toBe(true);
    const s = subscribe(t.server.address, "push", "after-restart", 10);
    const [d] = await s.waitFor(1);
    expect(d).toMatchObject({ channel: "push", recipient: "ann", experienceId: "x1exp-ann-500", attempt: 1 });
    s.ackAll();
    await sleep(100);
    expect(await pending(Channel.PUSH)).toBe(0);
    s.client.end();
    expect(await s.ended).toBeNull();
  });

  it("should end the stream with INVALID_ARGUMENT naming the field for a bad hello or ack", async () => {
    const bad = subscribe(t.server.address, "email", "bad consumer!", 10);
    const e = (await bad.ended) as Error & { code: number; details: string };
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.details).toBe("hello.consumer: required, 1..128 characters of [A-Za-z0-9._-]");
    const s = subscribe(t.server.address, "email", "acker", 10);
    await s.subscribed;
    s.ack([{ deliveryId: "not-an-id", outcome: "delivered" }]);
    const e2 = (await s.ended) as Error & { code: number; details: string };
    expect(e2.code).toBe(status.INVALID_ARGUMENT);
    expect(e2.details).toBe("acks.acks[0].delivery_id: must be a delivery id as sent (<ms>-<seq>)");
  });
});
