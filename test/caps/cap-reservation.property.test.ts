/**
 * The cap guarantee on a real Redis: however many decisions of one person
 * reserve at once, in any window of a counter's length Redis never granted
 * more than its limit, and no counter key ever lives without an expiry.
 * Checked from what Redis answered (the `atMs` of each granted reservation),
 * not from what the store believes.
 */
import fc from "fast-check";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CapCounter, CapStore, ReservationRequest } from "../../server/src/caps/cap-store.js";
import { createRedisCapStore } from "../../server/src/caps/redis-cap-store.js";
import type { PersonStateStore } from "../../server/src/domain/stores.js";
import { createRedisPersonStore } from "../../server/src/profile/redis-person-store.js";
import { connectTestRedis, type TestRedis } from "../support/redis.js";
import { counter, experience, item, mergePeople, sleep } from "./support/cap-harness.js";

/** Channels a decision-level rule may count in. */
const CHANNELS = 5;
const CALLS_PER_ROUND = 200;
const RUNS = 10;

/** Reservation times (ms) of one counter, with its rule. */
interface Grants {
  readonly limit: number;
  readonly windowMs: number;
  readonly times: number[];
}

/**
 * The most any window `(t - windowMs, t]` of each counter holds beyond its
 * limit: the store's window (it drops entries at or before now - windowMs).
 * 0 when every counter kept its limit.
 */
function largestOvershoot(grants: Iterable<Grants>): number {
  let worst = 0;
  for (const { limit, windowMs, times } of grants) {
    const sorted = [...times].sort((a, b) => a - b);
    let first = 0;
    for (let last = 0; last < sorted.length; last++) {
      while (sorted[first]! <= sorted[last]! - windowMs) first++;
      worst = Math.max(worst, last - first + 1 - limit);
    }
  }
  return worst;
}

describe("largestOvershoot()", () => {
  it.each<[string, Grants, number]>([
    ["limit kept", { limit: 2, windowMs: 1000, times: [0, 500, 1000, 1500] }, 0],
    ["one too many in a window", { limit: 2, windowMs: 1000, times: [0, 500, 999] }, 1],
    ["the same ms counts twice", { limit: 1, windowMs: 1000, times: [7, 7] }, 1],
    ["a reservation exactly windowMs old is out", { limit: 1, windowMs: 1000, times: [2000, 0, 1000] }, 0],
    ["unsorted", { limit: 1, windowMs: 1000, times: [1500, 100, 1400] }, 1],
  ])("should measure: %s", (_name, grants, overshoot) => {
    expect(largestOvershoot([grants])).toBe(overshoot);
  });
});

/** Every key of the person, by SCAN. */
async function personKeysOf(redis: Redis, keyPrefix: string, personId: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, page] = await redis.scan(cursor, "MATCH", `${keyPrefix}{u:${personId}}:*`, "COUNT", 1000);
    cursor = next;
    keys.push(...page);
  } while (cursor !== "0");
  return keys;
}

const ruleArb = fc.record({
  limit: fc.integer({ min: 1, max: 5 }),
  windowMs: fc.integer({ min: 1000, max: 4000 }),
});

const scenarioArb = fc.record({
  /** Decision-level rules, each counting in a random subset of channels. */
  decisionRules: fc.array(
    fc.record({
      rule: ruleArb,
      channels: fc.subarray([...Array(CHANNELS).keys()], { minLength: 1 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  /** Per-offer rules: one counter per rule and offer. */
  offerRules: fc.array(ruleArb, { minLength: 1, maxLength: 2 }),
  offers: fc.integer({ min: 2, max: 6 }),
  /** Pauses between rounds, so windows slide between them. */
  pausesMs: fc.array(fc.integer({ min: 100, max: 900 }), { minLength: 2, maxLength: 3 }),
  /** Seeds of the rounds' decisions. */
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

/** A small seeded PRNG (mulberry32), for the 200 decisions of a round. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("reserve() on Redis under concurrency", () => {
  let t: TestRedis;
  let caps: CapStore;
  let people: PersonStateStore;
  beforeAll(async () => {
    t = await connectTestRedis();
    caps = createRedisCapStore({ redis: t.redis, keyPrefix: t.keyPrefix });
    people = createRedisPersonStore({ redis: t.redis, keyPrefix: t.keyPrefix });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("should never grant more than a counter's limit in any window, and every key should expire", async () => {
    let runs = 0;
    let overshoot = 0;
    let keysChecked = 0;
    let granted = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (s) => {
        const run = runs++;
        const personId = `prop-${run}`;
        const decisionRules = s.decisionRules.map((r, i) => ({
          channels: new Set(r.channels),
          counter: counter(`contacts-${i}`, "", r.rule.limit, r.rule.windowMs),
        }));
        const offerCounters = Array.from({ length: s.offers }, (_, o) =>
          s.offerRules.map((r, i) => counter(`per-offer-${i}`, `offer-${o}`, r.limit, r.windowMs)),
        );
        const grants = new Map<string, Grants>();
        const count = (c: CapCounter, atMs: number): void => {
          const key = `${c.ruleId}:${c.scope}`;
          let g = grants.get(key);
          if (g === undefined) {
            g = { limit: c.limit, windowMs: c.windowMs, times: [] };
            grants.set(key, g);
          }
          g.times.push(atMs);
        };
        const random = rng(s.seed);
        const pick = (n: number): number => Math.floor(random() * n);

        for (let round = 0; round <= s.pausesMs.length; round++) {
          const requests: ReservationRequest[] = Array.from({ length: CALLS_PER_ROUND }, (_, call) => {
            const channel = pick(CHANNELS);
            return {
              personId,
              decisionId: `r${round}-c${call}`,
              decision: decisionRules.filter((r) => r.channels.has(channel)).map((r) => r.counter),
              items: Array.from({ length: 1 + pick(5) }, () => item(offerCounters[pick(s.offers)]!)),
              want: 1 + pick(3),
            };
          });
          const results = await Promise.all(requests.map((req) => caps.reserve(req)));
          for (const [i, r] of results.entries()) {
            const req = requests[i]!;
            expect(r.granted.length).toBeLessThanOrEqual(req.want);
            if (r.deniedBy !== null) expect(r.granted).toEqual([]);
            if (r.granted.length === 0) continue;
            granted += r.granted.length;
            for (const c of req.decision) count(c, r.atMs);
            for (const index of r.granted) for (const c of req.items[index]!.counters) count(c, r.atMs);
          }
          for (const key of await personKeysOf(t.redis, t.keyPrefix, personId)) {
            const pttl = await t.redis.pttl(key);
            // -2: it expired between SCAN and PTTL; -1 would be a key that never expires.
            expect({ key, neverExpires: pttl === -1 }).toEqual({ key, neverExpires: false });
            keysChecked++;
          }
          if (round < s.pausesMs.length) await sleep(s.pausesMs[round]!);
        }
        overshoot = Math.max(overshoot, largestOvershoot(grants.values()));
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    console.log(JSON.stringify({ cap_property_runs: runs, largest_overshoot: overshoot }));
    // The property must have had something to check.
    expect(granted).toBeGreaterThan(0);
    expect(keysChecked).toBeGreaterThan(0);
    expect(overshoot).toBe(0);
  });

  it("should move a merged person's counters to the survivor, whose counter then counts both", async () => {
    const [into, from] = ["merge-into", "merge-from"];
    const offer = counter("per-offer", "o", 10);
    const contacts = counter("contacts", "", 10);
    for (let i = 0; i < 2; i++)
      await caps.reserve({
        personId: into,
        decisionId: `i${i}`,
        decision: [contacts],
        items: [item([offer])],
        want: 1,
      });
    for (let i = 0; i < 3; i++)
      await caps.reserve({
        personId: from,
        decisionId: `f${i}`,
        decision: [contacts],
        items: [item([offer], experience(`x${i}`, "SKU-1"))],
        want: 1,
      });
    await mergePeople(people, into, from);
    const base = `${t.keyPrefix}{u:${into}}:`;
    expect(await t.redis.zcard(`${base}cap:per-offer:o`)).toBe(5);
    expect(await t.redis.zcard(`${base}cap:contacts:`)).toBe(5);
    expect(await t.redis.hlen(`${base}exp`)).toBe(3);
    expect((await t.redis.zrange(`${base}capkeys`, 0, -1)).sort()).toEqual(
      ["cap:contacts:", "cap:per-offer:o", "resv:f0", "resv:f1", "resv:f2", "resv:i0", "resv:i1"].sort(),
    );
    // Only the alias is left of from.
    expect(await personKeysOf(t.redis, t.keyPrefix, from)).toEqual([`${t.keyPrefix}{u:${from}}:alias`]);
    for (const key of await personKeysOf(t.redis, t.keyPrefix, into)) {
      expect({ key, expires: (await t.redis.pttl(key)) > 0 }).toEqual({ key, expires: true });
    }

    // Forget deletes them all: 2 counters, 5 records, the index, the experiences; the
    // state (with the profile), consent and links the merge wrote; from's alias.
    expect(await people.forget(into, [])).toBe(2 + 5 + 1 + 1 + 3 + 1);
    expect(await personKeysOf(t.redis, t.keyPrefix, into)).toEqual([]);
    expect(await personKeysOf(t.redis, t.keyPrefix, from)).toEqual([]);
  });
});
