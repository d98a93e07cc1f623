import { createHash } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateProfiles } from "../../server/src/demo/synthetic.js";
import { ALL_CONSENT, Consent } from "../../server/src/domain/consent.js";
import type { PersonRead, Profile } from "../../server/src/domain/profile.js";
import type {
  ConsentRecord,
  PersonStateCommit,
  PersonStateStore,
  ProfileStore,
} from "../../server/src/domain/stores.js";
import { createMemoryPersonStore } from "../../server/src/profile/memory-person-store.js";
import { createMemoryProfileStore } from "../../server/src/profile/memory-profile-store.js";
import { GPC_PURPOSES, type PersonStateStoreOptions } from "../../server/src/profile/person-store-options.js";
import { decodeProfile, encodeProfile } from "../../server/src/profile/profile-codec.js";
import {
  createRedisPersonStore,
  identifierLinkKey,
  tombstoneKey,
} from "../../server/src/profile/redis-person-store.js";
import {
  createRedisProfileStore,
  PROFILE_FIELD,
  personKeys,
} from "../../server/src/profile/redis-profile-store.js";
import { connectTestRedis, type TestRedis } from "../support/redis.js";

const FEATURES = 16;
const { PERSONALIZATION, EMAIL, SMS, PUSH, IN_STORE, ADS } = Consent;

interface Harness {
  readonly people: PersonStateStore;
  /** Decide's side, sharing the data of `people`. */
  readonly profiles: ProfileStore;
  cleanup(): Promise<void>;
}

/** Store options of one test; `scriptBatchSize` only applies to Redis. */
type Extra = Partial<PersonStateStoreOptions> & { scriptBatchSize?: number };

const harnesses: [string, (extra?: Extra) => Promise<Harness>][] = [
  [
    "memory",
    async ({ scriptBatchSize: _, ...extra } = {}) => {
      const profiles = createMemoryProfileStore({ features: FEATURES });
      const people = createMemoryPersonStore({ profiles, ...extra });
      return {
        people,
        profiles,
        cleanup: async () => {
          await people.close();
          await profiles.close();
        },
      };
    },
  ],
  [
    "redis",
    async (extra) => {
      const t = await connectTestRedis();
      const profiles = createRedisProfileStore({
        redis: t.redis,
        features: FEATURES,
        keyPrefix: t.keyPrefix,
      });
      let people: PersonStateStore;
      try {
        people = createRedisPersonStore({ redis: t.redis, keyPrefix: t.keyPrefix, ...extra });
      } catch (error) {
        await t.cleanup();
        throw error;
      }
      return {
        people,
        profiles,
        cleanup: async () => {
          await people.close();
          await profiles.close();
          await t.cleanup();
        },
      };
    },
  ],
];

let seed = 1;
function profile(userId: string, consent = 0): Profile {
  const [p] = generateProfiles({ count: 1, features: FEATURES, seed: seed++ });
  return { ...p!, userId, consent };
}

/** What Decide reads back for `userId` from a stored `packed` profile, with the consent in force. */
function decoded(userId: string, packed: Buffer, consent: number): Profile {
  return { ...decodeProfile(userId, packed, FEATURES), consent };
}

/** The caller's keyed hash of an id: the tombstone never contains the id. */
function tomb(id: string): string {
  return createHash("sha256").update(`tombstone\0${id}`).digest("hex");
}

/** A commit of state "s" and a fresh profile for the person, applying `eventIds`. */
function plainCommit(personId: string, expectedVersion: number, eventIds: string[]): PersonStateCommit {
  return {
    personId,
    expectedVersion,
    state: Buffer.from("s"),
    profile: encodeProfile(profile(personId)),
    eventIds,
    tombstone: tomb(personId),
  };
}

/** An identifier key as the identity resolver builds it: "<kind>:<hex hmac>". */
function idn(value: string): string {
  return `email:${createHash("sha256").update(value).digest("hex")}`;
}

function sorted(read: PersonRead): PersonRead {
  if (read.kind === "timeout" || read.kind === "unavailable") return read;
  return { ...read, capped: [...read.capped].sort(), redeemed: [...read.redeemed].sort() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let nextId = 0;
const fresh = (name: string) => `${name}-${nextId++}`;

const record = (granted: number, denied: number, globalOptOut = false): ConsentRecord => ({
  granted,
  denied,
  globalOptOut,
});

/** A change of consent at `atMs`, as Track sends it. */
interface Change {
  readonly granted: number;
  readonly denied: number;
  readonly globalOptOut: boolean;
  readonly atMs: number;
}

/**
 * The consent semantics written down once, independently of the stores: per
 * purpose the change with the latest time wins and a denial wins a tie (a
 * bulk-loaded grant counts as a grant at time 0); the opt-out signal withdraws
 * GPC purposes not granted after it.
 */
function model(changes: readonly Change[], bulk: number | undefined): ConsentRecord {
  const gpc = changes
    .filter((c) => c.globalOptOut)
    .reduce<number | undefined>((max, c) => (max === undefined || c.atMs > max ? c.atMs : max), undefined);
  let granted = 0;
  let denied = 0;
  for (const b of [PERSONALIZATION, EMAIL, SMS, PUSH, IN_STORE, ADS]) {
    let win = bulk !== undefined && (bulk & b) !== 0 ? { atMs: 0, grant: true } : undefined;
    for (const c of changes) {
      if (((c.granted | c.denied) & b) === 0) continue;
      const grant = (c.denied & b) === 0;
      if (win === undefined || c.atMs > win.atMs || (c.atMs === win.atMs && !grant))
        win = { atMs: c.atMs, grant };
    }
    let on = win?.grant === true;
    if (win !== undefined && !win.grant) denied |= b;
    if (gpc !== undefined && (GPC_PURPOSES & b) !== 0 && !(win?.grant === true && win.atMs > gpc)) {
      on = false;
      denied |= b;
    }
    if (on) granted |= b;
  }
  return record(granted, denied, gpc !== undefined);
}

describe.each(harnesses)("%s PersonStateStore contract", (kind, create) => {
  let h: Harness;
  beforeAll(async () => {
    h = await create();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  const commit = (
    personId: string,
    expectedVersion: number,
    state: string,
    eventIds: string[] = [],
    consent = 0,
  ) =>
    h.people.commit({
      personId,
      expectedVersion,
      state: Buffer.from(state),
      profile: encodeProfile(profile(personId, consent)),
      eventIds,
      tombstone: tomb(personId),
    });

  const merge = (into: string, from: string, intoVersion: number, fromVersion: number, packed?: Buffer) =>
    h.people.merge({
      into,
      from,
      intoVersion,
      fromVersion,
      state: Buffer.from(`${into}+${from}`),
      profile: packed ?? encodeProfile(profile(into)),
    });

  const consent = (id: string, granted: number, denied: number, atMs: number, globalOptOut = false) =>
    h.people.updateConsent(id, tomb(id), { granted, denied, globalOptOut }, atMs);

  it("should report its kind", () => {
    expect(h.people.kind).toBe(kind);
  });

  describe("load()", () => {
    it("should read an unknown person as new", async () => {
      expect(await h.people.load("nobody", tomb("nobody"), ["e1"])).toEqual({
        personId: "nobody",
        forgotten: false,
        state: null,
        profile: null,
        version: 0,
        seen: new Set(),
      });
    });

    it("should return a bulk-loaded profile when there is no feature state yet", async () => {
      const p = profile(fresh("bulk"), EMAIL);
      await h.profiles.putProfiles([p]);
      const read = await h.people.load(p.userId, tomb(p.userId), []);
      expect(read).toMatchObject({ personId: p.userId, state: null, version: 0 });
      expect(read.profile).toEqual(encodeProfile(p));
    });
  });

  describe("commit()", () => {
    it("should write state and profile, bump the version and remember the event ids", async () => {
      const id = fresh("committer");
      expect(await commit(id, 0, "s1", ["e1", "e2"])).toBe("ok");
      expect(await h.people.load(id, tomb(id), ["e1", "e3", "e2"])).toEqual({
        personId: id,
        forgotten: false,
        state: Buffer.from("s1"),
        profile: null,
        version: 1,
        seen: new Set(["e1", "e2"]),
      });
      expect(await commit(id, 1, "s2", ["e3"])).toBe("ok");
      expect(await h.people.load(id, tomb(id), ["e1", "e3", "e4"])).toMatchObject({
        state: Buffer.from("s2"),
        version: 2,
        seen: new Set(["e1", "e3"]),
      });
      expect((await h.profiles.readPerson(id, 1000)).kind).toBe("found");
    });

    it("should refuse a stale version with conflict and keep the state", async () => {
      const id = fresh("racer");
      expect(await commit(id, 0, "first")).toBe("ok");
      expect(await commit(id, 0, "second", ["late"])).toBe("conflict");
      expect(await commit(id, 7, "third")).toBe("conflict");
      expect(await h.people.load(id, tomb(id), ["late"])).toMatchObject({
        state: Buffer.from("first"),
        version: 1,
        seen: new Set(),
      });
    });

    it("should refuse a commit for an id merged meanwhile", async () => {
      const [a, b] = [fresh("into"), fresh("from")];
      expect(await merge(a, b, 0, 0)).toBe("ok");
      expect(await commit(b, 0, "stale")).toBe("conflict");
      expect(await h.people.load(b, tomb(b), [])).toMatchObject({
        personId: a,
        state: Buffer.from(`${a}+${b}`),
        version: 1,
      });
    });

    it("should refuse a commit naming the version a person had before it was merged away", async () => {
      const [a, b] = [fresh("into-v"), fresh("from-v")];
      expect(await commit(b, 0, "b1")).toBe("ok");
      expect(await merge(a, b, 0, 1)).toBe("ok");
      // b's version 1 is gone with its state: the commit must not write to b.
      expect(await commit(b, 1, "stale")).toBe("conflict");
      expect(await h.people.load(b, tomb(b), [])).toMatchObject({
        personId: a,
        state: Buffer.from(`${a}+${b}`),
        version: 1,
      });
    });

    it("should answer forgotten to a commit naming the version a person had before Forget", async () => {
      const id = fresh("forgot-v");
      expect(await commit(id, 0, "s1")).toBe("ok");
      expect(await commit(id, 1, "s2")).toBe("ok");
      await h.people.forget(id, [tomb(id)]);
      expect(await commit(id, 2, "late")).toBe("forgotten");
      expect(await h.people.load(id, tomb(id), [])).toMatchObject({
        forgotten: true,
        state: null,
        version: 0,
      });
    });

    it("should keep bulk-loaded consent when the consumer rewrites the profile", async () => {
      const p = profile(fresh("bulk-consent"), EMAIL | PERSONALIZATION);
      await h.profiles.putProfiles([p]);
      expect(await commit(p.userId, 0, "s", [], 0)).toBe("ok");
      const read = await h.profiles.readPerson(p.userId, 1000);
      expect(read).toMatchObject({ kind: "found", profile: { consent: EMAIL | PERSONALIZATION } });
      expect(await h.people.readConsent(p.userId)).toEqual(record(EMAIL | PERSONALIZATION, 0));
      // The captured grants are records at time 0: any later change wins.
      expect(await consent(p.userId, 0, EMAIL, 1)).toEqual(record(PERSONALIZATION, EMAIL));
      expect(await h.profiles.readPerson(p.userId, 1000)).toMatchObject({
        profile: { consent: PERSONALIZATION },
      });
    });

    it("should reject a version that is not a non-negative integer", async () => {
      await expect(commit("v", -1, "s")).rejects.toThrow(
        new RangeError("commit.expectedVersion must be a non-negative integer, got -1"),
      );
    });
  });

  describe("loadMany() and commitMany()", () => {
    const commitOf = (
      personId: string,
      expectedVersion: number,
      state: string,
      eventIds: string[] = [],
    ): PersonStateCommit => ({
      personId,
      expectedVersion,
      state: Buffer.from(state),
      profile: encodeProfile(profile(personId)),
      eventIds,
      tombstone: tomb(personId),
    });
    const request = (userId: string, eventIds: string[] = []) => ({
      userId,
      tombstone: tomb(userId),
      eventIds,
    });

    it("should answer empty calls without a round trip", async () => {
      expect(await h.people.loadMany([])).toEqual([]);
      expect(await h.people.commitMany([])).toEqual([]);
    });

    it("should read each person as load does, in request order", async () => {
      const [known, unknown, gone, merged, into] = [
        fresh("known"),
        fresh("unknown"),
        fresh("gone"),
        fresh("merged"),
        fresh("into"),
      ];
      const bulk = profile(fresh("bulk"), EMAIL);
      await h.profiles.putProfiles([bulk]);
      expect(await commit(known, 0, "K", ["k1"])).toBe("ok");
      expect(await commit(gone, 0, "G", ["g1"])).toBe("ok");
      await h.people.forget(gone, [tomb(gone)]);
      expect(await merge(into, merged, 0, 0)).toBe("ok");
      const requests = [
        request(known, ["k1", "k2", "k1"]),
        request(unknown, ["u1"]),
        request(gone, ["g1"]),
        request(merged, []),
        request(bulk.userId, ["b1"]),
        request(known, ["k2"]),
      ];
      const reads = await h.people.loadMany(requests);
      expect(reads).toEqual([
        {
          personId: known,
          forgotten: false,
          state: Buffer.from("K"),
          profile: null,
          version: 1,
          seen: new Set(["k1"]),
        },
        { personId: unknown, forgotten: false, state: null, profile: null, version: 0, seen: new Set() },
        { personId: gone, forgotten: true, state: null, profile: null, version: 0, seen: new Set() },
        {
          personId: into,
          forgotten: false,
          state: Buffer.from(`${into}+${merged}`),
          profile: null,
          version: 1,
          seen: new Set(),
        },
        {
          personId: bulk.userId,
          forgotten: false,
          state: null,
          profile: encodeProfile(bulk),
          version: 0,
          seen: new Set(),
        },
        {
          personId: known,
          forgotten: false,
          state: Buffer.from("K"),
          profile: null,
          version: 1,
          seen: new Set(),
        },
      ]);
      for (const [i, r] of requests.entries()) {
        expect(await h.people.load(r.userId, r.tombstone, r.eventIds)).toEqual(reads[i]);
      }
    });

    it("should commit each person on its own: one's conflict or tombstone leaves the others alone", async () => {
      const [a, b, c, d] = [fresh("a"), fresh("b"), fresh("c"), fresh("d")];
      expect(await commit(a, 0, "A1", ["a1"])).toBe("ok");
      expect(await commit(c, 0, "C1")).toBe("ok");
      await h.people.forget(c, [tomb(c)]);
      expect(
        await h.people.commitMany([
          commitOf(a, 1, "A2", ["a2"]),
          commitOf(b, 3, "B?", ["b1"]),
          commitOf(c, 0, "C2", ["c1"]),
          commitOf(d, 0, "D1", ["d1"]),
        ]),
      ).toEqual(["ok", "conflict", "forgotten", "ok"]);
      expect(
        await h.people.loadMany([a, b, c, d].map((id) => request(id, [`${id}-x`, "a2", "b1", "d1"]))),
      ).toEqual([
        {
          personId: a,
          forgotten: false,
          state: Buffer.from("A2"),
          profile: null,
          version: 2,
          seen: new Set(["a2"]),
        },
        { personId: b, forgotten: false, state: null, profile: null, version: 0, seen: new Set() },
        { personId: c, forgotten: true, state: null, profile: null, version: 0, seen: new Set() },
        {
          personId: d,
          forgotten: false,
          state: Buffer.from("D1"),
          profile: null,
          version: 1,
          seen: new Set(["d1"]),
        },
      ]);
      expect((await h.profiles.readPerson(d, 1000)).kind).toBe("found");
    });

    it("should let a second commit of the same person see the first", async () => {
      const id = fresh("twice");
      expect(
        await h.people.commitMany([
          commitOf(id, 0, "first", ["e1"]),
          commitOf(id, 0, "second", ["e2"]),
          commitOf(id, 1, "third", ["e3"]),
        ]),
      ).toEqual(["ok", "conflict", "ok"]);
      expect(await h.people.load(id, tomb(id), ["e1", "e2", "e3"])).toMatchObject({
        state: Buffer.from("third"),
        version: 2,
        seen: new Set(["e1", "e3"]),
      });
    });

    it("should reject a bad version before committing anyone", async () => {
      const id = fresh("valid");
      await expect(
        h.people.commitMany([commitOf(id, 0, "s"), commitOf(fresh("bad"), -1, "s")]),
      ).rejects.toThrow(new RangeError("commit.expectedVersion must be a non-negative integer, got -1"));
      expect(await h.people.load(id, tomb(id), [])).toMatchObject({ state: null, version: 0 });
    });

    it("should keep order and outcomes across script chunks (150 people, scriptBatchSize 64)", async () => {
      const chunked = await create({ scriptBatchSize: 64 });
      try {
        const ids = Array.from({ length: 150 }, (_, i) => fresh(`chunk${i}`));
        // Every third person has a state already; every fifth commit names a stale version.
        const before = ids
          .filter((_, i) => i % 3 === 0)
          .map((id) => commitOf(id, 0, `${id}@1`, [`${id}-old`]));
        expect(await chunked.people.commitMany(before)).toEqual(before.map(() => "ok"));
        const reads = await chunked.people.loadMany(ids.map((id) => request(id, [`${id}-old`, `${id}-new`])));
        expect(reads.map((r) => [r.personId, r.version, r.state?.toString() ?? null, [...r.seen]])).toEqual(
          ids.map((id, i) => (i % 3 === 0 ? [id, 1, `${id}@1`, [`${id}-old`]] : [id, 0, null, []])),
        );
        // The same person at both ends crosses a chunk boundary: the later one conflicts.
        const commits = [
          ...reads.map((r, i) =>
            commitOf(r.personId, i % 5 === 0 ? r.version + 1 : r.version, `${r.personId}@new`, [
              `${r.personId}-new`,
            ]),
          ),
          commitOf(ids[1]!, 0, "again", ["again"]),
        ];
        const expected = [...ids.map((_, i) => (i % 5 === 0 ? "conflict" : "ok")), "conflict"];
        expect(await chunked.people.commitMany(commits)).toEqual(expected);
        const after = await chunked.people.loadMany(ids.map((id) => request(id, [`${id}-new`, "again"])));
        expect(after.map((r) => [r.personId, r.version, [...r.seen]])).toEqual(
          ids.map((id, i) => {
            const version = (i % 3 === 0 ? 1 : 0) + (i % 5 === 0 ? 0 : 1);
            return [id, version, i % 5 === 0 ? [] : [`${id}-new`]];
          }),
        );
      } finally {
        await chunked.cleanup();
      }
    });
  });

  describe("updateConsent()", () => {
    it("should fail closed for an unknown person", async () => {
      const id = fresh("unknown");
      expect(await h.people.readConsent(id)).toBeNull();
      expect(await consent(id, 0, 0, 10)).toEqual(record(0, 0));
      expect(await consent(id, 0, 0, 10, false)).toEqual(record(0, 0));
    });

    it.each<[string, [number, number, number][], ConsentRecord]>([
      [
        "the latest change wins",
        [
          [EMAIL, 0, 10],
          [0, EMAIL, 5],
        ],
        record(EMAIL, 0),
      ],
      [
        "a later denial withdraws",
        [
          [EMAIL | SMS, 0, 5],
          [0, SMS, 10],
        ],
        record(EMAIL, SMS),
      ],
      [
        "a denial wins a tie",
        [
          [EMAIL, 0, 10],
          [0, EMAIL, 10],
        ],
        record(0, EMAIL),
      ],
      ["a purpose granted and denied at once is denied", [[EMAIL, EMAIL, 10]], record(0, EMAIL)],
      [
        "a change leaves other purposes alone",
        [
          [PUSH, 0, 3],
          [IN_STORE, 0, 4],
        ],
        record(PUSH | IN_STORE, 0),
      ],
    ])("should apply per purpose: %s", async (_, changes, expected) => {
      const id = fresh("consent");
      let last: ConsentRecord | undefined;
      for (const [granted, denied, atMs] of changes) last = await consent(id, granted, denied, atMs);
      expect(last).toEqual(expected);
      expect(await h.people.readConsent(id)).toEqual(expected);
    });

    it("should withdraw marketing purposes under global opt-out unless granted after it", async () => {
      const id = fresh("gpc");
      await h.profiles.putProfiles([profile(id, 0)]);
      await consent(id, PERSONALIZATION | EMAIL | ADS | IN_STORE, 0, 5);
      const optedOut = record(PERSONALIZATION | IN_STORE, EMAIL | SMS | PUSH | ADS, true);
      expect(await consent(id, 0, 0, 10, true)).toEqual(optedOut);
      expect(await consent(id, ADS, 0, 10)).toEqual(optedOut); // not later than the signal
      expect(await consent(id, ADS, 0, 11)).toEqual(
        record(PERSONALIZATION | IN_STORE | ADS, EMAIL | SMS | PUSH, true),
      );
      expect(await h.profiles.readPerson(id, 1000)).toMatchObject({
        profile: { consent: PERSONALIZATION | IN_STORE | ADS },
      });
      // A later signal withdraws again.
      expect(await consent(id, 0, 0, 12, true)).toEqual(optedOut);
    });

    it("should start from the bulk-loaded profile's consent", async () => {
      const p = profile(fresh("bulk"), EMAIL | SMS);
      await h.profiles.putProfiles([p]);
      expect(await h.people.readConsent(p.userId)).toEqual(record(EMAIL | SMS, 0));
      expect(await consent(p.userId, PUSH, SMS, 1)).toEqual(record(EMAIL | PUSH, SMS));
    });

    it("should give the same result whatever order the changes arrive in", async () => {
      const change = fc.record({
        granted: fc.integer({ min: 0, max: ALL_CONSENT }),
        denied: fc.integer({ min: 0, max: ALL_CONSENT }),
        globalOptOut: fc.boolean(),
        atMs: fc.integer({ min: 0, max: 4 }), // a narrow range, so ties are common
      });
      const orders = fc
        .array(change, { minLength: 1, maxLength: 6 })
        .chain((cs) =>
          fc.tuple(fc.constant(cs), fc.shuffledSubarray(cs, { minLength: cs.length, maxLength: cs.length })),
        );
      const bulk = fc.option(fc.integer({ min: 0, max: ALL_CONSENT }), { nil: undefined });
      await fc.assert(
        fc.asyncProperty(orders, bulk, async ([inOrder, shuffled], bulkConsent) => {
          const results: ConsentRecord[] = [];
          for (const changes of [inOrder, shuffled, [...inOrder].reverse()]) {
            const id = fresh("order");
            if (bulkConsent !== undefined) await h.profiles.putProfiles([profile(id, bulkConsent)]);
            let last: ConsentRecord | undefined;
            for (const c of changes) last = await consent(id, c.granted, c.denied, c.atMs, c.globalOptOut);
            expect(await h.people.readConsent(id)).toEqual(last);
            if (bulkConsent !== undefined) {
              expect(await h.profiles.readPerson(id, 1000)).toMatchObject({
                profile: { consent: last!.granted },
              });
            }
            results.push(last!);
          }
          expect(results[1]).toEqual(results[0]);
          expect(results[2]).toEqual(results[0]);
          expect(results[0]).toEqual(model(inOrder, bulkConsent));
        }),
        { numRuns: 60 },
      );
    });

    it("should apply to the person a merged id resolves to", async () => {
      const [a, b] = [fresh("into"), fresh("from")];
      await merge(a, b, 0, 0);
      await consent(b, EMAIL, 0, 5);
      expect(await h.people.readConsent(a)).toEqual(record(EMAIL, 0));
    });

    it.each<[string, Change, RangeError]>([
      [
        "granted",
        { granted: 64, denied: 0, globalOptOut: false, atMs: 1 },
        new RangeError("change.granted must be a combination of Consent bits, got 64"),
      ],
      [
        "denied",
        { granted: 0, denied: -1, globalOptOut: false, atMs: 1 },
        new RangeError("change.denied must be a combination of Consent bits, got -1"),
      ],
      [
        "atMs",
        { granted: 0, denied: 0, globalOptOut: false, atMs: 1.5 },
        new RangeError("atMs must be a non-negative integer, got 1.5"),
      ],
    ])("should reject a bad %s", async (_, c, error) => {
      await expect(h.people.updateConsent("x", tomb("x"), c, c.atMs)).rejects.toThrow(error);
    });
  });

  describe("merge()", () => {
    it("should union caps, redemptions and applied events, and make the merged id follow", async () => {
      const [a, b] = [fresh("into"), fresh("from")];
      await commit(a, 0, "A", ["a1", "a2"]);
      await commit(b, 0, "B", ["b1"]);
      const now = Date.now();
      await h.profiles.capItem(a, "SKU-1", now + 60_000);
      await h.profiles.capItem(b, "SKU-1", now + 120_000);
      await h.profiles.capItem(b, "SKU-2", now + 60_000);
      await h.profiles.markRedeemed(a, "R-1");
      await h.profiles.markRedeemed(b, "R-2");
      const packed = encodeProfile(profile(a));

      expect(await merge(a, b, 1, 1, packed)).toBe("ok");

      expect(await h.people.load(b, tomb(b), ["a1", "b1", "x"])).toEqual({
        personId: a,
        forgotten: false,
        state: Buffer.from(`${a}+${b}`),
        profile: null,
        version: 2,
        seen: new Set(["a1", "b1"]),
      });
      expect(await h.people.resolve(b)).toBe(a);
      expect(await h.people.resolve(a)).toBe(a);
      expect(await h.people.linkedIds(a)).toEqual([a, b]);
      for (const id of [a, b]) {
        expect(sorted(await h.profiles.readPerson(id, 1000))).toEqual({
          kind: "found",
          profile: decoded(id, packed, 0),
          personId: a,
          capped: ["SKU-1", "SKU-2"],
          redeemed: ["R-1", "R-2"],
        });
      }
    });

    it("should refuse with conflict when either version changed, and change nothing", async () => {
      const [a, b] = [fresh("into"), fresh("from")];
      await commit(a, 0, "A");
      await commit(b, 0, "B");
      expect(await merge(a, b, 0, 1)).toBe("conflict");
      expect(await merge(a, b, 1, 0)).toBe("conflict");
      expect(await h.people.resolve(b)).toBe(b);
      expect(await h.people.load(a, tomb(a), [])).toMatchObject({ state: Buffer.from("A"), version: 1 });
      expect(await h.people.load(b, tomb(b), [])).toMatchObject({
        personId: b,
        state: Buffer.from("B"),
        version: 1,
      });
    });

    it("should refuse with conflict when either side was merged into someone else", async () => {
      const [a, b, c] = [fresh("a"), fresh("b"), fresh("c")];
      expect(await merge(a, b, 0, 0)).toBe("ok");
      expect(await merge(c, b, 0, 0)).toBe("conflict");
      expect(await merge(b, c, 0, 0)).toBe("conflict");
      expect(await h.people.resolve(b)).toBe(a);
    });

    it("should reject merging a person into themselves", async () => {
      await expect(merge("same", "same", 0, 0)).rejects.toThrow(
        new RangeError('merge: into and from are the same person "same"'),
      );
    });

    it("should re-point every id that resolved to the merged person", async () => {
      const [a, b, c] = [fresh("a"), fresh("b"), fresh("c")];
      const packed = encodeProfile(profile(c));
      expect(await merge(b, a, 0, 0)).toBe("ok");
      expect(await merge(c, b, 0, 1, packed)).toBe("ok");
      for (const id of [a, b, c]) expect(await h.people.resolve(id)).toBe(c);
      expect(await h.people.linkedIds(c)).toEqual([c, ...[a, b].sort()]);
      expect(await h.people.load(a, tomb(a), [])).toMatchObject({ personId: c, version: 1 });
      expect(await h.profiles.readPerson(a, 1000)).toMatchObject({
        kind: "found",
        profile: decoded(a, packed, 0),
      });
    });

    it("should keep the stricter consent of the two", async () => {
      const [a, b] = [fresh("into"), fresh("from")];
      await consent(a, EMAIL | SMS | IN_STORE, 0, 10);
      await consent(b, EMAIL | PUSH | IN_STORE, SMS, 3);
      await consent(b, 0, IN_STORE, 4);
      // The records win over the merged profile's own bits.
      const packed = encodeProfile(profile(a, EMAIL | SMS | PUSH | IN_STORE));
      expect(await merge(a, b, 0, 0, packed)).toBe("ok");
      // EMAIL granted on both; SMS and IN_STORE denied on one side: denied; PUSH
      // granted on one side and never mentioned on the other: granted.
      const merged = record(EMAIL | PUSH, SMS | IN_STORE);
      expect(await h.people.readConsent(a)).toEqual(merged);
      expect(await h.profiles.readPerson(b, 1000)).toMatchObject({ profile: { consent: EMAIL | PUSH } });
      // The merged records carry the later time of the two sides.
      expect(await consent(a, SMS, 0, 10)).toEqual(merged);
      expect(await consent(a, SMS, 0, 11)).toEqual(record(EMAIL | SMS | PUSH, IN_STORE));
    });

    it("should count a side's bulk-loaded profile as its consent, and keep an opt-out of either side", async () => {
      const [a, b] = [fresh("into"), fresh("from")];
      await h.profiles.putProfiles([profile(a, PERSONALIZATION | EMAIL), profile(b, PERSONALIZATION | SMS)]);
      await consent(b, 0, 0, 7, true);
      expect(await merge(a, b, 0, 0)).toBe("ok");
      expect(await h.people.readConsent(a)).toEqual(record(PERSONALIZATION, EMAIL | SMS | PUSH | ADS, true));
    });
  });

  describe("identifier links", () => {
    it("should link, relink and follow merges", async () => {
      const [a, b, c] = [fresh("a"), fresh("b"), fresh("c")];
      const [k1, k2, k3] = [idn(`${a}@x`), idn(`${b}@x`), idn(`${c}@x`)];
      expect(await h.people.lookupIdentifiers([])).toEqual(new Map());
      await h.people.linkIdentifiers(a, [k1, k2]);
      expect(await h.people.lookupIdentifiers([k1, k2, k3])).toEqual(
        new Map([
          [k1, a],
          [k2, a],
        ]),
      );
      await h.people.linkIdentifiers(b, [k2]);
      await h.people.linkIdentifiers(c, [k3]);
      expect(await h.people.lookupIdentifiers([k2, k3])).toEqual(
        new Map([
          [k2, b],
          [k3, c],
        ]),
      );
      expect(await merge(a, c, 0, 0)).toBe("ok");
      expect(await h.people.lookupIdentifiers([k1, k2, k3])).toEqual(
        new Map([
          [k1, a],
          [k2, b],
          [k3, a],
        ]),
      );
      // Forget of a takes its identifiers, not the one relinked to b.
      await h.people.forget(a, [tomb(a), tomb(c)]);
      expect(await h.people.lookupIdentifiers([k1, k2, k3])).toEqual(new Map([[k2, b]]));
    });
  });

  describe("forget()", () => {
    it("should delete every key of the person, merged ids and identifiers, and leave tombstones", async () => {
      const [p, m] = [fresh("forget-me-p"), fresh("forget-me-m")];
      const keys = [idn(`${p}@x`), idn(`${p}@y`)];
      await commit(p, 0, "P", ["p1"]);
      await commit(m, 0, "M", ["m1"]);
      await h.profiles.capItem(p, "SKU-1", Date.now() + 60_000);
      await h.profiles.markRedeemed(p, "R-1");
      await consent(p, EMAIL, 0, 1);
      await h.people.linkIdentifiers(p, keys);
      expect(await merge(p, m, 1, 1)).toBe("ok");
      const ids = await h.people.linkedIds(p);
      expect(ids).toEqual([p, m]);

      // p: f (profile and state), seen, consent, links, caps, redeemed; m: alias; two identifier links.
      expect(await h.people.forget(p, ids.map(tomb))).toBe(9);

      for (const id of ids) {
        expect(await h.people.load(id, tomb(id), ["p1", "m1"])).toEqual({
          personId: id,
          forgotten: true,
          state: null,
          profile: null,
          version: 0,
          seen: new Set(),
        });
        expect(await commit(id, 0, "again")).toBe("forgotten");
        expect(
          await h.people.updateConsent(id, tomb(id), { granted: EMAIL, denied: 0, globalOptOut: false }, 9),
        ).toEqual(record(0, 0));
        expect(await h.people.readConsent(id)).toBeNull();
        expect(await h.people.resolve(id)).toBe(id);
        expect(await h.profiles.readPerson(id, 1000)).toEqual({
          kind: "missing",
          personId: id,
          capped: [],
          redeemed: [],
        });
      }
      expect(await h.people.lookupIdentifiers(keys)).toEqual(new Map());
      expect(await h.people.linkedIds(p)).toEqual([p]);
      expect(await h.people.forget(p, [])).toBe(0);
    });
  });

  describe("options", () => {
    it("should forget applied event ids after dedupeWindowMs", async () => {
      const short = await create({ dedupeWindowMs: 150 });
      try {
        await short.people.commit(plainCommit("d", 0, ["e1"]));
        expect((await short.people.load("d", tomb("d"), ["e1"])).seen).toEqual(new Set(["e1"]));
        await sleep(250);
        expect((await short.people.load("d", tomb("d"), ["e1"])).seen).toEqual(new Set());
      } finally {
        await short.cleanup();
      }
    });

    it("should remember applied ids for dedupeWindowMs even when personTtlMs is shorter", async () => {
      const brief = await create({ personTtlMs: 100, dedupeWindowMs: 60_000 });
      try {
        expect(await brief.people.commit(plainCommit("b", 0, ["e1"]))).toBe("ok");
        await sleep(250);
        expect((await brief.people.load("b", tomb("b"), ["e1", "e2"])).seen).toEqual(new Set(["e1"]));
      } finally {
        await brief.cleanup();
      }
    });

    it("should remember at most maxSeenEvents ids, the newest", async () => {
      const small = await create({ maxSeenEvents: 3 });
      try {
        for (let i = 1; i <= 5; i++) {
          await small.people.commit(plainCommit("m", i - 1, [`e${i}`]));
          await sleep(3);
        }
        const all = ["e1", "e2", "e3", "e4", "e5"];
        expect((await small.people.load("m", tomb("m"), all)).seen).toEqual(new Set(["e3", "e4", "e5"]));
      } finally {
        await small.cleanup();
      }
    });

    it("should remember at most maxSeenEvents ids after a merge unions two sets", async () => {
      const small = await create({ maxSeenEvents: 3 });
      try {
        const commitTo = async (personId: string, expectedVersion: number, eventIds: string[]) => {
          expect(await small.people.commit(plainCommit(personId, expectedVersion, eventIds))).toBe("ok");
          await sleep(3);
        };
        const all = ["a1", "a2", "b1", "b2", "a3", "a4", "a5"];
        await commitTo("ma", 0, ["a1", "a2"]);
        await commitTo("mb", 0, ["b1", "b2"]);
        const merged = await small.people.merge({
          into: "ma",
          from: "mb",
          intoVersion: 1,
          fromVersion: 1,
          state: Buffer.from("m"),
          profile: encodeProfile(profile("ma")),
        });
        expect(merged).toBe("ok");
        expect((await small.people.load("ma", tomb("ma"), all)).seen.size).toBe(3);
        // The union holds 3 ids though "ma" committed only 2: its next id must still trim the oldest.
        await commitTo("ma", 2, ["a3"]);
        expect((await small.people.load("ma", tomb("ma"), all)).seen).toEqual(new Set(["b1", "b2", "a3"]));
        await commitTo("ma", 3, ["a4", "a5"]);
        expect((await small.people.load("ma", tomb("ma"), all)).seen).toEqual(new Set(["a3", "a4", "a5"]));
      } finally {
        await small.cleanup();
      }
    });

    it.each<[Extra, string]>([
      [{ personTtlMs: 0 }, "options.personTtlMs must be a positive integer, got 0"],
      [{ tombstoneTtlMs: -5 }, "options.tombstoneTtlMs must be a positive integer, got -5"],
      [{ dedupeWindowMs: 1.5 }, "options.dedupeWindowMs must be a positive integer, got 1.5"],
      [{ maxSeenEvents: Number.NaN }, "options.maxSeenEvents must be a positive integer, got NaN"],
    ])("should reject %o, naming the option", async (extra, message) => {
      await expect(create(extra)).rejects.toThrow(new RangeError(message));
    });

    it("should reject calls once closed", async () => {
      const closing = await create();
      try {
        await closing.people.close();
        await expect(closing.people.load("a", tomb("a"), [])).rejects.toThrow("person store is closed");
        await expect(closing.people.resolve("a")).rejects.toThrow("person store is closed");
        await expect(closing.people.loadMany([])).rejects.toThrow("person store is closed");
        await expect(closing.people.commitMany([])).rejects.toThrow("person store is closed");
      } finally {
        await closing.cleanup();
      }
    });
  });
});

describe("redis PersonStateStore keys", () => {
  let t: TestRedis;
  let people: PersonStateStore;
  let profiles: ProfileStore;
  const ttl = { personTtlMs: 3_000_000, tombstoneTtlMs: 5_000_000, dedupeWindowMs: 1_000_000 };
  beforeAll(async () => {
    t = await connectTestRedis();
    profiles = createRedisProfileStore({ redis: t.redis, features: FEATURES, keyPrefix: t.keyPrefix });
    people = createRedisPersonStore({ redis: t.redis, keyPrefix: t.keyPrefix, ...ttl });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  async function scan(): Promise<string[]> {
    const keys: string[] = [];
    let cursor = "0";
    do {
      const [next, page] = await t.redis.scan(cursor, "MATCH", `${t.keyPrefix}*`, "COUNT", 1000);
      cursor = next;
      keys.push(...page);
    } while (cursor !== "0");
    return keys.sort();
  }

  /** Writes every kind of key for `p` (with merged id `m`) and the identifier `k`. */
  async function populate(p: string, m: string, k: string): Promise<void> {
    for (const id of [p, m]) {
      const c = {
        personId: id,
        expectedVersion: 0,
        state: Buffer.from(id),
        profile: encodeProfile(profile(id)),
        eventIds: [`${id}-e`],
        tombstone: tomb(id),
      };
      expect(await people.commit(c)).toBe("ok");
    }
    await people.updateConsent(p, tomb(p), { granted: EMAIL, denied: SMS, globalOptOut: true }, 5);
    await people.linkIdentifiers(p, [k]);
    await profiles.capItem(p, "SKU-1", Date.now() + 60_000);
    await profiles.markRedeemed(p, "R-1");
    expect(
      await people.merge({
        into: p,
        from: m,
        intoVersion: 1,
        fromVersion: 1,
        state: Buffer.from("merged"),
        profile: encodeProfile(profile(p)),
      }),
    ).toBe("ok");
  }

  it("should write the documented keys, each with an expiry", async () => {
    const k = idn("keys@x");
    await populate("kp", "km", k);
    await people.updateConsent("anon", tomb("anon"), { granted: PUSH, denied: 0, globalOptOut: false }, 1);
    await people.forget("gone", [tomb("gone")]);
    const pk = personKeys(t.keyPrefix, "kp");
    const keys = await scan();
    expect(keys).toEqual(
      [
        pk.caps,
        pk.redeemed,
        pk.state,
        pk.seen,
        pk.consent,
        pk.links,
        personKeys(t.keyPrefix, "km").alias,
        personKeys(t.keyPrefix, "anon").consent,
        identifierLinkKey(t.keyPrefix, k),
        tombstoneKey(t.keyPrefix, tomb("gone")),
      ].sort(),
    );
    expect(pk.state).toBe(`${t.keyPrefix}{u:kp}:f`);
    expect(identifierLinkKey(t.keyPrefix, k)).toBe(`${t.keyPrefix}idn:${k}`);
    expect((await t.redis.hkeys(pk.state)).sort()).toEqual([PROFILE_FIELD, "s", "v"]);
    expect(await t.redis.hmget(pk.state, "s", "v")).toEqual(["merged", "2"]);
    expect((await t.redis.zrange(pk.seen, 0, -1)).sort()).toEqual(["km-e", "kp-e"]);
    expect(await t.redis.hgetall(pk.consent)).toEqual({
      [String(EMAIL)]: "5:1", // granted on one side, never mentioned on the other: granted (GPC still holds it back)
      [String(SMS)]: "5:0",
      gpc: "5:1",
      eff: `0,${EMAIL | SMS | PUSH | ADS},1`,
    });
    expect(await t.redis.get(personKeys(t.keyPrefix, "km").alias)).toBe("kp");
    expect((await t.redis.smembers(pk.links)).sort()).toEqual([`i:${k}`, "u:km"]);
    expect(await t.redis.get(identifierLinkKey(t.keyPrefix, k))).toBe("kp");

    for (const key of keys) {
      const pttl = await t.redis.pttl(key);
      const limit =
        key === pk.seen
          ? ttl.dedupeWindowMs
          : key.includes(":forgotten:")
            ? ttl.tombstoneTtlMs
            : key === pk.caps
              ? 60_000
              : key === pk.redeemed
                ? 365 * 24 * 3600 * 1000
                : ttl.personTtlMs;
      expect({ key, expires: pttl > 0 && pttl <= limit }).toEqual({ key, expires: true });
    }
  });

  it("should keep every key expiring when commits in quick succession skip the refresh", async () => {
    const p = "quick";
    const k = idn("quick@x");
    await profiles.putProfiles([profile(p, EMAIL)]);
    await people.linkIdentifiers(p, [k]);
    const pk = personKeys(t.keyPrefix, p);
    for (let v = 0; v < 4; v++) {
      const c = {
        personId: p,
        expectedVersion: v,
        state: Buffer.from(`s${v}`),
        profile: encodeProfile(profile(p)),
        eventIds: [`quick-${v}`],
        tombstone: tomb(p),
      };
      expect(await people.commit(c)).toBe("ok");
    }
    expect(await people.readConsent(p)).toEqual(record(EMAIL, 0));
    // Every key lives at least its expiry less a sixteenth of the shorter one after the last
    // commit; `:seen` at least dedupeWindowMs (less the few ms this test takes).
    const slack = Math.min(ttl.personTtlMs, ttl.dedupeWindowMs) / 16;
    for (const [key, min, max] of [
      [pk.state, ttl.personTtlMs - slack - 1000, ttl.personTtlMs],
      [pk.consent, ttl.personTtlMs - slack - 1000, ttl.personTtlMs],
      [pk.links, ttl.personTtlMs - slack - 1000, ttl.personTtlMs],
      [identifierLinkKey(t.keyPrefix, k), ttl.personTtlMs - slack - 1000, ttl.personTtlMs],
      [pk.seen, ttl.dedupeWindowMs - 1000, ttl.dedupeWindowMs + slack],
    ] as const) {
      const pttl = await t.redis.pttl(key);
      expect({ key, pttl, ok: pttl >= min && pttl <= max }).toEqual({ key, pttl, ok: true });
    }
  });

  it("should remember a commit's event ids for dedupeWindowMs right after a merge", async () => {
    const [a, b] = ["after-merge-a", "after-merge-b"];
    // A bulk profile makes the first commit capture consent, so it records its refresh.
    await profiles.putProfiles([profile(a, EMAIL)]);
    expect(await people.commit(plainCommit(a, 0, ["a1"]))).toBe("ok");
    expect(await people.commit(plainCommit(b, 0, ["b1"]))).toBe("ok");
    expect(
      await people.merge({
        into: a,
        from: b,
        intoVersion: 1,
        fromVersion: 1,
        state: Buffer.from("m"),
        profile: encodeProfile(profile(a)),
      }),
    ).toBe("ok");
    await sleep(50);
    const started = Date.now();
    expect(await people.commit(plainCommit(a, 2, ["a2"]))).toBe("ok");
    const pttl = await t.redis.pttl(personKeys(t.keyPrefix, a).seen);
    expect(pttl).toBeGreaterThanOrEqual(ttl.dedupeWindowMs - (Date.now() - started));
  });

  it("should reject a scriptBatchSize that is not a positive integer, naming the option", () => {
    expect(() => createRedisPersonStore({ redis: t.redis, scriptBatchSize: 0 })).toThrow(
      new RangeError("options.scriptBatchSize must be a positive integer, got 0"),
    );
  });

  it("should leave no key naming the person or a linked id after forget", async () => {
    const [p, m] = ["scan-me-person", "scan-me-merged"];
    await populate(p, m, idn("scan@x"));
    // 7 keys name the ids; the identifier link names only a hash.
    expect((await scan()).filter((key) => key.includes("scan-me")).length).toBe(7);
    expect(await people.forget(p, [tomb(p), tomb(m)])).toBe(8);
    const left = await scan();
    expect(left.filter((key) => key.includes(p) || key.includes(m))).toEqual([]);
    expect(left).toEqual(
      expect.arrayContaining([tombstoneKey(t.keyPrefix, tomb(p)), tombstoneKey(t.keyPrefix, tomb(m))]),
    );
  });
});
