import type { Redis } from "ioredis";
import type { PersonRead, Profile } from "../domain/profile.js";
import type { ProfileStore } from "../domain/stores.js";
import { ioTimeout } from "../redis/io-timeout.js";
import { assertProfileFeatures, decodeProfile, encodeProfile, ProfileDecodeError } from "./profile-codec.js";
import {
  effectiveCapUntil,
  type ProfileStoreOptions,
  resolveProfileStoreOptions,
} from "./profile-store-options.js";

/** Options of `createRedisProfileStore`. */
export interface RedisProfileStoreOptions extends ProfileStoreOptions {
  /** Connected client (see `createRedisClient`); the caller owns it and closes it. */
  readonly redis: Redis;
  /**
   * Prefix of every key. Must not contain `{` or `}`: the per-person hash tag
   * has to be the first one in the key.
   * @default "rl:"
   */
  readonly keyPrefix?: string;
}

/** Default key prefix of the Redis stores. */
export const DEFAULT_KEY_PREFIX = "rl:";

/**
 * The suffix of each per-person key after its `{u:<userId>}:` tag. `personKeys`
 * and the Lua scripts of the person store both build key names from it. No
 * suffix contains `}`, so two people can never share a key whatever their ids.
 */
export const PERSON_KEY_SUFFIXES = Object.freeze({
  caps: "caps",
  redeemed: "redeemed",
  state: "f",
  seen: "seen",
  consent: "consent",
  alias: "alias",
  links: "links",
} as const);

/**
 * The field of the person's `:f` hash that holds the packed profile
 * (`encodeProfile`): beside the feature state it is derived from, so a commit
 * writes both in one HSET and a person has one key fewer.
 */
export const PROFILE_FIELD = "p";

/** The Redis keys of one person; see `server/src/profile/README.md`. */
export interface PersonKeys {
  /** Sorted set: member = SKU, score = capped-until in ms since the epoch. */
  readonly caps: string;
  /** Set of SKUs whose offer the person redeemed. */
  readonly redeemed: string;
  /**
   * Hash: `p` = the packed profile (`PROFILE_FIELD`), `s` = encoded feature
   * state, `v` = its version (+1 on every commit or merge).
   */
  readonly state: string;
  /** Sorted set: member = applied event id, score = applied-at in ms since the epoch. */
  readonly seen: string;
  /** Hash: one `"<ts>:<1|0>"` field per purpose bit, `gpc`, and `eff` = `"<granted>,<denied>,<gpc>"`. */
  readonly consent: string;
  /** String: the person id this id resolves to since a merge. */
  readonly alias: string;
  /** Set: `u:<id>` for ids merged into the person, `i:<identifier key>` for identifiers linked to them. */
  readonly links: string;
}

/**
 * Builds the keys of one person. They share the hash tag `{u:<userId>}`, so
 * they live in one Redis Cluster slot and one script can touch them all. Any
 * user id is safe, including ones with braces: no suffix contains `}`, so two
 * people can never share a key.
 */
export function personKeys(keyPrefix: string, userId: string): PersonKeys {
  const base = `${keyPrefix}{u:${userId}}:`;
  const s = PERSON_KEY_SUFFIXES;
  return {
    caps: base + s.caps,
    redeemed: base + s.redeemed,
    state: base + s.state,
    seen: base + s.seen,
    consent: base + s.consent,
    alias: base + s.alias,
    links: base + s.links,
  };
}

// One round trip for everything Decide needs about a person: KEYS[1] is :f,
// whose field p is the packed profile. Caps whose capped-until is in the past
// are not active (score > now is active). The granted bits of the consent
// record (field eff, "<granted>,<denied>,<gpc>") override the profile's; the
// alias is only read when there is no profile, and is then followed by a
// second call (merged ids only).
const READ_PERSON_LUA = `
local profile = redis.call('HGET', KEYS[1], '${PROFILE_FIELD}')
local capped = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf')
local redeemed = redis.call('SMEMBERS', KEYS[3])
local granted = false
local eff = redis.call('HGET', KEYS[4], 'eff')
if eff then granted = tonumber(string.match(eff, '^(%d+),')) or false end
local alias = false
if not profile then alias = redis.call('GET', KEYS[5]) end
return {profile, capped, redeemed, granted, alias}
`;

// Keeps the later of an existing and a new cap (two channels capping the same
// SKU must not shorten each other), drops expired caps, and lets the key expire
// with its latest cap. Portable to Redis < 6.2 (no ZADD GT).
const CAP_ITEM_LUA = `
local current = redis.call('ZSCORE', KEYS[1], ARGV[2])
if (not current) or tonumber(current) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then
  redis.call('PEXPIREAT', KEYS[1], last[2])
end
return 1
`;

const MARK_REDEEMED_LUA = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** Packed profile, active caps, redemptions, consent granted bits, alias (only when no profile). */
type PersonReply = [Buffer | null, Buffer[], Buffer[], number | null, Buffer | null];

interface PersonCommands {
  relevanceReadPersonBuffer(
    stateKey: string,
    capsKey: string,
    redeemedKey: string,
    consentKey: string,
    aliasKey: string,
    nowMs: number,
  ): Promise<PersonReply>;
  relevanceCapItem(capsKey: string, untilMs: number, sku: string, nowMs: number): Promise<number>;
  relevanceMarkRedeemed(redeemedKey: string, sku: string, retentionMs: number): Promise<number>;
}

const TIMEOUT: PersonRead = Object.freeze({ kind: "timeout" });
const CLOSED: PersonRead = Object.freeze({ kind: "unavailable", detail: "profile store is closed" });
const PUT_CHUNK = 1000;

/**
 * Creates the production `ProfileStore` on Redis. `readPerson` is one Lua
 * script (EVALSHA) returning the packed profile, the active caps, the
 * redeemed SKUs and the consent in force of one person: one round trip per
 * Decide. An id merged into another person (no profile, an alias) costs a
 * second call for that person. It never rejects; it races its own timer
 * against the replies so a stalled Redis costs at most `timeoutMs`.
 */
export function createRedisProfileStore(options: RedisProfileStoreOptions): ProfileStore {
  const { features, capRetentionMs, redeemedRetentionMs } = resolveProfileStoreOptions(options);
  const keyPrefix = resolveKeyPrefix(options.keyPrefix);
  const { redis } = options;
  if (redis === null || typeof redis !== "object" || typeof redis.defineCommand !== "function") {
    throw new TypeError("options.redis must be an ioredis client");
  }

  redis.defineCommand("relevanceReadPerson", { numberOfKeys: 5, lua: READ_PERSON_LUA });
  redis.defineCommand("relevanceCapItem", { numberOfKeys: 1, lua: CAP_ITEM_LUA });
  redis.defineCommand("relevanceMarkRedeemed", { numberOfKeys: 1, lua: MARK_REDEEMED_LUA });
  const commands = redis as unknown as PersonCommands;
  let closed = false;

  // `merged` is the reply for the person an alias led to; the id's own caps and
  // redemptions (written before or despite the merge) still count.
  const toRead = (userId: string, own: PersonReply, merged: PersonReply | undefined): PersonRead => {
    const reply = merged ?? own;
    const [raw, , , granted] = reply;
    let capped = reply[1].length === 0 ? [] : reply[1].map(String);
    let redeemed = reply[2].length === 0 ? [] : reply[2].map(String);
    if (merged !== undefined) {
      capped = union(own[1], capped);
      redeemed = union(own[2], redeemed);
    }
    const personId = merged === undefined ? userId : (own[4]?.toString() ?? userId);
    if (raw === null) return { kind: "missing", personId, capped, redeemed };
    let profile: Profile;
    try {
      profile = decodeProfile(userId, raw, features);
    } catch (error) {
      if (error instanceof ProfileDecodeError)
        return { kind: "invalid", detail: error.message, personId, capped, redeemed };
      throw error;
    }
    // The consent record is kept apart from the profile and wins over its bits.
    // decodeProfile returns a fresh object: overwrite in place, no copy on the hot path.
    if (granted !== null) (profile as { consent: number }).consent = granted;
    return { kind: "found", profile, personId, capped, redeemed };
  };

  const send = (id: string): Promise<PersonReply> => {
    const base = `${keyPrefix}{u:${id}}:`;
    return commands.relevanceReadPersonBuffer(
      base + PERSON_KEY_SUFFIXES.state,
      base + PERSON_KEY_SUFFIXES.caps,
      base + PERSON_KEY_SUFFIXES.redeemed,
      base + PERSON_KEY_SUFFIXES.consent,
      base + PERSON_KEY_SUFFIXES.alias,
      Date.now(),
    );
  };

  return {
    kind: "redis",

    readPerson(userId, timeoutMs) {
      if (closed) return Promise.resolve(CLOSED);
      if (!(timeoutMs > 0)) return Promise.resolve(TIMEOUT);
      return new Promise<PersonRead>((resolve) => {
        let settled = false;
        const cancelTimer = ioTimeout(() => {
          settled = true;
          resolve(TIMEOUT);
        }, timeoutMs);
        const fail = (error: unknown): void => {
          if (settled) return;
          settled = true;
          cancelTimer();
          resolve({ kind: "unavailable", detail: errorMessage(error) });
        };
        const finish = (own: PersonReply, merged: PersonReply | undefined): void => {
          if (settled) return;
          settled = true;
          cancelTimer();
          try {
            resolve(toRead(userId, own, merged));
          } catch (error) {
            resolve({ kind: "unavailable", detail: `unexpected reply: ${errorMessage(error)}` });
          }
        };
        try {
          send(userId).then((own) => {
            if (settled) return;
            const alias = own[4];
            if (own[0] !== null || alias === null) {
              finish(own, undefined);
              return;
            }
            // Aliases are kept flat (a merge re-points every id), so one hop is enough.
            try {
              send(alias.toString()).then((merged) => finish(own, merged), fail);
            } catch (error) {
              fail(error);
            }
          }, fail);
        } catch (error) {
          fail(error);
        }
      });
    },

    async putProfiles(profiles) {
      assertOpen(closed);
      // Encode everything first: one bad profile rejects the call before anything is written.
      const values = profiles.map((p) => {
        assertProfileFeatures(p, features);
        return encodeProfile(p);
      });
      for (let start = 0; start < profiles.length; start += PUT_CHUNK) {
        const pipeline = redis.pipeline();
        const end = Math.min(start + PUT_CHUNK, profiles.length);
        for (let i = start; i < end; i++) {
          pipeline.hset(personKeys(keyPrefix, profiles[i]!.userId).state, PROFILE_FIELD, values[i]!);
        }
        throwFirstError(await pipeline.exec());
      }
    },

    async capItem(userId, sku, untilMs) {
      assertOpen(closed);
      const now = Date.now();
      const until = effectiveCapUntil(untilMs, now, capRetentionMs);
      if (until === undefined) return; // an already expired cap changes nothing
      await commands.relevanceCapItem(personKeys(keyPrefix, userId).caps, until, sku, now);
    },

    async markRedeemed(userId, sku) {
      assertOpen(closed);
      await commands.relevanceMarkRedeemed(personKeys(keyPrefix, userId).redeemed, sku, redeemedRetentionMs);
    },

    async close() {
      closed = true;
    },
  };
}

/**
 * Returns `keyPrefix`, or the default when undefined, after checking it cannot
 * override the per-person hash tag. Throws a `RangeError` naming the option.
 */
export function resolveKeyPrefix(keyPrefix: string | undefined): string {
  if (keyPrefix === undefined) return DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== "string" || /[{}]/.test(keyPrefix)) {
    throw new RangeError(
      `options.keyPrefix must be a string without '{' or '}' (it would override the hash tag), got ${JSON.stringify(keyPrefix)}`,
    );
  }
  return keyPrefix;
}

function assertOpen(closed: boolean): void {
  if (closed) throw new Error("profile store is closed");
}

function throwFirstError(results: [error: Error | null, result: unknown][] | null): void {
  if (results === null) throw new Error("redis pipeline was discarded");
  for (const [error] of results) if (error) throw error;
}

/** The SKUs of `first` then those of `second` not already listed. */
function union(first: readonly Buffer[], second: string[]): string[] {
  if (first.length === 0) return second;
  return [...new Set([...first.map(String), ...second])];
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
