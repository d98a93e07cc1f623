/**
 * The profile consumer's `onApplied` hook driving the trigger timers, and
 * Forget dropping them: on the in-process stores.
 */
import type { ServerUnaryCall, sendUnaryData } from "@grpc/grpc-js";
import { beforeEach, describe, expect, it } from "vitest";
import type { PersonEvent } from "../../server/src/domain/event.js";
import type { PersonStateStore } from "../../server/src/domain/stores.js";
import type { EventLog } from "../../server/src/events/event-log.js";
import { encodeLoggedEvent } from "../../server/src/events/logged-event.js";
import { createMemoryEventLog } from "../../server/src/events/memory-event-log.js";
import { createProfileConsumer, type ProfileConsumer } from "../../server/src/events/profile-consumer.js";
import { ForgetRequestSchema } from "../../server/src/gen/relevance/v1/events_pb.js";
import { encodeMessage } from "../../server/src/grpc/message-codec.js";
import { personServiceHandlers } from "../../server/src/grpc/person-service.js";
import {
  createIdentityResolver,
  type IdentityResolver,
} from "../../server/src/identity/identity-resolver.js";
import { resolveFeatureConfig } from "../../server/src/profile/features/feature-config.js";
import type { FeatureState } from "../../server/src/profile/features/feature-state.js";
import { createMemoryPersonStore } from "../../server/src/profile/memory-person-store.js";
import { createMemoryProfileStore } from "../../server/src/profile/memory-profile-store.js";
import {
  createMemoryTimerStore,
  type MemoryTimerStore,
} from "../../server/src/triggers/memory-timer-store.js";
import { createTimerForgetHook, createTimerHook } from "../../server/src/triggers/timer-hook.js";
import { resolveTriggerConfig } from "../../server/src/triggers/trigger-config.js";
import { cart, identify, line, purchase, view } from "../profile/features/feature-fixture.js";
import { CONSUMER_FEATURES, consumerBase, consumerHasher } from "./support.js";

const FEATURES = CONSUMER_FEATURES;
const MIN = 60_000;
const NOW = Date.now();
const config = resolveTriggerConfig();
const featureConfig = resolveFeatureConfig();
const hasher = consumerHasher;

/** The fixture's events, for `userId`. */
const forUser = (userId: string, e: PersonEvent): PersonEvent => ({ ...e, userId });

describe("createProfileConsumer({ onApplied })", () => {
  let log: EventLog;
  let identity: IdentityResolver;
  let timers: MemoryTimerStore;
  let consumer: ProfileConsumer;
  let calls: { personId: string; events: readonly PersonEvent[]; state: FeatureState }[];
  let failures: number;

  beforeEach(() => {
    const profiles = createMemoryProfileStore({ features: FEATURES });
    const people = createMemoryPersonStore({ profiles, personTtlMs: 400 * 86_400_000 });
    log = createMemoryEventLog();
    identity = createIdentityResolver({ people, log, hasher, features: FEATURES, featureConfig });
    timers = createMemoryTimerStore();
    const hook = createTimerHook({ timers, config, now: () => NOW });
    calls = [];
    failures = 0;
    consumer = createProfileConsumer({
      ...consumerBase(log, people, identity),
      async onApplied(personId, events, state) {
        calls.push({ personId, events, state });
        if (failures > 0) {
          failures--;
          throw new Error("timer store down");
        }
        await hook(personId, events, state);
      },
    });
  });

  const track = (userId: string, events: PersonEvent[]) =>
    log.append(events.map((e) => ({ userId, data: encodeLoggedEvent(forUser(userId, e)) })));
  const applyNew = async () => consumer.applyEntries(await log.read("consumer-1", 100, 1));

  it("should set each person's timers from their fresh events and the state after them", async () => {
    await track("ann", [cart(NOW - 2, "S1"), view(NOW - 1, "S2")]);
    await track("bob", [view(NOW - 5, "S3")]);
    await applyNew();
    expect(calls.map((c) => [c.personId, c.events.length, c.state.applied]).sort()).toEqual([
      ["ann", 2, 2],
      ["bob", 1, 1],
    ]);
    expect(await timers.timersOf("ann")).toEqual([
      { kind: "cart_abandonment", dueMs: NOW - 2 + 30 * MIN, skus: ["S1"] },
    ]);
    expect(await timers.timersOf("bob")).toEqual([
      { kind: "browse_abandonment", dueMs: NOW - 5 + 60 * MIN, skus: ["S3"] },
    ]);
    // A purchase in a later batch ends the cart and starts win-back.
    await track("ann", [purchase(NOW, [line("S1", 10)])]);
    await applyNew();
    expect((await timers.timersOf("ann")).map((t) => t.kind)).toEqual(["win_back"]);
    expect(await log.backlog()).toEqual({ undelivered: 0, pending: 0 });
  });

  it("should call the hook before the commit, so a failed call leaves the events to be applied again", async () => {
    failures = 1;
    await track("cy", [cart(NOW, "S1")]);
    await expect(applyNew()).rejects.toThrow("timer store down");
    // Not committed, not acknowledged: the redelivery applies the events and calls the hook again.
    expect((await identity.read("cy")).state).toBeNull();
    expect(await log.backlog()).toEqual({ undelivered: 0, pending: 1 });
    const { entries } = await log.claimStale("consumer-1", 0, 100, 5);
    await consumer.applyEntries(entries);
    expect(calls).toHaveLength(2);
    expect((await identity.read("cy")).state?.applied).toBe(1);
    expect((await timers.timersOf("cy")).map((t) => t.kind)).toEqual(["cart_abandonment"]);
    expect(await log.backlog()).toEqual({ undelivered: 0, pending: 0 });
  });

  it("should not call the hook for events applied before (retried Track calls)", async () => {
    const e = cart(NOW, "S1");
    await track("dee", [e]);
    await applyNew();
    await track("dee", [e]);
    await applyNew();
    expect(calls).toHaveLength(1);
    expect(consumer.stats.duplicates).toBe(1);
  });
});

describe("PersonService.Forget with timers", () => {
  it("should drop the timers of the person and of every id linked to them", async () => {
    const profiles = createMemoryProfileStore({ features: FEATURES });
    const people = createMemoryPersonStore({ profiles, personTtlMs: 400 * 86_400_000 });
    const log = createMemoryEventLog();
    const identity = createIdentityResolver({ people, log, hasher, features: FEATURES, featureConfig });
    const timers = createMemoryTimerStore();
    const cartTimer = [
      {
        kind: "cart_abandonment" as const,
        op: "set" as const,
        dueMs: NOW,
        due: "later" as const,
        addSkus: [{ sku: "S1", atMs: NOW }],
        removeSkus: [],
        replaceSkus: false,
        maxSkus: 10,
        cancelWhenEmpty: false,
        unlessLive: null,
      },
    ];
    await identity.link("eve", [{ kind: "email", hash: "a".repeat(64) }]);
    await identity.link("eve-anon", [{ kind: "email", hash: "a".repeat(64) }]);
    await timers.apply("eve", cartTimer);
    await timers.apply("eve-anon", cartTimer);
    await timers.apply("frank", cartTimer);
    const handlers = personServiceHandlers({
      identity,
      people,
      hasher,
      features: FEATURES,
      featureConfig,
      limits: { maxUserIdLength: 256 },
      timers,
    });
    const forget = handlers.forget as (
      call: ServerUnaryCall<Buffer, Buffer>,
      callback: sendUnaryData<Buffer>,
    ) => void;
    await new Promise((resolve, reject) =>
      forget(
        { request: encodeMessage(ForgetRequestSchema, { userId: "eve-anon" }) } as ServerUnaryCall<
          Buffer,
          Buffer
        >,
        (err, res) => (err ? reject(err) : resolve(res)),
      ),
    );
    expect(await timers.timersOf("eve")).toEqual([]);
    expect(await timers.timersOf("eve-anon")).toEqual([]);
    expect(await timers.timersOf("frank")).toHaveLength(1);
  });
});

describe("createProfileConsumer when Forget lands between its load and its commit", () => {
  const setUp = (withForgetHook: boolean) => {
    const profiles = createMemoryProfileStore({ features: FEATURES });
    const people = createMemoryPersonStore({ profiles, personTtlMs: 400 * 86_400_000 });
    const log = createMemoryEventLog();
    const identity = createIdentityResolver({ people, log, hasher, features: FEATURES, featureConfig });
    const timers = createMemoryTimerStore();
    // Forget of "gil" right after each load, in PersonService.Forget's order (the person store, then the
    // timers): the consumer then links the identifier, sets the timers and commits for someone forgotten.
    const racing: PersonStateStore = {
      ...people,
      async loadMany(requests) {
        const reads = await people.loadMany(requests);
        await people.forget("gil", [hasher.tombstone("gil")]);
        await timers.forgetPerson("gil");
        return reads;
      },
    };
    const consumer = createProfileConsumer({
      ...consumerBase(log, racing, identity),
      onApplied: createTimerHook({ timers, config, now: () => NOW }),
      ...(withForgetHook ? { onForgotten: createTimerForgetHook(timers) } : {}),
    });
    const run = async () => {
      await log.append(
        [identify(NOW - 2), cart(NOW - 1, "S1")].map((e) => ({
          userId: "gil",
          data: encodeLoggedEvent(forUser("gil", e)),
        })),
      );
      await consumer.applyEntries(await log.read("consumer-1", 100, 1));
    };
    return { people, identity, timers, consumer, log, run };
  };
  const email = `email:${"ab".repeat(32)}`;

  it("should leave the person no state, identifier link or timer, and count the events as dropped", async () => {
    const { people, identity, timers, consumer, log, run } = setUp(true);
    await run();
    expect(consumer.stats).toMatchObject({ applied: 0, droppedForgotten: 2 });
    expect((await identity.read("gil")).state).toBeNull();
    expect(await people.lookupIdentifiers([email])).toEqual(new Map());
    expect(await timers.timersOf("gil")).toEqual([]);
    expect(await log.backlog()).toEqual({ undelivered: 0, pending: 0 });
  });

  it("should need onForgotten for the timers, which the hook set after Forget dropped them", async () => {
    const { people, timers, run } = setUp(false);
    await run();
    // The person store's own Forget, run again by the consumer, still drops the identifier link.
    expect(await people.lookupIdentifiers([email])).toEqual(new Map());
    expect((await timers.timersOf("gil")).map((t) => t.kind)).toEqual(["cart_abandonment"]);
  });
});
