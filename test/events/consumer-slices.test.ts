/**
 * How the profile consumer paces the slices of a batch (`slicesInFlight`):
 * on the in-process stores, one person per slice so every slice is visible
 * through the `onApplied` hook.
 */
import { describe, expect, it } from "vitest";
import type { PersonEvent } from "../../server/src/domain/event.js";
import { encodeLoggedEvent } from "../../server/src/events/logged-event.js";
import { createMemoryEventLog } from "../../server/src/events/memory-event-log.js";
import { createProfileConsumer } from "../../server/src/events/profile-consumer.js";
import { createIdentityResolver } from "../../server/src/identity/identity-resolver.js";
import { resolveFeatureConfig } from "../../server/src/profile/features/feature-config.js";
import { createMemoryPersonStore } from "../../server/src/profile/memory-person-store.js";
import { createMemoryProfileStore } from "../../server/src/profile/memory-profile-store.js";
import { view } from "../profile/features/feature-fixture.js";
import { CONSUMER_FEATURES, consumerBase, consumerHasher } from "../triggers/support.js";

const FEATURES = CONSUMER_FEATURES;
const NOW = Date.now();

function setUp(slicesInFlight: number | undefined, onApplied: (personId: string) => Promise<void>) {
  const profiles = createMemoryProfileStore({ features: FEATURES });
  const people = createMemoryPersonStore({ profiles, personTtlMs: 86_400_000 });
  const log = createMemoryEventLog();
  const identity = createIdentityResolver({
    people,
    log,
    hasher: consumerHasher,
    features: FEATURES,
    featureConfig: resolveFeatureConfig(),
  });
  const consumer = createProfileConsumer({
    ...consumerBase(log, people, identity),
    sliceSize: 1,
    ...(slicesInFlight === undefined ? {} : { slicesInFlight }),
    onApplied: (personId) => onApplied(personId),
  });
  /** One view each for `users`, as one Track call, then read as one batch. */
  const batchOf = async (users: string[]) => {
    await log.append(
      users.map((userId) => ({
        userId,
        data: encodeLoggedEvent({ ...view(NOW, "S1"), userId } as PersonEvent),
      })),
    );
    return log.read("consumer-1", 100, 1);
  };
  return { log, identity, consumer, batchOf };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const people = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("createProfileConsumer({ slicesInFlight })", () => {
  it("should keep at most slicesInFlight slices of a batch in flight, and apply them all", async () => {
    let inFlight = 0;
    let most = 0;
    const { consumer, identity, log, batchOf } = setUp(2, async () => {
      most = Math.max(most, ++inFlight);
      await tick();
      inFlight--;
    });
    await consumer.applyEntries(await batchOf(people("a", 7)));
    expect(most).toBe(2);
    for (const id of people("a", 7)) expect((await identity.read(id)).state?.applied).toBe(1);
    expect(await log.backlog()).toEqual({ undelivered: 0, pending: 0 });
  });

  it("should default to two slices in flight", async () => {
    let inFlight = 0;
    let most = 0;
    const { consumer, batchOf } = setUp(undefined, async () => {
      most = Math.max(most, ++inFlight);
      await tick();
      inFlight--;
    });
    await consumer.applyEntries(await batchOf(people("d", 5)));
    expect(most).toBe(2);
  });

  it("should give a batch read later its turn before the earlier batch has finished", async () => {
    const order: string[] = [];
    const { consumer, batchOf } = setUp(2, async (personId) => {
      order.push(personId);
      await tick();
    });
    const early = await batchOf(people("e", 8));
    const late = await batchOf(["late"]);
    await Promise.all([consumer.applyEntries(early), consumer.applyEntries(late)]);
    expect(order).toHaveLength(9);
    // All at once, the later batch's one slice came after the earlier batch's eight.
    expect(order.indexOf("late")).toBeLessThan(4);
  });

  it("should start no more slices of a batch once one has failed, and leave its entries pending", async () => {
    let calls = 0;
    const { consumer, log, batchOf } = setUp(1, async (personId) => {
      calls++;
      if (personId === "f1") throw new Error("timer store down");
    });
    await expect(consumer.applyEntries(await batchOf(people("f", 6)))).rejects.toThrow("timer store down");
    expect(calls).toBe(2);
    expect(await log.backlog()).toEqual({ undelivered: 0, pending: 6 });
  });

  it.each([0, 1.5, Number.NaN])("should refuse slicesInFlight %s", (n) => {
    expect(() => setUp(n, async () => {})).toThrow(
      new RangeError(`options.slicesInFlight must be an integer ≥ 1, got ${n}`),
    );
  });
});
