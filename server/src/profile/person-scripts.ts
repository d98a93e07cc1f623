import { CAP_KEY_SUFFIXES } from "../caps/cap-keys.js";
import { ALL_CONSENT, Consent } from "../domain/consent.js";
import { GPC_PURPOSES } from "./person-store-options.js";
import { PERSON_KEY_SUFFIXES, PROFILE_FIELD } from "./redis-profile-store.js";

/** The results of `commitMany`, by the code `COMMIT_MANY_LUA` replies with. */
export const COMMIT_RESULTS = Object.freeze(["ok", "conflict", "forgotten"] as const);

/**
 * A commit drops the ids older than `dedupeWindowMs` from `:seen` only when
 * the person's new version is a multiple of this: `load` ignores such ids
 * anyway, and the trim to `maxSeenEvents` (oldest first) runs on every
 * commit, so only memory waits for it.
 */
export const STALE_SEEN_TRIM_EVERY = 16;

// The Lua scripts of the Redis PersonStateStore (redis-person-store.ts); the
// key schema is in README.md.
//
// Shared head of every script: key names (the same as personKeys), the consent
// record helpers. ARGV[1] is always the key prefix. Scripts build key names
// from ids (alias targets, merged ids, identifier links), so they are for a
// single Redis, not Cluster: see README.md. Like the profile store's, they
// use no command newer than Redis 6.0 (ZSCORE per id, not ZMSCORE).
const LIB = `
local PREFIX = ARGV[1]
local S = {${Object.entries(PERSON_KEY_SUFFIXES)
  .map(([name, suffix]) => `${name} = ${JSON.stringify(suffix)}`)
  .join(", ")}}
local C = {${Object.entries(CAP_KEY_SUFFIXES)
  .map(([name, suffix]) => `${name} = ${JSON.stringify(suffix)}`)
  .join(", ")}}
local PURPOSES = {${Object.values(Consent).join(", ")}}
local ALL = ${ALL_CONSENT}
local GPC = ${GPC_PURPOSES}
local P = '${PROFILE_FIELD}'
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
  local p = redis.call('HGET', key(id, S.state), P)
  if not p or #p < 3 then return nil end
  return bit.band(string.byte(p, 3), ALL)
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
-- of the profile. Nothing to capture without a profile. Only for a person who
-- has no :consent hash: with no other record and no opt-out, what is in force
-- is exactly the captured grants, so eff (what writeEffective would compute)
-- goes in the same HSET. Returns whether the hash was created.
local function captureConsent(id)
  local pc = profileConsent(id)
  if not pc then return false end
  local fields = {}
  for _, b in ipairs(PURPOSES) do
    if bit.band(pc, b) ~= 0 then
      fields[#fields + 1] = tostring(b)
      fields[#fields + 1] = '0:1'
    end
  end
  fields[#fields + 1] = 'eff'
  fields[#fields + 1] = fmt(pc) .. ',0,0'
  redis.call('HSET', key(id, S.consent), unpack(fields))
  return true
end

local function initConsent(id)
  if redis.call('EXISTS', key(id, S.consent)) == 0 then captureConsent(id) end
end

local function trimSeen(k, now, window, maxCount)
  redis.call('ZREMRANGEBYSCORE', k, '-inf', fmt(now - window))
  redis.call('ZREMRANGEBYRANK', k, 0, -(maxCount + 1))
  redis.call('PEXPIRE', k, window)
end

-- the expiry of the keys that lead to a person: the aliases of the ids merged
-- into them and their identifier links. PEXPIRE answers whether :links exists,
-- so a person without links (most) costs one call and no SMEMBERS.
local function refreshLinks(id, ttl)
  if redis.call('PEXPIRE', key(id, S.links), ttl) == 0 then return end
  for _, m in ipairs(redis.call('SMEMBERS', key(id, S.links))) do
    local kind, rest = string.sub(m, 1, 2), string.sub(m, 3)
    if kind == 'u:' then
      redis.call('PEXPIRE', key(rest, S.alias), ttl)
    elseif kind == 'i:' then
      redis.call('PEXPIRE', idnKey(rest), ttl)
    end
  end
end

-- the expiry of a person's durable keys and of the keys that lead to them
local function refresh(id, ttl)
  redis.call('PEXPIRE', key(id, S.state), ttl)
  redis.call('PEXPIRE', key(id, S.consent), ttl)
  refreshLinks(id, ttl)
end
`;

/**
 * `loadMany` for one chunk of people.
 * ARGV: prefix, staleBeforeMs (now - dedupeWindowMs), seenOutlivesState 0|1,
 * then per person: userId, tombstone, n, n event ids.
 * Reply, per person: {alias|nil, 1} when forgotten, else {alias|nil, 0,
 * state|nil, profile|nil, version, 1-based indexes of the ids seen…}; alias
 * is the person the id resolves to, nil when itself. The profile is read only
 * when there is no state, and `:seen` only when there is one, unless
 * seenOutlivesState: every write of `:seen` writes `:f` too, and `:f` expires
 * last unless personTtlMs is shorter than the expiry of `:seen`.
 */
export const LOAD_MANY_LUA = `${LIB}
local staleBefore = tonumber(ARGV[2])
local seenOutlivesState = ARGV[3] == '1'
local out = {}
local i = 4
while i <= #ARGV do
  local id, n = ARGV[i], tonumber(ARGV[i + 2])
  local f = redis.call('HMGET', key(id, S.state), 's', 'v')
  local alias, forgotten = false, false
  -- A version is written only by a commit (which checks the tombstone and
  -- alias when it has none, as COMMIT_MANY_LUA does) and a merge into the id
  -- (which checks the alias); Forget and a merge of the id into another
  -- delete :f with it. So an id with a version is neither forgotten nor
  -- merged, and only one without pays the lookup.
  if not f[2] then
    -- alias and tombstone in one call
    local found = redis.call('MGET', key(id, S.alias), tombKey(ARGV[i + 1]))
    alias, forgotten = found[1], found[2]
    if alias and not forgotten then f = redis.call('HMGET', key(alias, S.state), 's', 'v') end
  end
  if forgotten then
    out[#out + 1] = {alias, 1}
  else
    local pid = alias or id
    local profile = false
    if not f[1] then profile = redis.call('HGET', key(pid, S.state), P) end
    local r = {alias, 0, f[1], profile, tonumber(f[2] or '0')}
    if f[1] or seenOutlivesState then
      local seenKey = key(pid, S.seen)
      for j = 1, n do
        local score = redis.call('ZSCORE', seenKey, ARGV[i + 2 + j])
        if score and tonumber(score) > staleBefore then r[#r + 1] = j end
      end
    end
    out[#out + 1] = r
  end
  i = i + 3 + n
end
return out
`;

/**
 * `commitMany` for one chunk of people, each commit on its own and in order.
 * ARGV: prefix, nowMs, staleBeforeMs (now - dedupeWindowMs), personTtlMs,
 * seen expiry (dedupeWindowMs + refreshEveryMs), refreshEveryMs,
 * -(maxSeenEvents + 1), seenOutlivesState 0|1, then per commit: personId,
 * tombstone, expectedVersion, expectedVersion + 1, state, profile, n, n
 * event ids. Versions travel as decimal strings and are compared as such
 * (both sides write them in that form), so no number is formatted in Lua.
 * Reply: per commit, the index of its result in COMMIT_RESULTS.
 *
 * Expiries are refreshed when the last refresh (field `r` of `:f`, nowMs) is
 * older than refreshEveryMs, not on every commit: `:f` (profile and state)
 * keeps its expiry through HSET, and until the next
 * refresh every key outlives the commit by at least personTtlMs -
 * refreshEveryMs (`:seen` by dedupeWindowMs, as its expiry carries the slack).
 * `r` is written only when `:consent` and `:seen` exist after the refresh, so
 * a commit that skips it knows both still do: only Forget (which drops `:f`
 * too) and merge (which drops `r`) delete them before they expire.
 */
export const COMMIT_MANY_LUA = `${LIB}
local OK, CONFLICT, FORGOTTEN = 0, 1, 2
local now, staleBefore, ttl, seenTtl, keepFrom = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[7]
local clock, refreshEvery, maxSeen = tonumber(ARGV[2]), tonumber(ARGV[6]), -tonumber(ARGV[7]) - 1
local seenOutlivesState = ARGV[8] == '1'

local function addSeen(seenKey, first, last)
  local args = {}
  for j = first, last do
    args[#args + 1] = now
    args[#args + 1] = ARGV[j]
    if #args >= 1000 then
      redis.call('ZADD', seenKey, unpack(args))
      args = {}
    end
  end
  if #args > 0 then redis.call('ZADD', seenKey, unpack(args)) end
end

-- ARGV[first..last] are the event ids
local function commitOne(pid, tomb, expected, nextVersion, state, profile, first, last)
  local fKey = key(pid, S.state)
  local f = redis.call('HMGET', fKey, 'v', 'r')
  local current = f[1] or '0'
  -- Forget and merge (of pid into another) both delete :f, and nothing else
  -- brings a version back, so a person whose :f still holds the version read
  -- (above 0) was neither: only a person without a state needs the tombstone
  -- and alias looked up, and a mismatch looks them up to say which it was.
  if current ~= expected or expected == '0' then
    -- tombstone and alias in one call
    local found = redis.call('MGET', tombKey(tomb), key(pid, S.alias))
    if found[1] then return FORGOTTEN end
    -- merged meanwhile: the state now lives with the person the id resolves to
    if found[2] then return CONFLICT end
    if current ~= expected then return CONFLICT end
  end
  local refreshedAt = tonumber(f[2] or '')
  -- a refresh in the future (another writer's clock ahead) counts as stale
  local refresh = not refreshedAt or clock < refreshedAt or clock - refreshedAt >= refreshEvery
  local hasConsent = true
  if refresh then
    -- PEXPIRE also tells whether there is a consent record: the first one
    -- captures the profile's consent before the HSET below rewrites it
    local ck = key(pid, S.consent)
    if redis.call('PEXPIRE', ck, ttl) == 0 then
      hasConsent = captureConsent(pid)
      if hasConsent then redis.call('PEXPIRE', ck, ttl) end
    end
  end
  local seenKey = key(pid, S.seen)
  if last >= first then
    addSeen(seenKey, first, last)
    -- Without :f there was no :seen either (see LOAD_MANY_LUA): it holds just
    -- these ids. Otherwise keep the newest maxSeenEvents; ids older than the
    -- window are invisible to load already and dropped every
    -- STALE_SEEN_TRIM_EVERY-th commit.
    if f[1] or seenOutlivesState or last - first + 1 > maxSeen then
      redis.call('ZREMRANGEBYRANK', seenKey, '0', keepFrom)
    end
    if f[1] and tonumber(nextVersion) % ${STALE_SEEN_TRIM_EVERY} == 0 then
      redis.call('ZREMRANGEBYSCORE', seenKey, '-inf', staleBefore)
    end
  end
  if refresh then
    local hasSeen = redis.call('PEXPIRE', seenKey, seenTtl) == 1
    if hasConsent and hasSeen then
      redis.call('HSET', fKey, 's', state, 'v', nextVersion, P, profile, 'r', now)
    else
      redis.call('HSET', fKey, 's', state, 'v', nextVersion, P, profile)
    end
    redis.call('PEXPIRE', fKey, ttl)
    refreshLinks(pid, ttl)
  else
    redis.call('HSET', fKey, 's', state, 'v', nextVersion, P, profile)
  end
  return OK
end

local out = {}
local i = 9
while i <= #ARGV do
  local n = tonumber(ARGV[i + 6])
  out[#out + 1] = commitOne(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], i + 7, i + 6 + n)
  i = i + 7 + n
end
return out
`;

/**
 * `updateConsent`. ARGV: prefix, userId, tombstone, granted, denied,
 * globalOptOut 0|1, atMs, personTtlMs. Reply: eff ("<granted>,<denied>,<gpc>"),
 * or nil when the id is forgotten.
 */
export const UPDATE_CONSENT_LUA = `${LIB}
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

// The cap part of merge; see MERGE_LUA.
const MERGE_CAPS = `
-- The cap store's keys (server/src/caps) follow the person a merge keeps:
-- every counter and reservation record from's index names is unioned into
-- into's key of the same name (counters AGGREGATE MAX; members are unique per
-- decision, so into's counter then counts both persons' reservations), which
-- keeps the later expiry of the two; the indexes are unioned and into's
-- expires with its latest entry. Experience records into lacks are copied;
-- a redeemed flag on either side wins. from's cap keys are deleted (its index
-- and experiences by the caller).
local function mergeCaps(into, from)
  local fromIndex, intoIndex = key(from, C.index), key(into, C.index)
  for _, suffix in ipairs(redis.call('ZRANGE', fromIndex, 0, -1)) do
    local src, dst = key(from, suffix), key(into, suffix)
    local keep = math.max(redis.call('PTTL', src), redis.call('PTTL', dst))
    if string.sub(suffix, 1, #C.reservation) == C.reservation then
      redis.call('SUNIONSTORE', dst, dst, src)
    else
      redis.call('ZUNIONSTORE', dst, 2, dst, src, 'AGGREGATE', 'MAX')
    end
    -- keep is -2 only when neither key exists, and then neither does the union
    if keep > 0 then redis.call('PEXPIRE', dst, keep) end
    redis.call('DEL', src)
  end
  if redis.call('EXISTS', fromIndex) == 1 then
    redis.call('ZUNIONSTORE', intoIndex, 2, intoIndex, fromIndex, 'AGGREGATE', 'MAX')
    local last = redis.call('ZRANGE', intoIndex, -1, -1, 'WITHSCORES')
    if last[2] then redis.call('PEXPIREAT', intoIndex, last[2]) end
  end
  local fromExp, intoExp = key(from, C.experiences), key(into, C.experiences)
  local flat = redis.call('HGETALL', fromExp)
  if #flat > 0 then
    local keep = math.max(redis.call('PTTL', fromExp), redis.call('PTTL', intoExp))
    for i = 1, #flat, 2 do
      local mine = redis.call('HGET', intoExp, flat[i])
      if not mine then
        redis.call('HSET', intoExp, flat[i], flat[i + 1])
      elseif string.sub(flat[i + 1], -1) == '1' and string.sub(mine, -1) ~= '1' then
        redis.call('HSET', intoExp, flat[i], string.sub(mine, 1, -2) .. '1')
      end
    end
    if keep > 0 then redis.call('PEXPIRE', intoExp, keep) end
  end
end
`;

/**
 * `merge`. ARGV: prefix, into, from, intoVersion, fromVersion, state, profile,
 * nowMs, personTtlMs, dedupeWindowMs, maxSeenEvents. Reply: "ok" or "conflict".
 * The cap store's counters, reservation records and experiences of `from`
 * move to `into` (`mergeCaps`), so caps follow the person across linked ids.
 */
export const MERGE_LUA = `${LIB}${MERGE_CAPS}
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
-- when denied on either side (the stricter value); otherwise granted when
-- granted on either side: a side with no record said nothing, so an anonymous
-- session merged into a customer does not withdraw what the customer granted.
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
  elseif a == 'G' or c == 'G' then v = '1' end
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

-- without r, into's next commit refreshes every expiry (the seen union's among them)
redis.call('HSET', key(into, S.state), 's', ARGV[6], 'v', vi + 1, P, ARGV[7])
redis.call('HDEL', key(into, S.state), 'r')
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
mergeCaps(into, from)
redis.call('DEL', key(from, S.state), key(from, S.caps), key(from, S.redeemed),
  key(from, S.seen), key(from, S.consent), key(from, S.links), key(from, C.index), key(from, C.experiences))
refresh(into, ttl)
return 'ok'
`;

/** `readConsent`. ARGV: prefix, personId. Reply: eff, or the bulk profile's consent as one, or nil. */
export const READ_CONSENT_LUA = `${LIB}
local eff = redis.call('HGET', key(ARGV[2], S.consent), 'eff')
if eff then return eff end
local pc = profileConsent(ARGV[2])
if pc then return fmt(pc) .. ',0,0' end
return false
`;

/** `linkIdentifiers`. ARGV: prefix, personId, personTtlMs, identifier keys…. */
export const LINK_LUA = `${LIB}
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

// The cap part of forget; see FORGET_LUA.
const FORGET_CAPS = `
-- Deletes the cap store's keys of a person (what its index names, the index,
-- the experiences); returns how many existed.
local function forgetCaps(id)
  local index = key(id, C.index)
  local deleted = 0
  for _, suffix in ipairs(redis.call('ZRANGE', index, 0, -1)) do
    deleted = deleted + redis.call('DEL', key(id, suffix))
  end
  return deleted + redis.call('DEL', index, key(id, C.experiences))
end
`;

/**
 * `forget`. ARGV: prefix, personId, tombstoneTtlMs, tombstones…. Reply: keys
 * deleted, the cap store's among them (`forgetCaps`).
 */
export const FORGET_LUA = `${LIB}${FORGET_CAPS}
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
  deleted = deleted + forgetCaps(id)
end
for _, k in ipairs(identifiers) do
  local owner = redis.call('GET', k)
  if owner and owners[owner] then deleted = deleted + redis.call('DEL', k) end
end
for i = 4, #ARGV do redis.call('SET', tombKey(ARGV[i]), '1', 'PX', ARGV[3]) end
return deleted
`;
