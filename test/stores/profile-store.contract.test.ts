import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { CATEGORY_SLOTS } from "../../core-wasm/src/layout.js";
import { generateProfiles } from "../../server/src/demo/synthetic.js";
import { Consent } from "../../server/src/domain/consent.js";
import type { PersonRead, Profile } from "../../server/src/domain/profile.js";
import type { PersonStateStore, ProfileStore } from "../../server/src/domain/stores.js";
import { createMemoryPersonStore } from "../../server/src/profile/memory-person-store.js";
import { createMemoryProfileStore } from "../../server/src/profile/memory-profile-store.js";
import { decodeProfile, encodedProfileBytes, encodeProfile } from "../../server/src/profile/profile-codec.js";
import type { ProfileStoreOptions } from "../../server/src/profile/profile-store-options.js";
import { createRedisPersonStore } from "../../server/src/profile/redis-person-store.js";
import {
  createRedisProfileStore,
  PROFILE_FIELD,
  personKeys,
} from "../../server/src/profile/redis-profile-store.js";
import { createRedisClient } from "../../server/src/redis/create-redis-client.js";
import { connectTestRedis } from "../support/redis.js";
import { type RedisServerHandle, startRedisServer } from "../support/redis-process.js";

const FEATURES = 16;
/** Bytes of the codec's fixed header (the codec version decides it). */
/** The codec's fixed header: the size of a profile of no features, less its affinities and empty signals block. */
const HEADER_BYTES = encodedProfileBytes(0) - 4 * CATEGORY_SLOTS - 18;

interface Harness {
  readonly store: ProfileStore;
  /** The writable side of people, on the same data: consent records and merges. */
  readonly people: PersonStateStore;
  /** Writes a raw value where the person's packed profile lives, bypassing the codec. */
  putRaw(userId: string, value: Uint8Array): Promise<void>;
  /** Deletes the person's packed profile and nothing else (not the alias, caps or redemptions). */
  dropProfile(userId: string): Promise<void>;
  cleanup(): Promise<void>;
}

type Extra = Partial<Omit<ProfileStoreOptions, "features">>;

const harnesses: [string, (extra?: Extra) => Promise<Harness>][] = [
  [
    "memory",
    async (extra) => {
      const store = createMemoryProfileStore({ features: FEATURES, ...extra });
      return {
        store,
        people: createMemoryPersonStore({ profiles: store }),
        putRaw: async (userId, value) => store.putRawProfile(userId, value),
        dropProfile: async (userId) => {
          store.people.profiles.delete(userId);
        },
        cleanup: () => store.close(),
      };
    },
  ],
  [
    "redis",
    async (extra) => {
      const t = await connectTestRedis();
      const store = createRedisProfileStore({
        redis: t.redis,
        features: FEATURES,
        keyPrefix: t.keyPrefix,
        ...extra,
      });
      return {
        store,
        people: createRedisPersonStore({ redis: t.redis, keyPrefix: t.keyPrefix }),
        putRaw: async (userId, value) => {
          await t.redis.hset(personKeys(t.keyPrefix, userId).state, PROFILE_FIELD, Buffer.from(value));
        },
        dropProfile: async (userId) => {
          await t.redis.hdel(personKeys(t.keyPrefix, userId).state, PROFILE_FIELD);
        },
        cleanup: async () => {
          await store.close();
          await t.cleanup();
        },
      };
    },
  ],
];

let nextId = 0;
function person(userId = `person-${nextId++}`): Profile {
  const [p] = generateProfiles({ count: 1, features: FEATURES, seed: nextId++ });
  return { ...p!, userId };
}

/** The profile as the f32 codec returns it. */
function stored(p: Profile): Profile {
  return {
    ...p,
    priceAnchor: Math.fround(p.priceAnchor),
    discountSensitivity: Math.fround(p.discountSensitivity),
    churnRisk: Math.fround(p.churnRisk),
  };
}

function sorted(read: PersonRead): PersonRead {
  if (read.kind === "timeout" || read.kind === "unavailable") return read;
  return { ...read, capped: [...read.capped].sort(), redeemed: [...read.redeemed].sort() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(harnesses)("%s ProfileStore contract", (kind, create) => {
  let h: Harness;
  beforeAll(async () => {
    h = await create();
  });
  afterAll(async () => {
    await h.cleanup();
  });

  it("should report its kind", () => {
    expect(h.store.kind).toBe(kind);
  });

  it("should find a stored profile with no caps or redemptions", async () => {
    const p = person();
    await h.store.putProfiles([p]);
    expect(await h.store.readPerson(p.userId, 1000)).toEqual({
      kind: "found",
      profile: stored(p),
      personId: p.userId,
      capped: [],
      redeemed: [],
    });
  });

  it("should report a person without a profile as missing", async () => {
    expect(await h.store.readPerson("nobody-here", 1000)).toEqual({
      kind: "missing",
      personId: "nobody-here",
      capped: [],
      redeemed: [],
    });
  });

  it("should replace a profile on a second put", async () => {
    const first = person();
    const second = { ...person(first.userId), churnRisk: 0.5 };
    await h.store.putProfiles([first]);
    await h.store.putProfiles([second]);
    const read = await h.store.readPerson(first.userId, 1000);
    expect(read).toEqual({
      kind: "found",
      profile: stored(second),
      personId: first.userId,
      capped: [],
      redeemed: [],
    });
  });

  it("should write many profiles in one call", async () => {
    const many = Array.from({ length: 2500 }, () => person());
    await h.store.putProfiles(many);
    for (const p of [many[0]!, many[1234]!, many[2499]!]) {
      expect(await h.store.readPerson(p.userId, 1000)).toMatchObject({ kind: "found", profile: stored(p) });
    }
  });

  it("should reject a batch with a vector of the wrong length and write none of it", async () => {
    const good = person();
    const bad = { ...person(), vector: new Float32Array(FEATURES + 1) };
    await expect(h.store.putProfiles([good, bad])).rejects.toThrow(
      new RangeError(
        `profile ${JSON.stringify(bad.userId)}: vector has 17 values, expected 16 (option features)`,
      ),
    );
    expect((await h.store.readPerson(good.userId, 1000)).kind).toBe("missing");
  });

  it("should report a corrupt profile as invalid, with its caps and redemptions", async () => {
    const userId = "corrupt-1";
    await h.putRaw(userId, encodeProfile(person(userId)).subarray(0, 3));
    await h.store.capItem(userId, "SKU-1", Date.now() + 60_000);
    await h.store.markRedeemed(userId, "SKU-2");
    expect(await h.store.readPerson(userId, 1000)).toEqual({
      kind: "invalid",
      detail: `profile "corrupt-1": truncated value of 3 bytes, shorter than the ${HEADER_BYTES}-byte header`,
      personId: userId,
      capped: ["SKU-1"],
      redeemed: ["SKU-2"],
    });
  });

  it("should report a profile of another feature count as invalid", async () => {
    const other = { ...person("wrong-shape"), vector: new Float32Array(8) };
    await h.putRaw(other.userId, encodeProfile(other));
    expect(await h.store.readPerson(other.userId, 1000)).toEqual({
      kind: "invalid",
      detail: 'profile "wrong-shape": has 8 features, the server expects 16 (option features)',
      personId: other.userId,
      capped: [],
      redeemed: [],
    });
  });

  it("should list active caps and leave out expired ones", async () => {
    const userId = "capped-1";
    const now = Date.now();
    await h.store.capItem(userId, "SKU-A", now + 60_000);
    await h.store.capItem(userId, "SKU-B", now + 120_000);
    await h.store.capItem(userId, "SKU-PAST", now - 1);
    await h.store.capItem(userId, "SKU-SHORT", now + 100);
    expect(sorted(await h.store.readPerson(userId, 1000))).toEqual({
      kind: "missing",
      personId: userId,
      capped: ["SKU-A", "SKU-B", "SKU-SHORT"],
      redeemed: [],
    });
    await sleep(250);
    expect(sorted(await h.store.readPerson(userId, 1000))).toEqual({
      kind: "missing",
      personId: userId,
      capped: ["SKU-A", "SKU-B"],
      redeemed: [],
    });
  });

  it("should keep the later of two caps on the same item", async () => {
    const userId = "capped-2";
    await h.store.capItem(userId, "SKU-A", Date.now() + 60_000);
    await h.store.capItem(userId, "SKU-A", Date.now() + 50);
    await sleep(200);
    expect(await h.store.readPerson(userId, 1000)).toEqual({
      kind: "missing",
      personId: userId,
      capped: ["SKU-A"],
      redeemed: [],
    });
  });

  it("should extend a cap when capped again for longer", async () => {
    const userId = "capped-3";
    await h.store.capItem(userId, "SKU-A", Date.now() + 50);
    await h.store.capItem(userId, "SKU-A", Date.now() + 60_000);
    await sleep(200);
    expect(await h.store.readPerson(userId, 1000)).toEqual({
      kind: "missing",
      personId: userId,
      capped: ["SKU-A"],
      redeemed: [],
    });
  });

  it("should reject a non-finite cap time", async () => {
    await expect(h.store.capItem("capped-4", "SKU-A", Number.NaN)).rejects.toThrow(
      new RangeError("untilMs must be a finite number, got NaN"),
    );
  });

  it("should list redeemed items once each", async () => {
    const userId = "redeemer-1";
    await h.store.markRedeemed(userId, "SKU-B");
    await h.store.markRedeemed(userId, "SKU-A");
    await h.store.markRedeemed(userId, "SKU-B");
    expect(sorted(await h.store.readPerson(userId, 1000))).toEqual({
      kind: "missing",
      personId: userId,
      capped: [],
      redeemed: ["SKU-A", "SKU-B"],
    });
  });

  it("should not leak profiles, caps or redemptions across people", async () => {
    const alice = person("alice");
    await h.store.putProfiles([alice]);
    await h.store.capItem("alice", "SKU-A", Date.now() + 60_000);
    await h.store.markRedeemed("alice", "SKU-R");
    expect(await h.store.readPerson("bob", 1000)).toEqual({
      kind: "missing",
      personId: "bob",
      capped: [],
      redeemed: [],
    });
    expect(await h.store.readPerson("alice", 1000)).toEqual({
      kind: "found",
      profile: stored(alice),
      personId: "alice",
      capped: ["SKU-A"],
      redeemed: ["SKU-R"],
    });
  });

  it("should handle unicode user ids and SKUs", async () => {
    const p = person("üser-ß-日本語-🙂");
    await h.store.putProfiles([p]);
    await h.store.capItem(p.userId, "SKU-é-🙂", Date.now() + 60_000);
    await h.store.markRedeemed(p.userId, "SKU-ñ");
    expect(await h.store.readPerson(p.userId, 1000)).toEqual({
      kind: "found",
      profile: stored(p),
      personId: p.userId,
      capped: ["SKU-é-🙂"],
      redeemed: ["SKU-ñ"],
    });
  });

  it("should keep people apart whose ids contain braces or key suffixes", async () => {
    const ids = ["x", "x}", "{x", "{}", "}", "x}:p", "x}:f", "x}:caps", "u:x", "{u:x}", "x}:redeemed"];
    const people = ids.map((id) => person(id));
    await h.store.putProfiles(people);
    for (const [i, id] of ids.entries()) await h.store.capItem(id, `SKU-${i}`, Date.now() + 60_000);
    for (const [i, id] of ids.entries()) await h.store.markRedeemed(id, `R-${i}`);
    for (const [i, p] of people.entries()) {
      expect(await h.store.readPerson(p.userId, 1000)).toEqual({
        kind: "found",
        profile: stored(p),
        personId: p.userId,
        capped: [`SKU-${i}`],
        redeemed: [`R-${i}`],
      });
    }
  });

  it("should handle an empty user id like any other", async () => {
    const p = person("");
    await h.store.putProfiles([p]);
    expect(await h.store.readPerson("", 1000)).toMatchObject({ kind: "found", profile: stored(p) });
  });

  it("should take the consent in force from the consent record, over the profile's bits", async () => {
    const p = { ...person("consent-record"), consent: Consent.EMAIL | Consent.SMS };
    await h.store.putProfiles([p]);
    await h.people.updateConsent(
      p.userId,
      "tombstone",
      { granted: Consent.PUSH, denied: Consent.SMS, globalOptOut: false },
      1,
    );
    expect(await h.store.readPerson(p.userId, 1000)).toEqual({
      kind: "found",
      profile: { ...stored(p), consent: Consent.EMAIL | Consent.PUSH },
      personId: p.userId,
      capped: [],
      redeemed: [],
    });
  });

  it("should read a merged id as the person it resolves to, with the id's own caps", async () => {
    const [into, from] = ["merged-into", "merged-from"];
    const packed = encodeProfile(person(into));
    await h.store.capItem(from, "SKU-FROM", Date.now() + 60_000);
    expect(
      await h.people.merge({
        into,
        from,
        intoVersion: 0,
        fromVersion: 0,
        state: Buffer.from("s"),
        profile: packed,
      }),
    ).toBe("ok");
    await h.store.capItem(into, "SKU-INTO", Date.now() + 60_000);
    await h.store.capItem(from, "SKU-LATE", Date.now() + 60_000); // written for the old id after the merge
    await h.store.markRedeemed(into, "R-1");
    expect(sorted(await h.store.readPerson(from, 1000))).toEqual({
      kind: "found",
      profile: decodeProfile(from, packed, FEATURES),
      personId: into,
      capped: ["SKU-FROM", "SKU-INTO", "SKU-LATE"],
      redeemed: ["R-1"],
    });
  });

  it("should read a merged id whose person has no profile as missing", async () => {
    await h.store.markRedeemed("alias-only-into", "R-1");
    await h.people.updateConsent("alias-only-from", "t", { granted: 0, denied: 0, globalOptOut: false }, 1);
    // Merge writes a profile; remove it (only it) the way a corrupt or foreign value could vanish.
    // Not with forget: that also deletes the merged id's alias, and the read would not follow it.
    await h.people.merge({
      into: "alias-only-into",
      from: "alias-only-from",
      intoVersion: 0,
      fromVersion: 0,
      state: Buffer.from("s"),
      profile: encodeProfile(person("alias-only-into")),
    });
    await h.dropProfile("alias-only-into");
    expect(await h.store.readPerson("alias-only-from", 1000)).toEqual({
      kind: "missing",
      personId: "alias-only-into",
      capped: [],
      redeemed: ["R-1"],
    });
  });

  it("should resolve timeout at once when no time is left", async () => {
    expect(await h.store.readPerson("anyone", 0)).toEqual({ kind: "timeout" });
  });

  it("should clamp caps to capRetentionMs", async () => {
    const short = await create({ capRetentionMs: 100 });
    try {
      await short.store.capItem("long-cap", "SKU-A", Date.now() + 365 * 24 * 3600 * 1000);
      expect((await short.store.readPerson("long-cap", 1000)) as unknown).toMatchObject({
        capped: ["SKU-A"],
      });
      await sleep(250);
      expect(await short.store.readPerson("long-cap", 1000)).toEqual({
        kind: "missing",
        personId: "long-cap",
        capped: [],
        redeemed: [],
      });
    } finally {
      await short.cleanup();
    }
  });

  it("should forget redemptions after redeemedRetentionMs", async () => {
    const short = await create({ redeemedRetentionMs: 100 });
    try {
      await short.store.markRedeemed("short-memory", "SKU-A");
      expect((await short.store.readPerson("short-memory", 1000)) as unknown).toMatchObject({
        redeemed: ["SKU-A"],
      });
      await sleep(250);
      expect(await short.store.readPerson("short-memory", 1000)).toEqual({
        kind: "missing",
        personId: "short-memory",
        capped: [],
        redeemed: [],
      });
    } finally {
      await short.cleanup();
    }
  });

  it("should read unavailable and reject writes once closed", async () => {
    const closing = await create();
    try {
      await closing.store.close();
      expect(await closing.store.readPerson("anyone", 1000)).toEqual({
        kind: "unavailable",
        detail: "profile store is closed",
      });
      await expect(closing.store.putProfiles([person()])).rejects.toThrow("profile store is closed");
      await expect(closing.store.capItem("a", "b", Date.now() + 1000)).rejects.toThrow(
        "profile store is closed",
      );
      await expect(closing.store.markRedeemed("a", "b")).rejects.toThrow("profile store is closed");
    } finally {
      await closing.cleanup();
    }
  });

  it("should reject invalid options, naming the option", async () => {
    await expect(create({ capRetentionMs: -1 })).rejects.toThrow(
      new RangeError("options.capRetentionMs must be a positive integer, got -1"),
    );
  });
});

describe("redis ProfileStore keys", () => {
  let t: Awaited<ReturnType<typeof connectTestRedis>>;
  beforeAll(async () => {
    t = await connectTestRedis();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it("should write one person's keys under one hash tag, as documented", async () => {
    const store = createRedisProfileStore({ redis: t.redis, features: FEATURES, keyPrefix: t.keyPrefix });
    await store.putProfiles([person("k1")]);
    await store.capItem("k1", "SKU-A", Date.now() + 60_000);
    await store.markRedeemed("k1", "SKU-B");
    const keys = (await t.redis.keys(`${t.keyPrefix}*`)).sort();
    expect(keys).toEqual([
      `${t.keyPrefix}{u:k1}:caps`,
      `${t.keyPrefix}{u:k1}:f`,
      `${t.keyPrefix}{u:k1}:redeemed`,
    ]);
    expect(personKeys(t.keyPrefix, "k1")).toEqual({
      caps: `${t.keyPrefix}{u:k1}:caps`,
      redeemed: `${t.keyPrefix}{u:k1}:redeemed`,
      state: `${t.keyPrefix}{u:k1}:f`,
      seen: `${t.keyPrefix}{u:k1}:seen`,
      consent: `${t.keyPrefix}{u:k1}:consent`,
      alias: `${t.keyPrefix}{u:k1}:alias`,
      links: `${t.keyPrefix}{u:k1}:links`,
    });
    expect(await t.redis.type(`${t.keyPrefix}{u:k1}:caps`)).toBe("zset");
    expect(await t.redis.type(`${t.keyPrefix}{u:k1}:redeemed`)).toBe("set");
    // a bulk profile is the only field of :f, and durable
    expect(await t.redis.hkeys(`${t.keyPrefix}{u:k1}:f`)).toEqual([PROFILE_FIELD]);
    expect(PROFILE_FIELD).toBe("p");
    expect(await t.redis.pttl(`${t.keyPrefix}{u:k1}:f`)).toBe(-1);
  });

  it("should let the caps key expire with its latest cap", async () => {
    const store = createRedisProfileStore({ redis: t.redis, features: FEATURES, keyPrefix: t.keyPrefix });
    await store.capItem("k2", "SKU-A", Date.now() + 30_000);
    await store.capItem("k2", "SKU-B", Date.now() + 60_000);
    const ttl = await t.redis.pttl(personKeys(t.keyPrefix, "k2").caps);
    expect(ttl).toBeGreaterThan(30_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("should read a person in one round trip, and a merged id in two", async () => {
    const store = createRedisProfileStore({ redis: t.redis, features: FEATURES, keyPrefix: t.keyPrefix });
    const people = createRedisPersonStore({ redis: t.redis, keyPrefix: t.keyPrefix });
    // No consent bits in the profiles: purposes unknown on both sides fall back to the merged profile's.
    await store.putProfiles([{ ...person("rt-1"), consent: 0 }]);
    for (const id of ["rt-1", "rt-2"]) {
      await people.updateConsent(id, "t", { granted: Consent.EMAIL, denied: 0, globalOptOut: false }, 1);
    }
    await people.merge({
      into: "rt-1",
      from: "rt-2",
      intoVersion: 0,
      fromVersion: 0,
      state: Buffer.from("s"),
      profile: encodeProfile({ ...person("rt-1"), consent: 0 }),
    });
    const send = vi.spyOn(t.redis, "sendCommand");
    try {
      for (const [id, kind, calls] of [
        ["rt-1", "found", 1],
        ["nobody", "missing", 1],
        ["rt-2", "found", 2],
      ] as const) {
        send.mockClear();
        const read = await store.readPerson(id, 1000);
        expect({ id, kind: read.kind, calls: send.mock.calls.length }).toEqual({ id, kind, calls });
      }
      expect(await store.readPerson("rt-2", 1000)).toMatchObject({ profile: { consent: Consent.EMAIL } });
    } finally {
      send.mockRestore();
    }
  });

  it("should reject a key prefix with braces", () => {
    expect(() => createRedisProfileStore({ redis: t.redis, features: FEATURES, keyPrefix: "a{b}:" })).toThrow(
      new RangeError(
        `options.keyPrefix must be a string without '{' or '}' (it would override the hash tag), got "a{b}:"`,
      ),
    );
  });
});

describe("redis ProfileStore faults (private redis-server)", () => {
  let server: RedisServerHandle | undefined;
  let redis: Redis | undefined;

  afterEach(async () => {
    redis?.disconnect();
    redis = undefined;
    await server?.stop();
    server = undefined;
  });

  async function waitFor(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(20);
    }
  }

  it("should resolve timeout while redis is frozen, and recover when it thaws", async () => {
    server = await startRedisServer();
    redis = await createRedisClient(server.url, { onError: () => {} });
    const store = createRedisProfileStore({ redis, features: FEATURES });
    const p = person("frozen");
    await store.putProfiles([p]);

    server.pause();
    expect(await store.readPerson("frozen", 100)).toEqual({ kind: "timeout" });
    server.resume();

    expect(await store.readPerson("frozen", 5000)).toEqual({
      kind: "found",
      profile: stored(p),
      personId: "frozen",
      capped: [],
      redeemed: [],
    });
  });

  it("should resolve unavailable while redis is down, and recover on the same client after a restart", async () => {
    server = await startRedisServer();
    const port = server.port;
    const client = await createRedisClient(server.url, { onError: () => {} });
    redis = client;
    const store = createRedisProfileStore({ redis: client, features: FEATURES });

    await server.stop();
    await waitFor(() => client.status !== "ready", "the client to notice the server is gone");
    const read = await store.readPerson("anyone", 5000);
    expect(read.kind).toBe("unavailable");
    expect(read).toEqual({ kind: "unavailable", detail: expect.stringMatching(/\S/) });

    server = await startRedisServer({ port });
    await waitFor(() => client.status === "ready", "the client to reconnect");
    const p = person("after-restart");
    await store.putProfiles([p]);
    expect(await store.readPerson("after-restart", 5000)).toEqual({
      kind: "found",
      profile: stored(p),
      personId: "after-restart",
      capped: [],
      redeemed: [],
    });
  });
});
