import type { Redis } from "ioredis";
import { ALL_CONSENT, Consent } from "../domain/consent.js";
import type { ConsentRecord, PersonStateRead, PersonStateStore } from "../domain/stores.js";
import { PERSON_KEY_SUFFIXES, personKeys, resolveKeyPrefix } from "./redis-profile-store.js";

/** Options both person stores share; the Redis store adds its client and key prefix. */
export interface PersonStateStoreOptions {
  /**
   * Expiry of every per-person key (state, profile, consent, alias, links) and
   * of identifier links, in ms, refreshed on each write: a person nobody hears
   * of for this long is gone.
   * @default 34560000000 (400 days)
   */
  readonly personTtlMs?: number;
  /**
   * How long a Forget tombstone keeps `load` and `commit` reporting the ids
   * forgotten, in ms: longer than any event can stay in the log.
   * @default 34560000000 (400 days)
   */
  readonly tombstoneTtlMs?: number;
  /**
   * How long an applied event id is remembered for deduplication, in ms; also
   * the expiry of the `:seen` key.
   * @default 604800000 (7 days)
   */
  readonly dedupeWindowMs?: number;
  /**
   * Most event ids remembered per person; the oldest are dropped first.
   * @default 10000
   */
  readonly maxSeenEvents?: number;
}

/** Defaults of the optional `PersonStateStoreOptions`. */
export const PERSON_STATE_STORE_DEFAULTS = Object.freeze({
  personTtlMs: 400 * 24 * 3600 * 1000,
  tombstoneTtlMs: 400 * 24 * 3600 * 1000,
  dedupeWindowMs: 7 * 24 * 3600 * 1000,
  maxSeenEvents: 10_000,
});

/** `PersonStateStoreOptions` with defaults applied, validated and frozen. */
export type ResolvedPersonStateStoreOptions = Readonly<Required<PersonStateStoreOptions>>;

/**
 * Merges defaults into `options`, validates once and freezes the result.
 * Throws a `RangeError` naming the option.
 */
export function resolvePersonStateStoreOptions(
  options: PersonStateStoreOptions,
): ResolvedPersonStateStoreOptions {
  const d = PERSON_STATE_STORE_DEFAULTS;
  const resolved = {
    personTtlMs: options.personTtlMs ?? d.personTtlMs,
    tombstoneTtlMs: options.tombstoneTtlMs ?? d.tombstoneTtlMs,
    dedupeWindowMs: options.dedupeWindowMs ?? d.dedupeWindowMs,
    maxSeenEvents: options.maxSeenEvents ?? d.maxSeenEvents,
  };
  for (const key of ["personTtlMs", "tombstoneTtlMs", "dedupeWindowMs", "maxSeenEvents"] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] <= 0) {
      throw new RangeError(`options.${key} must be a positive integer, got ${resolved[key]}`);
    }
  }
  return Object.freeze(resolved);
}

/** Purposes a Global Privacy Control signal withdraws: the marketing and paid-media ones. */
export const GPC_PURPOSES = Consent.EMAIL | Consent.SMS | Consent.PUSH | Consent.ADS;

/** The record of nobody: what `updateConsent` returns for a forgotten id. */
export const NO_CONSENT: ConsentRecord = Object.freeze({ granted: 0, denied: 0, globalOptOut: false });

/**
 * Throws a `RangeError` naming the field when a consent change is not
 * representable: bits outside `Consent`, or a time that is not a
 * non-negative integer of ms. Both person stores call it first.
 */
export function assertConsentChange(
  change: { granted: number; denied: number; globalOptOut: boolean },
  atMs: number,
): void {
  for (const key of ["granted", "denied"] as const) {
    const bits = change[key];
    if (!Number.isInteger(bits) || bits < 0 || (bits & ~ALL_CONSENT) !== 0) {
      throw new RangeError(`change.${key} must be a combination of Consent bits, got ${bits}`);
    }
  }
  if (!Number.isSafeInteger(atMs) || atMs < 0) {
    throw new RangeError(`atMs must be a non-negative integer, got ${atMs}`);
  }
}

/** Throws a `RangeError` unless `value` is a version a store can have written. */
export function assertVersion(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

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
}

// Shared head of every script: key names (the same as personKeys), the consent
// record helpers. ARGV[1] is always the key prefix. Scripts build key names
// from ids (alias targets, merged ids, identifier links), so they are for a
// single Redis, not Cluster: see README.md.
const LIB = `
local PREFIX = ARGV[1]
local S = {${Object.entries(PERSON_KEY_SUFFIXES)
  .map(([name, suffix]) => `${name} = ${JSON.stringify(suffix)}`)
  .join(", ")}}
local PURPOSES = {${Object.values(Consent).join(", ")}}
local ALL = ${ALL_CONSENT}
local GPC = ${GPC_PURPOSES}
local function key(id, suffix) return PREFIX .. '{u:' .. id .. '}:' .. suffix end
local function idnKey(k) return PREFIX .. 'idn:' .. k end
local function tombKey(t) return PREFIX .. 'forgotten:' .. t end
local function fmt(n) return string.format('%.0f', n) end

-- "<ts>:<1|0>" as ts, value; nil when absent or malformed
local function parseRecord(s)
  if not s then return nil end
  local ts, v = string.match(s, '^(%-?%d+):([01])$')
  if not ts then return nil end
  return tonumber(ts), tonumber(v)
end

-- the consent byte of the packed profile (byte index 2), nil without a profile
local function profileConsent(id)
  local b = redis.call('GETRANGE', key(id, S.profile), 2, 2)
  if b == '' then return nil end
  return bit.band(string.byte(b), ALL)
end

-- per purpose field {ts, value}, and the time of the opt-out signal (nil when off)
local function readConsent(id)
  local flat = redis.call('HGETALL', key(id, S.consent))
  local records, gpcTs = {}, nil
  for i = 1, #flat, 2 do
    local field = flat[i]
    if field ~= 'eff' then
      local ts, v = parseRecord(flat[i + 1])
      if ts then
        if field == 'gpc' then
          if v == 1 then gpcTs = ts end
        else
          records[field] = {ts, v}
        end
      end
    end
  end
  return records, gpcTs
end

-- a purpose with a record takes its latest value; without one, the profile's
-- bit (unknown without a profile: not granted). While the opt-out signal is
-- on, GPC purposes are withdrawn unless granted after it.
local function effective(records, gpcTs, pc)
  local granted, denied = 0, 0
  for _, b in ipairs(PURPOSES) do
    local r = records[tostring(b)]
    local on, grantTs = false, nil
    if r then
      if r[2] == 1 then on = true; grantTs = r[1] else denied = bit.bor(denied, b) end
    elseif pc and bit.band(pc, b) ~= 0 then
      on = true
    end
    if gpcTs and bit.band(GPC, b) ~= 0 and not (grantTs and grantTs > gpcTs) then
      on = false
      denied = bit.bor(denied, b)
    end
    if on then granted = bit.bor(granted, b) end
  end
  return granted, denied
end

local function writeEffective(id)
  local records, gpcTs = readConsent(id)
  local g, d = effective(records, gpcTs, profileConsent(id))
  local eff = fmt(g) .. ',' .. fmt(d) .. ',' .. (gpcTs and '1' or '0')
  redis.call('HSET', key(id, S.consent), 'eff', eff)
  return eff
end

-- The first consent record of a person captures the profile's consent byte as
-- grants at time 0, so consent loaded in bulk survives the consumer's rewrites
-- of the profile. Nothing to capture without a profile.
local function initConsent(id)
  local ck = key(id, S.consent)
  if redis.call('EXISTS', ck) == 1 then return end
  local pc = profileConsent(id)
  if not pc then return end
  for _, b in ipairs(PURPOSES) do
    if bit.band(pc, b) ~= 0 then redis.call('HSET', ck, tostring(b), '0:1') end
  end
  writeEffective(id)
end

local function trimSeen(k, now, window, maxCount)
  redis.call('ZREMRANGEBYSCORE', k, '-inf', fmt(now - window))
  redis.call('ZREMRANGEBYRANK', k, 0, -(maxCount + 1))
  redis.call('PEXPIRE', k, window)
end

-- the expiry of a person's durable keys and of the keys that lead to them
local function refresh(id, ttl)
  redis.call('PEXPIRE', key(id, S.state), ttl)
  redis.call('PEXPIRE', key(id, S.consent), ttl)
  redis.call('PEXPIRE', key(id, S.links), ttl)
  for _, m in ipairs(redis.call('SMEMBERS', key(id, S.links))) do
    local kind, rest = string.sub(m, 1, 2), string.sub(m, 3)
    if kind == 'u:' then
      redis.call('PEXPIRE', key(rest, S.alias), ttl)
    elseif kind == 'i:' then
      redis.call('PEXPIRE', idnKey(rest), ttl)
    end
  end
end
`;

// ARGV: prefix, userId, tombstone, nowMs, dedupeWindowMs, eventIds…
// Reply: {personId, forgotten 0|1, state|false, profile|false, version, {indexes of seen ids, 1-based}}
const LOAD_LUA = `${LIB}
local id = ARGV[2]
local pid = redis.call('GET', key(id, S.alias)) or id
if redis.call('EXISTS', tombKey(ARGV[3])) == 1 then return {pid, 1, false, false, 0, {}} end
local f = redis.call('HMGET', key(pid, S.state), 's', 'v')
local profile = false
if not f[1] then profile = redis.call('GET', key(pid, S.profile)) end
local since = tonumber(ARGV[4]) - tonumber(ARGV[5])
local seenKey = key(pid, S.seen)
local seen = {}
for i = 6, #ARGV do
  local score = redis.call('ZSCORE', seenKey, ARGV[i])
  if score and tonumber(score) > since then seen[#seen + 1] = i - 5 end
end
return {pid, 0, f[1], profile, tonumber(f[2] or '0'), seen}
`;

// ARGV: prefix, personId, tombstone, expectedVersion, state, profile, nowMs,
// personTtlMs, dedupeWindowMs, maxSeenEvents, eventIds…
const COMMIT_LUA = `${LIB}
local pid = ARGV[2]
if redis.call('EXISTS', tombKey(ARGV[3])) == 1 then return 'forgotten' end
-- merged meanwhile: the state now lives with the person the id resolves to
if redis.call('EXISTS', key(pid, S.alias)) == 1 then return 'conflict' end
local fKey = key(pid, S.state)
local v = tonumber(redis.call('HGET', fKey, 'v') or '0')
if v ~= tonumber(ARGV[4]) then return 'conflict' end
local now, ttl = tonumber(ARGV[7]), tonumber(ARGV[8])
initConsent(pid)
redis.call('HSET', fKey, 's', ARGV[5], 'v', v + 1)
redis.call('SET', key(pid, S.profile), ARGV[6], 'PX', ttl)
local seenKey = key(pid, S.seen)
local args = {}
for i = 11, #ARGV do
  args[#args + 1] = ARGV[7]
  args[#args + 1] = ARGV[i]
  if #args >= 1000 then
    redis.call('ZADD', seenKey, unpack(args))
    args = {}
  end
end
if #args > 0 then redis.call('ZADD', seenKey, unpack(args)) end
trimSeen(seenKey, now, tonumber(ARGV[9]), tonumber(ARGV[10]))
refresh(pid, ttl)
return 'ok'
`;

// ARGV: prefix, userId, tombstone, granted, denied, globalOptOut 0|1, atMs, personTtlMs
// Reply: eff ("<granted>,<denied>,<gpc>"), or false when the id is forgotten.
const UPDATE_CONSENT_LUA = `${LIB}
if redis.call('EXISTS', tombKey(ARGV[3])) == 1 then return false end
local id = ARGV[2]
local pid = redis.call('GET', key(id, S.alias)) or id
local ck = key(pid, S.consent)
initConsent(pid)
local granted, denied, at = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[7])
for _, b in ipairs(PURPOSES) do
  if bit.band(bit.bor(granted, denied), b) ~= 0 then
    -- a purpose in both is denied; at equal times a denial wins too
    local v = 1
    if bit.band(denied, b) ~= 0 then v = 0 end
    local ts = parseRecord(redis.call('HGET', ck, tostring(b)))
    if (not ts) or at > ts or (at == ts and v == 0) then
      redis.call('HSET', ck, tostring(b), ARGV[7] .. ':' .. v)
    end
  end
end
if ARGV[6] == '1' then
  local ts = parseRecord(redis.call('HGET', ck, 'gpc'))
  if (not ts) or at > ts then redis.call('HSET', ck, 'gpc', ARGV[7] .. ':1') end
end
local eff = writeEffective(pid)
redis.call('PEXPIRE', ck, ARGV[8])
return eff
`;

// ARGV: prefix, into, from, intoVersion, fromVersion, state, profile, nowMs,
// personTtlMs, dedupeWindowMs, maxSeenEvents
const MERGE_LUA = `${LIB}
local into, from = ARGV[2], ARGV[3]
-- either was merged into someone else meanwhile: the caller must resolve again
if redis.call('EXISTS', key(into, S.alias)) == 1 or redis.call('EXISTS', key(from, S.alias)) == 1 then
  return 'conflict'
end
local vi = tonumber(redis.call('HGET', key(into, S.state), 'v') or '0')
local vf = tonumber(redis.call('HGET', key(from, S.state), 'v') or '0')
if vi ~= tonumber(ARGV[4]) or vf ~= tonumber(ARGV[5]) then return 'conflict' end
local now, ttl, window, maxSeen = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])

-- Consent, from both sides before either profile changes. Per purpose: denied
-- when denied on either side; granted when granted on both; granted on one
-- side and unknown on the other is recorded as withdrawn (unknown fails closed,
-- and a record keeps the merged profile's own bits from granting it back).
local ri, gi = readConsent(into)
local rf, gf = readConsent(from)
local pi, pf = profileConsent(into), profileConsent(from)
local function side(records, pc, b)
  local r = records[tostring(b)]
  if r then
    if r[2] == 1 then return 'G', r[1] end
    return 'D', r[1]
  end
  if pc and bit.band(pc, b) ~= 0 then return 'G', 0 end
  return nil, 0
end
local fields = {}
for _, b in ipairs(PURPOSES) do
  local a, ta = side(ri, pi, b)
  local c, tc = side(rf, pf, b)
  local v = nil
  if a == 'D' or c == 'D' then v = '0'
  elseif a == 'G' and c == 'G' then v = '1'
  elseif a or c then v = '0' end
  if v then
    fields[#fields + 1] = tostring(b)
    fields[#fields + 1] = fmt(math.max(ta, tc)) .. ':' .. v
  end
end
local g = gi
if gf and ((not g) or gf > g) then g = gf end
if g then
  fields[#fields + 1] = 'gpc'
  fields[#fields + 1] = fmt(g) .. ':1'
end
local ck = key(into, S.consent)
redis.call('DEL', ck)
if #fields > 0 then redis.call('HSET', ck, unpack(fields)) end

redis.call('HSET', key(into, S.state), 's', ARGV[6], 'v', vi + 1)
redis.call('SET', key(into, S.profile), ARGV[7], 'PX', ttl)
writeEffective(into)

-- caps: the later until per SKU; the key expires with its latest cap
local capsKey = key(into, S.caps)
redis.call('ZUNIONSTORE', capsKey, 2, capsKey, key(from, S.caps), 'AGGREGATE', 'MAX')
redis.call('ZREMRANGEBYSCORE', capsKey, '-inf', ARGV[8])
local last = redis.call('ZRANGE', capsKey, -1, -1, 'WITHSCORES')
if last[2] then redis.call('PEXPIREAT', capsKey, last[2]) end

-- redemptions: the union keeps the longer of the two remaining lifetimes
local redeemedKey = key(into, S.redeemed)
local keep = math.max(redis.call('PTTL', redeemedKey), redis.call('PTTL', key(from, S.redeemed)))
redis.call('SUNIONSTORE', redeemedKey, redeemedKey, key(from, S.redeemed))
if keep <= 0 then keep = ttl end
redis.call('PEXPIRE', redeemedKey, keep)

local seenKey = key(into, S.seen)
redis.call('ZUNIONSTORE', seenKey, 2, seenKey, key(from, S.seen), 'AGGREGATE', 'MAX')
trimSeen(seenKey, now, window, maxSeen)

-- everything that led to from now leads to into (aliases stay one hop)
local intoLinks = key(into, S.links)
redis.call('SET', key(from, S.alias), into, 'PX', ttl)
for _, m in ipairs(redis.call('SMEMBERS', key(from, S.links))) do
  local kind, rest = string.sub(m, 1, 2), string.sub(m, 3)
  if kind == 'u:' and rest ~= into then
    redis.call('SET', key(rest, S.alias), into, 'PX', ttl)
    redis.call('SADD', intoLinks, m)
  elseif kind == 'i:' and redis.call('GET', idnKey(rest)) == from then
    redis.call('SET', idnKey(rest), into, 'PX', ttl)
    redis.call('SADD', intoLinks, m)
  end
end
redis.call('SADD', intoLinks, 'u:' .. from)
redis.call('DEL', key(from, S.profile), key(from, S.state), key(from, S.caps), key(from, S.redeemed),
  key(from, S.seen), key(from, S.consent), key(from, S.links))
refresh(into, ttl)
return 'ok'
`;

// ARGV: prefix, personId. Reply: eff, or the bulk profile's consent as one, or false.
const READ_CONSENT_LUA = `${LIB}
local eff = redis.call('HGET', key(ARGV[2], S.consent), 'eff')
if eff then return eff end
local pc = profileConsent(ARGV[2])
if pc then return fmt(pc) .. ',0,0' end
return false
`;

// ARGV: prefix, personId, personTtlMs, identifier keys…
const LINK_LUA = `${LIB}
local pid, ttl = ARGV[2], ARGV[3]
local links = key(pid, S.links)
for i = 4, #ARGV do
  local k = idnKey(ARGV[i])
  local owner = redis.call('GET', k)
  -- relinked: the earlier owner no longer leads here (and Forget of them must not delete it)
  if owner and owner ~= pid then redis.call('SREM', key(owner, S.links), 'i:' .. ARGV[i]) end
  redis.call('SET', k, pid, 'PX', ttl)
  redis.call('SADD', links, 'i:' .. ARGV[i])
end
redis.call('PEXPIRE', links, ttl)
return 1
`;

// ARGV: prefix, personId, tombstoneTtlMs, tombstones…
const FORGET_LUA = `${LIB}
local pid = ARGV[2]
local ids = {pid}
local owners = {[pid] = true}
local identifiers = {}
for _, m in ipairs(redis.call('SMEMBERS', key(pid, S.links))) do
  local kind, rest = string.sub(m, 1, 2), string.sub(m, 3)
  if kind == 'u:' then
    ids[#ids + 1] = rest
    owners[rest] = true
  elseif kind == 'i:' then
    identifiers[#identifiers + 1] = idnKey(rest)
  end
end
local deleted = 0
for _, id in ipairs(ids) do
  for _, suffix in pairs(S) do deleted = deleted + redis.call('DEL', key(id, suffix)) end
end
for _, k in ipairs(identifiers) do
  local owner = redis.call('GET', k)
  if owner and owners[owner] then deleted = deleted + redis.call('DEL', k) end
end
for i = 4, #ARGV do redis.call('SET', tombKey(ARGV[i]), '1', 'PX', ARGV[3]) end
return deleted
`;

type Arg = string | number | Buffer;
/** personId, forgotten, state, profile, version, 1-based indexes of seen event ids. */
type LoadReply = [Buffer, number, Buffer | null, Buffer | null, number, number[]];

interface PersonStoreCommands {
  relevancePersonLoadBuffer(...args: Arg[]): Promise<LoadReply>;
  relevancePersonCommit(...args: Arg[]): Promise<"ok" | "conflict" | "forgotten">;
  relevancePersonConsent(...args: Arg[]): Promise<string | null>;
  relevancePersonReadConsent(...args: Arg[]): Promise<string | null>;
  relevancePersonMerge(...args: Arg[]): Promise<"ok" | "conflict">;
  relevancePersonLink(...args: Arg[]): Promise<number>;
  relevancePersonForget(...args: Arg[]): Promise<number>;
}

/**
 * Creates the production `PersonStateStore` on Redis, beside the
 * `ProfileStore` (same client, same key prefix). Every write is one Lua
 * script, so a commit, a consent change, a merge or a Forget is atomic and
 * one round trip; every key it writes gets an expiry. Key schema:
 * `server/src/profile/README.md`.
 */
export function createRedisPersonStore(options: RedisPersonStoreOptions): PersonStateStore {
  const { personTtlMs, tombstoneTtlMs, dedupeWindowMs, maxSeenEvents } =
    resolvePersonStateStoreOptions(options);
  const keyPrefix = resolveKeyPrefix(options.keyPrefix);
  const { redis } = options;
  if (redis === null || typeof redis !== "object" || typeof redis.defineCommand !== "function") {
    throw new TypeError("options.redis must be an ioredis client");
  }
  redis.defineCommand("relevancePersonLoad", { numberOfKeys: 0, lua: LOAD_LUA });
  redis.defineCommand("relevancePersonCommit", { numberOfKeys: 0, lua: COMMIT_LUA });
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

  return {
    kind: "redis",

    async load(userId, tombstone, eventIds) {
      assertOpen();
      const [pid, forgotten, state, profile, version, seenAt] = await commands.relevancePersonLoadBuffer(
        keyPrefix,
        userId,
        tombstone,
        Date.now(),
        dedupeWindowMs,
        ...eventIds,
      );
      const read: PersonStateRead = {
        personId: pid.toString(),
        forgotten: forgotten === 1,
        state: state === null ? null : state.toString(),
        profile,
        version,
        seen: new Set(seenAt.map((i) => eventIds[i - 1]!)),
      };
      return read;
    },

    async commit(c) {
      assertOpen();
      assertVersion("commit.expectedVersion", c.expectedVersion);
      return commands.relevancePersonCommit(
        keyPrefix,
        c.personId,
        c.tombstone,
        c.expectedVersion,
        c.state,
        c.profile,
        Date.now(),
        personTtlMs,
        dedupeWindowMs,
        maxSeenEvents,
        ...c.eventIds,
      );
    },

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
      if (m.into === m.from)
        throw new RangeError(`merge: into and from are the same person ${JSON.stringify(m.into)}`);
      assertVersion("merge.intoVersion", m.intoVersion);
      assertVersion("merge.fromVersion", m.fromVersion);
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
