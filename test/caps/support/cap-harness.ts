import type {
  CapCounter,
  CapStore,
  ExperienceRecord,
  ReservationItem,
} from "../../../server/src/caps/cap-store.js";
import type { CapStoreOptions } from "../../../server/src/caps/cap-store-options.js";
import { createMemoryCapStore } from "../../../server/src/caps/memory-cap-store.js";
import { createRedisCapStore } from "../../../server/src/caps/redis-cap-store.js";
import { generateProfiles } from "../../../server/src/demo/synthetic.js";
import type { PersonStateStore, ProfileStore } from "../../../server/src/domain/stores.js";
import { createMemoryPersonStore } from "../../../server/src/profile/memory-person-store.js";
import { createMemoryProfileStore } from "../../../server/src/profile/memory-profile-store.js";
import { encodeProfile } from "../../../server/src/profile/profile-codec.js";
import { createRedisPersonStore } from "../../../server/src/profile/redis-person-store.js";
import { createRedisProfileStore } from "../../../server/src/profile/redis-profile-store.js";
import { connectTestRedis, type TestRedis } from "../../support/redis.js";

const FEATURES = 16;

/** A cap store with the person and profile stores that share its data, as a server builds them. */
export interface CapHarness {
  readonly caps: CapStore;
  /** Merge and Forget reach the cap store's data through it. */
  readonly people: PersonStateStore;
  /** Decide's side: `readPerson` shows the redeemed set. */
  readonly profiles: ProfileStore;
  /** The client and key prefix of the Redis harness; undefined for memory. */
  readonly redis: TestRedis | undefined;
  /** The store's clock now, in ms since the epoch. */
  now(): number;
  /** Moves the store's clock on by `ms`: the memory clock at once, Redis by waiting. */
  advance(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

/** Both store kinds, for `describe.each`. */
export const CAP_HARNESSES: [string, (options?: CapStoreOptions) => Promise<CapHarness>][] = [
  [
    "memory",
    async (options = {}) => {
      let clock = Date.now();
      const profiles = createMemoryProfileStore({ features: FEATURES });
      const caps = createMemoryCapStore({ ...options, now: () => clock, profiles });
      const people = createMemoryPersonStore({ profiles, caps });
      return {
        caps,
        people,
        profiles,
        redis: undefined,
        now: () => clock,
        advance: async (ms) => {
          clock += ms;
        },
        cleanup: async () => {
          await people.close();
          await profiles.close();
        },
      };
    },
  ],
  [
    "redis",
    async (options = {}) => {
      const t = await connectTestRedis();
      try {
        const { keyPrefix, redis } = t;
        const caps = createRedisCapStore({ ...options, redis, keyPrefix });
        const profiles = createRedisProfileStore({ redis, keyPrefix, features: FEATURES });
        const people = createRedisPersonStore({ redis, keyPrefix });
        return {
          caps,
          people,
          profiles,
          redis: t,
          now: () => Date.now(),
          advance: sleep,
          cleanup: async () => {
            await people.close();
            await profiles.close();
            await t.cleanup();
          },
        };
      } catch (error) {
        await t.cleanup();
        throw error;
      }
    },
  ],
];

/** Waits `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A counter; the window defaults to a minute, longer than any test. */
export function counter(ruleId: string, scope: string, limit: number, windowMs = 60_000): CapCounter {
  return { ruleId, scope, limit, windowMs };
}

/** An item consuming `counters`, handing out `experience`. */
export function item(
  counters: CapCounter[] = [],
  experience: ExperienceRecord | null = null,
): ReservationItem {
  return { counters, experience };
}

/** An experience record of `sku` kept for the store's retention (untilMs Infinity unless given). */
export function experience(
  experienceId: string,
  sku: string,
  untilMs = Number.POSITIVE_INFINITY,
): ExperienceRecord {
  return { experienceId, useCase: "uc-home", offerId: `offer-${sku}`, sku, untilMs };
}

let seed = 1;

/** Merges person `from` into `into` (neither committed before) through the person store. */
export async function mergePeople(people: PersonStateStore, into: string, from: string): Promise<void> {
  const [p] = generateProfiles({ count: 1, features: FEATURES, seed: seed++ });
  const result = await people.merge({
    into,
    from,
    intoVersion: 0,
    fromVersion: 0,
    state: Buffer.from(`${into}+${from}`),
    profile: encodeProfile({ ...p!, userId: into }),
  });
  if (result !== "ok") throw new Error(`merge of ${from} into ${into}: ${result}`);
}
