/**
 * Events end to end over gRPC, on both store kinds: Track and TrackStream
 * accept valid events and reject bad ones one by one, the consumer applies
 * them once, consent takes effect on the next Decide, Identify merges people,
 * Forget erases them.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resolveServerOptions } from "../../server/src/config/server-options.js";
import { Degradation, Treatment } from "../../server/src/gen/relevance/v1/decision_pb.js";
import {
  type EventSchema,
  EventService,
  PersonService,
  Purpose,
} from "../../server/src/gen/relevance/v1/events_pb.js";
import { createServiceClient, type ServiceClient } from "../../server/src/grpc/service-client.js";
import { deleteByPrefix } from "../support/redis.js";
import {
  errorId,
  grpcError,
  STORE_KINDS,
  type StoreTarget,
  sleep,
  startTestServer,
  storeTarget,
  type TestServer,
  upsert,
} from "./support/harness.js";
import { item } from "./support/model.js";

type EventInit = Exclude<MessageInitShape<typeof EventSchema>, { $typeName: "relevance.v1.Event" }>;
type PayloadInit = EventInit["payload"];
interface Over {
  readonly eventId?: string;
  readonly timestampMs?: bigint;
  readonly channel?: number;
  readonly payload?: PayloadInit;
}

let seq = 0;
const now = () => BigInt(Date.now());
function view(userId: string, sku = "SKU-A", over: Over = {}): EventInit {
  return {
    eventId: over.eventId ?? `ev-${seq++}`,
    subject: { case: "userId", value: userId },
    timestampMs: over.timestampMs ?? now(),
    channel: over.channel ?? 1,
    payload: over.payload ?? { case: "viewItem", value: { sku, category: "apparel > tops", price: 20 } },
  };
}
function consent(userId: string, changes: { purpose: Purpose; granted: boolean }[]): EventInit {
  return {
    eventId: `ev-${seq++}`,
    subject: { case: "userId", value: userId },
    timestampMs: now(),
    channel: 1,
    payload: { case: "consentUpdate", value: { changes } },
  };
}

async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > until) return v;
    await sleep(10);
  }
}

it("rejects loyalty thresholds out of order at start-up, naming the knob", () => {
  expect(() =>
    resolveServerOptions({ profileFeatures: { loyaltyThresholds: { silver: 100, gold: 50 } } }),
  ).toThrow(/options\.loyaltyThresholds\.gold must not be below the tier under it/);
});

describe.each(STORE_KINDS)("events on %s", (kind) => {
  let target: StoreTarget;
  let t: TestServer;
  let events: ServiceClient<typeof EventService>;
  let people: ServiceClient<typeof PersonService>;

  beforeAll(async () => {
    target = await storeTarget(kind);
    t = await startTestServer(target, {
      maxTrackEvents: 50,
      minProfileEvents: 1,
      profileFeatures: { loyaltyThresholds: { silver: 10, gold: 50, platinum: 100 } },
    });
    await upsert(t, [item("SKU-A"), item("SKU-B", { category: ["shoes", "running"] }), item("SKU-C")]);
    events = createServiceClient(EventService, t.server.address);
    people = createServiceClient(PersonService, t.server.address);
  });
  afterAll(async () => {
    events.close();
    people.close();
    await t.close();
    await target.cleanup();
  });
  afterEach(() => {
    expect(t.errors).toEqual([]);
  });

  /** Decide for SKU-A on the web, where consent is not needed to rank. */
  const decideOnWeb = (userId: string) =>
    t.decision.decide({ userId, channel: 1, useCase: "t", candidates: [{ sku: "SKU-A" }] });

  const applied = (userId: string, count: number) =>
    eventually(
      () => people.getPerson({ userId }),
      (p) => Number(p.eventsApplied) >= count,
    );

  it("accepts the valid events of a batch and names each bad one by index and field", async () => {
    const user = `mixed-${kind}`;
    const res = await events.track({
      events: [
        view(user),
        view(user, "SKU-B", { timestampMs: now() + 3_600_000n }),
        view(user, "SKU-B"),
        view(user, "SKU-C", { payload: { case: "viewItem", value: { sku: "SKU-C", price: -3 } } }),
        view(user, "SKU-C", { payload: { case: undefined } }),
        view(user, "SKU-C", { eventId: "" }),
      ],
    });
    expect(res.accepted).toEqual([0, 2]);
    expect(res.rejected.map((r) => [r.index, r.code, r.field])).toEqual([
      [1, status.INVALID_ARGUMENT, "events[1].timestamp_ms"],
      [3, status.INVALID_ARGUMENT, "events[3].view_item.price"],
      [4, status.INVALID_ARGUMENT, "events[4].payload"],
      [5, status.INVALID_ARGUMENT, "events[5].event_id"],
    ]);
    expect(res.rejected[0]!.message).toMatch(/option maxEventFutureMs/);
    expect(res.rejected.every((r) => r.errorId === "RL1001")).toBe(true);
    const p = await applied(user, 2);
    expect(p.found).toBe(true);
    expect(Number(p.eventsApplied)).toBe(2);
  });

  it("puts people in loyalty tiers by the configured thresholds", async () => {
    const user = `tier-${kind}`;
    await events.track({
      events: [
        view(user, "SKU-A", {
          payload: {
            case: "purchase",
            value: { orderId: `o-${kind}`, lines: [{ sku: "SKU-A", quantity: 3, unitPrice: 20 }] },
          },
        }),
      ],
    });
    const p = await applied(user, 1);
    expect(p.monetary?.value).toBe(60);
    expect(p.loyaltyTier?.value).toBe(2); // gold: 60 ≥ 50, below 100
  });

  it("refuses an unusable batch as a whole", async () => {
    const empty = await grpcError(events.track({ events: [] }));
    expect(empty.code).toBe(status.INVALID_ARGUMENT);
    expect(empty.details).toBe("events: required, at least one event");
    const big = await grpcError(events.track({ events: Array.from({ length: 51 }, () => view("big")) }));
    expect(big.code).toBe(status.INVALID_ARGUMENT);
    expect(big.details).toBe("events: 51 exceeds the limit of 50 (option maxTrackEvents)");
    expect(errorId(big)).toBe("RL1003");
  });

  it("applies an event sent twice only once", async () => {
    const user = `twice-${kind}`;
    const e = view(user);
    await events.track({ events: [e, e] });
    await events.track({ events: [e] });
    await events.track({ events: [view(user, "SKU-B")] });
    const p = await applied(user, 2);
    await sleep(100);
    expect(Number((await people.getPerson({ userId: user })).eventsApplied)).toBe(2);
    expect(p.frequency).toBeDefined();
  });

  it("TrackStream numbers events across the stream's messages", async () => {
    const user = `stream-${kind}`;
    const res = await events.trackStream([
      { events: [view(user), view(user)] },
      { events: [view(user, "SKU-A", { channel: 0 }), view(user)] },
    ]);
    expect(res.accepted).toEqual([0, 1, 3]);
    expect(res.rejected.map((r) => r.field)).toEqual(["events[2].channel"]);
    await applied(user, 3);
  });

  it("turns a new person's views into a profile Decide reads", async () => {
    const user = `new-${kind}`;
    const before = await decideOnWeb(user);
    expect(before.degradations).toContain(Degradation.PROFILE_MISSING);
    await events.track({ events: [view(user, "SKU-B"), view(user, "SKU-B")] });
    const after = await eventually(
      () => decideOnWeb(user),
      (d) => !d.degradations.includes(Degradation.PROFILE_MISSING),
    );
    expect(after.degradations).toEqual([]);
    // Consent is unknown: no personalisation yet.
    expect(after.treatment).toBe(Treatment.NON_PERSONALIZED);
    const p = await people.getPerson({ userId: user });
    expect(Object.keys(p.categoryAffinity).length).toBeGreaterThan(0);
  });

  it("obeys a consent change from the very next Decide", async () => {
    const user = `consent-${kind}`;
    await events.track({ events: [view(user), view(user, "SKU-B")] });
    await applied(user, 2);
    const email = { userId: user, channel: 3, useCase: "t", candidates: [{ sku: "SKU-A" }], explain: true };
    expect((await t.decision.decide(email)).items).toEqual([]);
    await events.track({
      events: [
        consent(user, [
          { purpose: Purpose.EMAIL, granted: true },
          { purpose: Purpose.PERSONALIZATION, granted: true },
        ]),
      ],
    });
    const granted = await t.decision.decide(email);
    expect(granted.items.map((i) => i.sku)).toEqual(["SKU-A"]);
    expect(granted.treatment).toBe(Treatment.PERSONALIZED);
    await events.track({ events: [consent(user, [{ purpose: Purpose.EMAIL, granted: false }])] });
    expect((await t.decision.decide(email)).items).toEqual([]);
    const p = await people.getPerson({ userId: user });
    expect(p.consentGranted).toEqual([Purpose.PERSONALIZATION]);
    expect(p.consentDenied).toEqual([Purpose.EMAIL]);
  });

  it("merges an anonymous visitor into the known person who shares an identifier", async () => {
    const known = `known-${kind}`;
    const anon = `anon-${kind}`;
    await events.track({ events: [view(known), view(known)] });
    await applied(known, 2);
    expect(
      (await people.identify({ userId: known, identifiers: { email: "Ada@Example.com" } })).personId,
    ).toBe(known);
    await events.track({ events: [view(anon, "SKU-B")] });
    await applied(anon, 1);
    const merged = await people.identify({ userId: anon, identifiers: { email: " ada@example.COM" } });
    expect(merged.personId).toBe(known);
    expect(merged.mergedIds).toEqual([anon]);
    const p = await people.getPerson({ userId: anon });
    expect(p.personId).toBe(known);
    expect(Number(p.eventsApplied)).toBe(3);
    // Later events on the anonymous id land on the person.
    await events.track({ events: [view(anon, "SKU-C")] });
    await applied(known, 4);
    const bad = await grpcError(people.identify({ userId: anon, identifiers: { phone: "12" } }));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(bad.details).toMatch(/^identifiers\.phone: /);
    expect(bad.details).not.toContain("12");
  });

  it("forgets a person: nothing left under their ids, later events dropped and counted", async () => {
    const user = `forget-${kind}`;
    const alias = `forget-alias-${kind}`;
    await events.track({ events: [view(user), view(alias)] });
    await applied(user, 1);
    await applied(alias, 1);
    await people.identify({ userId: user, identifiers: { loyaltyId: `L-${kind}` } });
    await people.identify({ userId: alias, identifiers: { loyaltyId: `L-${kind}` } });
    await t.server.profiles.capItem(user, "SKU-A", Date.now() + 60_000);
    const res = await people.forget({ userId: alias });
    expect(res.idsForgotten).toBe(2);
    expect(res.keysDeleted).toBeGreaterThan(0);
    if (target.redis !== null) {
      const keys = await target.redis.redis.keys(`${target.redis.keyPrefix}*`);
      expect(keys.filter((k) => k.includes(user) || k.includes(alias))).toEqual([]);
      const entries = (await target.redis.redis.xrange(`${target.redis.keyPrefix}events`, "-", "+")).flatMap(
        ([, f]) => f,
      );
      expect(entries.filter((v) => v === user || v === alias)).toEqual([]);
    }
    const dropped = t.server.consumer!.stats.droppedForgotten;
    await events.track({ events: [view(user), view(alias)] });
    await eventually(
      async () => t.server.consumer!.stats.droppedForgotten,
      (n) => n >= dropped + 2,
    );
    expect(t.server.consumer!.stats.droppedForgotten).toBe(dropped + 2);
    expect((await people.getPerson({ userId: user })).found).toBe(false);
    const d = await decideOnWeb(user);
    expect(d.degradations).toContain(Degradation.PROFILE_MISSING);
  });

  it("answers RESOURCE_EXHAUSTED instead of growing the log past maxEventBacklog", async () => {
    const small = await startTestServer(target, {
      maxEventBacklog: 3,
      consumer: false,
      ...(target.redis !== null ? { redisKeyPrefix: `${target.redis.keyPrefix}bl:` } : {}),
    });
    const c = createServiceClient(EventService, small.server.address);
    try {
      await c.track({ events: [view("bl"), view("bl"), view("bl")] });
      await sleep(150); // the backlog reading is cached for 100 ms
      const e = await grpcError(c.track({ events: [view("bl")] }));
      expect(e.code).toBe(status.RESOURCE_EXHAUSTED);
      expect(e.details).toMatch(/option maxEventBacklog/);
    } finally {
      c.close();
      await small.close();
      if (target.redis !== null) await deleteByPrefix(target.redis.redis, `${target.redis.keyPrefix}bl:`);
    }
  });
});
