import type { Redis } from "ioredis";
import type {
  ConsentRecord,
  PersonStateCommit,
  PersonStateRead,
  PersonStateStore,
} from "../domain/stores.js";
import {
  COMMIT_MANY_LUA,
  COMMIT_RESULTS,
  FORGET_LUA,
  LINK_LUA,
  LOAD_MANY_LUA,
  MERGE_LUA,
  READ_CONSENT_LUA,
  UPDATE_CONSENT_LUA,
} from "./person-scripts.js";
import {
  assertConsentChange,
  assertMergeArguments,
  assertVersion,
  NO_CONSENT,
  type PersonStateStoreOptions,
  resolvePersonStateStoreOptions,
} from "./person-store-options.js";
import { personKeys, resolveKeyPrefix } from "./redis-profile-store.js";

/** Key linking a hashed identifier ("<kind>:<hex hmac>") to a person. */
export function identifierLinkKey(keyPrefix: string, identifierKey: string): string {
  return `${keyPrefix}idn:${identifierKey}`;
}

/** Key of a Forget tombstone; `tombstone` is a keyed hash of the id, never the id. */
export function tombstoneKey(keyPrefix: string, tombstone: string): string {
  return `${keyPrefix}forgotten:${tombstone}`;
}

/** Options of `createRedisPersonStore`. */
export interface RedisPersonStoreOptions extends PersonStateStoreOptions {
  /** Connected client (see `createRedisClient`); the caller owns it and closes it. */
  readonly redis: Redis;
  /**
   * Prefix of every key; the same as the `ProfileStore`'s, so Decide reads
   * what this store writes.
   * @default "rl:"
   */
  readonly keyPrefix?: string;
  /**
   * Most people `loadMany` and `commitMany` hand to one script call. Redis
   * runs one script at a time, and Decide's reads wait behind it: a chunk of
   * 64 people keeps each call well under a millisecond while paying the
   * script's fixed cost once per chunk instead of once per person.
   * @default 64
   */
  readonly scriptBatchSize?: number;
}

/** Default of `RedisPersonStoreOptions.scriptBatchSize`. */
export const DEFAULT_SCRIPT_BATCH_SIZE = 64;

type Arg = string | number | Buffer;
/**
 * One person of a `LOAD_MANY_LUA` reply: alias (null when the id is the
 * person), forgotten, then when not forgotten: state, profile, version and the
 * 1-based indexes of the event ids seen.
 */
type LoadReply = [Buffer | null, number, (Buffer | null)?, (Buffer | null)?, number?, ...number[]];

interface PersonStoreCommands {
  relevancePersonLoadManyBuffer(...args: Arg[]): Promise<LoadReply[]>;
  relevancePersonCommitMany(...args: Arg[]): Promise<number[]>;
  relevancePersonConsent(...args: Arg[]): Promise<string | null>;
  relevancePersonReadConsent(...args: Arg[]): Promise<string | null>;
  relevancePersonMerge(...args: Arg[]): Promise<"ok" | "conflict">;
  relevancePersonLink(...args: Arg[]): Promise<number>;
  relevancePersonForget(...args: Arg[]): Promise<number>;
}

/**
 * Creates the production `PersonStateStore` on Redis, beside the
 * `ProfileStore` (same client, same key prefix). Every write is one Lua
 * script (`person-scripts.ts`), so a commit, a consent change, a merge or a
 * Forget is atomic; every key it writes gets an expiry. `loadMany` and
 * `commitMany` take a whole batch of people in one round trip, one script
 * call per `scriptBatchSize` people. Key schema: `server/src/profile/README.md`.
 */
export function createRedisPersonStore(options: RedisPersonStoreOptions): PersonStateStore {
  const { personTtlMs, tombstoneTtlMs, dedupeWindowMs, maxSeenEvents } =
    resolvePersonStateStoreOptions(options);
  const keyPrefix = resolveKeyPrefix(options.keyPrefix);
  // Commits refresh expiries when the last refresh is older than this (see
  // COMMIT_MANY_LUA): a key lives at least its expiry less this after the last commit.
  const refreshEveryMs = Math.max(1, Math.floor(Math.min(personTtlMs, dedupeWindowMs) / 16));
  // Only with a personTtlMs this short can `:seen` outlive `:f` (see LOAD_MANY_LUA).
  const seenOutlivesState = personTtlMs < dedupeWindowMs + refreshEveryMs ? 1 : 0;
  const chunkSize = options.scriptBatchSize ?? DEFAULT_SCRIPT_BATCH_SIZE;
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) {
    throw new RangeError(`options.scriptBatchSize must be a positive integer, got ${chunkSize}`);
  }
  const { redis } = options;
  if (redis === null || typeof redis !== "object" || typeof redis.defineCommand !== "function") {
    throw new TypeError("options.redis must be an ioredis client");
  }
  redis.defineCommand("relevancePersonLoadMany", { numberOfKeys: 0, lua: LOAD_MANY_LUA });
  redis.defineCommand("relevancePersonCommitMany", { numberOfKeys: 0, lua: COMMIT_MANY_LUA });
  redis.defineCommand("relevancePersonConsent", { numberOfKeys: 0, lua: UPDATE_CONSENT_LUA });
  redis.defineCommand("relevancePersonReadConsent", { numberOfKeys: 0, lua: READ_CONSENT_LUA });
  redis.defineCommand("relevancePersonMerge", { numberOfKeys: 0, lua: MERGE_LUA });
  redis.defineCommand("relevancePersonLink", { numberOfKeys: 0, lua: LINK_LUA });
  redis.defineCommand("relevancePersonForget", { numberOfKeys: 0, lua: FORGET_LUA });
  const commands = redis as unknown as PersonStoreCommands;
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new Error("person store is closed");
  };

  const loadMany: PersonStateStore["loadMany"] = async (requests) => {
    assertOpen();
    if (requests.length === 0) return [];
    const staleBefore = Date.now() - dedupeWindowMs;
    const calls: Promise<LoadReply[]>[] = [];
    for (let start = 0; start < requests.length; start += chunkSize) {
      const args: Arg[] = [keyPrefix, staleBefore, seenOutlivesState];
      for (let i = start; i < Math.min(start + chunkSize, requests.length); i++) {
        const r = requests[i]!;
        args.push(r.userId, r.tombstone, r.eventIds.length, ...r.eventIds);
      }
      calls.push(commands.relevancePersonLoadManyBuffer(...args));
    }
    const reads: PersonStateRead[] = [];
    for (const chunk of await Promise.all(calls))
      for (const reply of chunk) reads.push(toRead(requests[reads.length]!, reply));
    return reads;
  };

  const commitMany: PersonStateStore["commitMany"] = async (commits) => {
    assertOpen();
    for (const c of commits) assertVersion("commit.expectedVersion", c.expectedVersion);
    if (commits.length === 0) return [];
    const now = Date.now();
    const head: Arg[] = [
      keyPrefix,
      now,
      now - dedupeWindowMs,
      personTtlMs,
      dedupeWindowMs + refreshEveryMs,
      refreshEveryMs,
      -(maxSeenEvents + 1),
      seenOutlivesState,
    ];
    const calls: Promise<number[]>[] = [];
    for (let start = 0; start < commits.length; start += chunkSize) {
      const args = [...head];
      for (let i = start; i < Math.min(start + chunkSize, commits.length); i++) pushCommit(args, commits[i]!);
      calls.push(commands.relevancePersonCommitMany(...args));
    }
    const results: ("ok" | "conflict" | "forgotten")[] = [];
    for (const chunk of await Promise.all(calls))
      for (const code of chunk) results.push(COMMIT_RESULTS[code]!);
    return results;
  };

  return {
    kind: "redis",

    async load(userId, tombstone, eventIds) {
      return (await loadMany([{ userId, tombstone, eventIds }]))[0]!;
    },

    loadMany,

    async commit(c) {
      return (await commitMany([c]))[0]!;
    },

    commitMany,

    async updateConsent(userId, tombstone, change, atMs) {
      assertOpen();
      assertConsentChange(change, atMs);
      const eff = await commands.relevancePersonConsent(
        keyPrefix,
        userId,
        tombstone,
        change.granted,
        change.denied,
        change.globalOptOut ? 1 : 0,
        atMs,
        personTtlMs,
      );
      return eff === null ? NO_CONSENT : parseEffective(eff);
    },

    async readConsent(personId) {
      assertOpen();
      const eff = await commands.relevancePersonReadConsent(keyPrefix, personId);
      return eff === null ? null : parseEffective(eff);
    },

    async resolve(userId) {
      assertOpen();
      return (await redis.get(personKeys(keyPrefix, userId).alias)) ?? userId;
    },

    async lookupIdentifiers(hashes) {
      assertOpen();
      const found = new Map<string, string>();
      if (hashes.length === 0) return found;
      const owners = await redis.mget(hashes.map((h) => identifierLinkKey(keyPrefix, h)));
      for (const [i, owner] of owners.entries()) if (owner !== null) found.set(hashes[i]!, owner);
      return found;
    },

    async merge(m) {
      assertOpen();
      assertMergeArguments(m);
      return commands.relevancePersonMerge(
        keyPrefix,
        m.into,
        m.from,
        m.intoVersion,
        m.fromVersion,
        m.state,
        m.profile,
        Date.now(),
        personTtlMs,
        dedupeWindowMs,
        maxSeenEvents,
      );
    },

    async linkIdentifiers(personId, hashes) {
      assertOpen();
      if (hashes.length === 0) return;
      await commands.relevancePersonLink(keyPrefix, personId, personTtlMs, ...hashes);
    },

    async linkedIds(personId) {
      assertOpen();
      return linkedIdsOf(personId, await redis.smembers(personKeys(keyPrefix, personId).links));
    },

    async forget(personId, tombstones) {
      assertOpen();
      return commands.relevancePersonForget(keyPrefix, personId, tombstoneTtlMs, ...tombstones);
    },

    async close() {
      closed = true;
    },
  };
}

function pushCommit(args: Arg[], c: PersonStateCommit): void {
  args.push(
    c.personId,
    c.tombstone,
    String(c.expectedVersion),
    String(c.expectedVersion + 1),
    c.state,
    c.profile,
    c.eventIds.length,
    ...c.eventIds,
  );
}

function toRead(
  request: { readonly userId: string; readonly eventIds: readonly string[] },
  [alias, forgotten, state, profile, version, ...seenAt]: LoadReply,
): PersonStateRead {
  const personId = alias === null ? request.userId : alias.toString();
  if (forgotten === 1) {
    return { personId, forgotten: true, state: null, profile: null, version: 0, seen: new Set() };
  }
  return {
    personId,
    forgotten: false,
    state: state ?? null,
    profile: profile ?? null,
    version: version ?? 0,
    seen: new Set(seenAt.map((i) => request.eventIds[i - 1]!)),
  };
}

/** The person, then the ids merged into them (sorted), from the members of `:links`. */
export function linkedIdsOf(personId: string, links: Iterable<string>): string[] {
  const merged: string[] = [];
  for (const m of links) if (m.startsWith("u:")) merged.push(m.slice(2));
  return [personId, ...merged.sort()];
}

function parseEffective(eff: string): ConsentRecord {
  const [granted, denied, gpc] = eff.split(",");
  return { granted: Number(granted), denied: Number(denied), globalOptOut: gpc === "1" };
}
