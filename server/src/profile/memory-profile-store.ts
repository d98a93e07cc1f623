import type { PersonRead } from "../domain/profile.js";
import type { ConsentRecord, ProfileStore } from "../domain/stores.js";
import { assertProfileFeatures, decodeProfile, encodeProfile, ProfileDecodeError } from "./profile-codec.js";
import {
  effectiveCapUntil,
  type ProfileStoreOptions,
  resolveProfileStoreOptions,
} from "./profile-store-options.js";

/** Options of `createMemoryProfileStore`. */
export type MemoryProfileStoreOptions = ProfileStoreOptions;

/** The in-process `ProfileStore`, plus a hook to store a raw value (tests of corrupt profiles). */
export interface MemoryProfileStore extends ProfileStore {
  readonly kind: "memory";
  /**
   * Stores `value` as the person's packed profile without checking it, the way
   * a corrupt or foreign value could sit in Redis. For tests.
   */
  putRawProfile(userId: string, value: Uint8Array): void;
  /**
   * The maps this store reads, shared with `createMemoryPersonStore` so that
   * `readPerson` sees its commits, consent and aliases, as Decide does in Redis.
   */
  readonly people: MemoryPeople;
}

/** A person's redeemed SKUs (the Redis `:redeemed` set) and when they expire. */
export interface MemoryRedeemed {
  readonly skus: Set<string>;
  expiresAtMs: number;
}

/** The in-process `:consent` hash of a person. */
export interface MemoryConsent {
  /** Per purpose bit: the latest change, by timestamp. */
  readonly records: Map<number, { readonly atMs: number; readonly granted: boolean }>;
  /** When the global opt-out signal was last recorded; undefined when never. */
  gpcAtMs: number | undefined;
  /** Consent in force (field `eff`), recomputed after every change; its `granted` overrides the profile's. */
  effective: ConsentRecord;
}

/** The per-person maps of the in-process stores, named after the Redis keys they stand for. */
export interface MemoryPeople {
  /** Field `p` of `:f`, packed profiles. */
  readonly profiles: Map<string, Uint8Array>;
  /** `:caps`, SKU → capped-until ms. */
  readonly caps: Map<string, Map<string, number>>;
  /** `:redeemed`. */
  readonly redeemed: Map<string, MemoryRedeemed>;
  /** `:consent`. */
  readonly consent: Map<string, MemoryConsent>;
  /** `:alias`: id → the person it resolves to since a merge. */
  readonly aliases: Map<string, string>;
}

const TIMEOUT: PersonRead = Object.freeze({ kind: "timeout" });

/**
 * Creates the embedded `ProfileStore`: Maps in this process, with the Redis
 * store's semantics (same codec, same cap expiry and clamping, same redeemed
 * retention), so the contract tests hold both to one behaviour. Values are
 * kept encoded, so reads exercise the decoder exactly as Redis reads do.
 * `readPerson` resolves on a microtask; it times out only when called with no
 * time left (`timeoutMs <= 0`), as the Redis store does. Like Redis, it
 * applies the consent record over the profile's bits and reads a merged id as
 * the person it resolves to; `createMemoryPersonStore` writes those through
 * `people`.
 */
export function createMemoryProfileStore(options: MemoryProfileStoreOptions): MemoryProfileStore {
  const { features, capRetentionMs, redeemedRetentionMs } = resolveProfileStoreOptions(options);
  const people: MemoryPeople = {
    profiles: new Map(),
    caps: new Map(),
    redeemed: new Map(),
    consent: new Map(),
    aliases: new Map(),
  };
  const { profiles, caps, redeemed } = people;
  let closed = false;

  const activeCaps = (userId: string, now: number): string[] => {
    const mine = caps.get(userId);
    if (mine === undefined) return [];
    const out: string[] = [];
    for (const [sku, until] of mine) {
      if (until > now) out.push(sku);
      else mine.delete(sku);
    }
    if (mine.size === 0) caps.delete(userId);
    return out;
  };

  const redeemedSkus = (userId: string, now: number): string[] => {
    const mine = redeemed.get(userId);
    if (mine === undefined) return [];
    if (mine.expiresAtMs <= now) {
      redeemed.delete(userId);
      return [];
    }
    return [...mine.skus];
  };

  const read = (userId: string): PersonRead => {
    if (closed) return { kind: "unavailable", detail: "profile store is closed" };
    const now = Date.now();
    let capped = activeCaps(userId, now);
    let redeemedList = redeemedSkus(userId, now);
    let personId = userId;
    let raw = profiles.get(userId);
    const alias = raw === undefined ? people.aliases.get(userId) : undefined;
    if (alias !== undefined) {
      // Merged into another person: theirs, plus what was written for this id.
      personId = alias;
      raw = profiles.get(alias);
      capped = [...new Set([...capped, ...activeCaps(alias, now)])];
      redeemedList = [...new Set([...redeemedList, ...redeemedSkus(alias, now)])];
    }
    if (raw === undefined) return { kind: "missing", personId, capped, redeemed: redeemedList };
    try {
      const profile = decodeProfile(userId, raw, features);
      const consent = people.consent.get(personId);
      // The consent record is kept apart from the profile and wins over its bits.
      if (consent !== undefined) (profile as { consent: number }).consent = consent.effective.granted;
      return { kind: "found", profile, personId, capped, redeemed: redeemedList };
    } catch (error) {
      if (error instanceof ProfileDecodeError) {
        return { kind: "invalid", detail: error.message, personId, capped, redeemed: redeemedList };
      }
      return { kind: "unavailable", detail: error instanceof Error ? error.message : String(error) };
    }
  };

  const assertOpen = (): void => {
    if (closed) throw new Error("profile store is closed");
  };

  return {
    kind: "memory",

    readPerson(userId, timeoutMs) {
      // Same contract as Redis: no time left means timeout, without looking.
      if (!(timeoutMs > 0) && !closed) return Promise.resolve(TIMEOUT);
      return Promise.resolve().then(() => read(userId));
    },

    async putProfiles(list) {
      assertOpen();
      // Encode everything first: one bad profile rejects the call before anything is written.
      const values = list.map((p) => {
        assertProfileFeatures(p, features);
        return encodeProfile(p);
      });
      for (let i = 0; i < list.length; i++) profiles.set(list[i]!.userId, values[i]!);
    },

    async capItem(userId, sku, untilMs) {
      assertOpen();
      const now = Date.now();
      const until = effectiveCapUntil(untilMs, now, capRetentionMs);
      if (until === undefined) return;
      let mine = caps.get(userId);
      if (mine === undefined) {
        mine = new Map();
        caps.set(userId, mine);
      }
      // Keep the later cap, as the Redis script does.
      mine.set(sku, Math.max(mine.get(sku) ?? 0, until));
      activeCaps(userId, now);
    },

    async markRedeemed(userId, sku) {
      assertOpen();
      const now = Date.now();
      let mine = redeemed.get(userId);
      if (mine === undefined || mine.expiresAtMs <= now) {
        mine = { skus: new Set(), expiresAtMs: 0 };
        redeemed.set(userId, mine);
      }
      mine.skus.add(sku);
      mine.expiresAtMs = now + redeemedRetentionMs;
    },

    putRawProfile(userId, value) {
      profiles.set(userId, Uint8Array.from(value));
    },

    people,

    async close() {
      closed = true;
      for (const map of Object.values(people)) map.clear();
    },
  };
}
