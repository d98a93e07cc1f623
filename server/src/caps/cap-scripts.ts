import { CAP_KEY_SUFFIXES, DECISION_TAG } from "./cap-keys.js";

// The Lua scripts of the Redis CapStore (redis-cap-store.ts); the key schema
// is in server/src/profile/README.md. Every key a script touches belongs to
// one person (the same {u:<personId>} hash tag), so each is one slot on Redis
// Cluster too. The scripts find the person's key base (`<prefix>{u:<id>}:`)
// from the index key, KEYS[1] or KEYS[2], which ends with its fixed suffix.
// No command newer than Redis 6.0 (no ZADD GT).

const HEAD = `
local INDEX_SUFFIX = ${JSON.stringify(CAP_KEY_SUFFIXES.index)}
local function fmt(n) return string.format('%.0f', n) end
local function baseOf(indexKey) return string.sub(indexKey, 1, #indexKey - #INDEX_SUFFIX) end
`;

/**
 * `reserve`, one atomic step per decision.
 * KEYS: index (`capkeys`), experiences (`exp`), the decision's reservation
 * record (`resv:<decisionId>`), then every distinct counter key the request
 * names. ARGV: decisionId, want, experienceRetentionMs, the longest retention
 * (MAX_EXPERIENCE_RETENTION_MS), the number of decision-level counters, then
 * per counter its KEYS index, limit and windowMs; the number of items, then
 * per item: its counter count, the counters as above, 1 or 0 for an
 * experience, and when 1 the experience id, the record
 * (`useCase\tofferId\tsku\t0`) and its untilMs (0 for none).
 * Reply: {now ms, 1-based index of the full decision-level counter or 0,
 * {granted item indexes}, {item index, 1-based index of its full counter}…}.
 *
 * A counter has room when, after dropping its entries at or before now -
 * windowMs, it holds fewer than limit: at most limit entries in any window
 * (now - windowMs, now]. Decision-level entries are added before the items
 * are tried, so an item counting the same key sees them, and taken back when
 * no item is granted. Each key written gets its expiry in the same step, and
 * the index records when each counter and record key expires, so merge and
 * Forget find every live one.
 */
export const RESERVE_LUA = `${HEAD}
local decisionId, want = ARGV[1], tonumber(ARGV[2])
local retention, maxRetention = tonumber(ARGV[3]), tonumber(ARGV[4])
local base = baseOf(KEYS[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local nowText = fmt(now)

local function room(k, limit, window)
  redis.call('ZREMRANGEBYSCORE', KEYS[k], '-inf', fmt(now - window))
  return redis.call('ZCARD', KEYS[k]) < limit
end

local decision = {}
local i = 5
for d = 1, tonumber(ARGV[i]) do
  local k, limit, window = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
  if not room(k, limit, window) then return {now, d, {}, {}} end
  decision[d] = {k, window}
  i = i + 3
end
local decisionMember = decisionId .. '#${DECISION_TAG}'
for _, c in ipairs(decision) do
  c[3] = redis.call('ZADD', KEYS[c[1]], nowText, decisionMember)
end

local granted, denials, record = {}, {}, {}
local expiry, longest = {}, 0
local expStored, expUntil = false, 0
local function took(k, window, tag)
  record[#record + 1] = tag .. '|' .. string.sub(KEYS[k], #base + 1)
  if (expiry[k] or 0) < window then expiry[k] = window end
  if window > longest then longest = window end
end

local nItems = tonumber(ARGV[i + 1])
i = i + 2
for item = 0, nItems - 1 do
  if #granted >= want then break end
  local nc = tonumber(ARGV[i])
  local first, flag = i + 1, i + 1 + nc * 3
  local full = 0
  for c = 1, nc do
    local p = first + (c - 1) * 3
    if not room(tonumber(ARGV[p]), tonumber(ARGV[p + 1]), tonumber(ARGV[p + 2])) then
      full = c
      break
    end
  end
  if full > 0 then
    denials[#denials + 1] = item
    denials[#denials + 1] = full
  else
    granted[#granted + 1] = item
    local tag = tostring(item)
    local member = decisionId .. '#' .. tag
    for c = 1, nc do
      local p = first + (c - 1) * 3
      local k = tonumber(ARGV[p])
      redis.call('ZADD', KEYS[k], nowText, member)
      took(k, tonumber(ARGV[p + 2]), tag)
    end
    if ARGV[flag] == '1' then
      -- an experience shown before keeps its record, redeemed flag included
      redis.call('HSETNX', KEYS[2], ARGV[flag + 1], ARGV[flag + 2])
      expStored = true
      expUntil = math.max(expUntil, tonumber(ARGV[flag + 3]))
    end
  end
  if ARGV[flag] == '1' then i = flag + 4 else i = flag + 1 end
end

for _, c in ipairs(decision) do
  if #granted > 0 then
    took(c[1], c[2], '${DECISION_TAG}')
  elseif c[3] == 1 then
    redis.call('ZREM', KEYS[c[1]], decisionMember)
  end
end

local function indexUntil(suffix, at)
  local current = redis.call('ZSCORE', KEYS[1], suffix)
  if (not current) or tonumber(current) < at then redis.call('ZADD', KEYS[1], fmt(at), suffix) end
end
if #record > 0 then
  for k, window in pairs(expiry) do
    redis.call('PEXPIRE', KEYS[k], window)
    indexUntil(string.sub(KEYS[k], #base + 1), now + window)
  end
  -- in chunks: unpack is bounded by Lua's C stack
  for from = 1, #record, 1000 do
    redis.call('SADD', KEYS[3], unpack(record, from, math.min(from + 999, #record)))
  end
  local keep = math.max(redis.call('PTTL', KEYS[3]), longest)
  redis.call('PEXPIRE', KEYS[3], keep)
  indexUntil(string.sub(KEYS[3], #base + 1), now + keep)
  -- keys past their expiry are gone: drop them from the index, which lives as long as its latest key
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. nowText)
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  if last[2] then redis.call('PEXPIREAT', KEYS[1], last[2]) end
end

if expStored then
  local pttl = redis.call('PTTL', KEYS[2])
  local at = math.max(expUntil, now + retention)
  if pttl > 0 then at = math.max(at, now + pttl) end
  redis.call('PEXPIREAT', KEYS[2], fmt(math.min(at, now + maxRetention)))
end
return {now, 0, granted, denials}
`;

/**
 * `release`. KEYS: the reservation record (`resv:<decisionId>`), the index.
 * ARGV: decisionId. Removes every reservation the record lists from its
 * counter, deletes the record and its index entry. Reply: entries removed.
 */
export const RELEASE_LUA = `${HEAD}
local base = baseOf(KEYS[2])
local n = 0
for _, m in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local bar = string.find(m, '|', 1, true)
  if bar then
    n = n + redis.call('ZREM', base .. string.sub(m, bar + 1), ARGV[1] .. '#' .. string.sub(m, 1, bar - 1))
  end
end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], string.sub(KEYS[1], #base + 1))
return n
`;

/**
 * `redeem`. KEYS: experiences (`exp`), the person's `redeemed` set. ARGV:
 * experienceId, redeemedRetentionMs. Reply: {0} unknown, {1, record} redeemed
 * now, {2, record} redeemed before; the record is `useCase\tofferId\tsku\tflag`.
 * The first redemption adds `useCase\tsku` to the redeemed set and refreshes
 * its expiry, as `markRedeemed` does.
 */
export const REDEEM_LUA = `
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return {0} end
local useCase, sku, flag = string.match(v, '^([^\\t]*)\\t[^\\t]*\\t([^\\t]*)\\t([01])$')
if not useCase then return {0} end
if flag == '1' then return {2, v} end
redis.call('HSET', KEYS[1], ARGV[1], string.sub(v, 1, -2) .. '1')
redis.call('SADD', KEYS[2], useCase .. '\\t' .. sku)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {1, v}
`;
