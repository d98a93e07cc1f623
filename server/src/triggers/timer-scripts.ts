import { TRIGGER_KINDS } from "./trigger-config.js";

/**
 * The timer store's Lua (see redis-timer-store.ts and the key schema in
 * server/src/profile/README.md). Times travel as decimal strings.
 */

/**
 * The timer changes of several people, each person's in order, in one call
 * (the profile consumer applies a slice of people at once; one script call per
 * person cost more than the changes themselves). KEYS[1] the schedule; ARGV[1]
 * the key prefix (the SKU sets' names are built here from the person ids, as
 * in POP_DUE_LUA: one Redis, not Cluster), ARGV[2] the SKU sets' retention
 * after their due time (or now, when that is later; Redis TIME) in ms, ARGV[3]
 * `[[personId, change, …], …]` as JSON, each change `[kindIndex (1-based),
 * "cancel"]` or `[kindIndex, "set", dueMs, later 0|1, [sku, atMs, …] adds,
 * [sku…] removes, replace 0|1, maxSkus, cancelWhenEmpty 0|1, unlessLiveIndex
 * (0 none)]`. Replies with the number of changes applied.
 */
export const APPLY_LUA = `
local schedule = KEYS[1]
local prefix = ARGV[1]
local retention = tonumber(ARGV[2])
local kinds = {${TRIGGER_KINDS.map((k) => `'${k}'`).join(", ")}}
local nowMs = nil
local applied = 0
for _, p in ipairs(cjson.decode(ARGV[3])) do
  local person = p[1]
  for j = 2, #p do
    local c = p[j]
    local k = c[1]
    local member = kinds[k] .. '\\t' .. person
    local skus = prefix .. '{u:' .. person .. '}:timer:' .. kinds[k]
    if c[2] == 'cancel' then
      redis.call('ZREM', schedule, member)
      redis.call('DEL', skus)
    elseif c[10] == 0 or not redis.call('ZSCORE', schedule, kinds[c[10]] .. '\\t' .. person) then
      if c[7] == 1 then redis.call('DEL', skus) end
      local removes = c[6]
      if #removes > 0 then redis.call('ZREM', skus, unpack(removes)) end
      local adds = c[5]
      for i = 1, #adds, 2 do redis.call('ZADD', skus, 'GT', adds[i + 1], adds[i]) end
      local max = c[8]
      redis.call('ZREMRANGEBYRANK', skus, 0, -(max + 1))
      if c[9] == 1 and redis.call('ZCARD', skus) == 0 then
        redis.call('ZREM', schedule, member)
      else
        -- the due time now on the schedule: the one given, unless GT kept a later one
        local due = nil
        if c[4] == 1 then
          if redis.call('ZADD', schedule, 'GT', 'CH', c[3], member) == 1 then due = c[3] end
        else
          redis.call('ZADD', schedule, c[3], member)
          due = c[3]
        end
        -- after adds, the trim keeps max >= 1 of them: the set exists
        if (#adds > 0 and max >= 1) or redis.call('EXISTS', skus) == 1 then
          due = due or tonumber(redis.call('ZSCORE', schedule, member))
          if not nowMs then
            local now = redis.call('TIME')
            nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
          end
          redis.call('PEXPIREAT', skus, string.format('%d', math.max(due, nowMs) + retention))
        end
      end
    end
    applied = applied + 1
  end
end
return applied
`;

/**
 * Takes due timers off the schedule and appends each to the fired stream, in
 * one script, so two pollers never take the same timer. KEYS[1] the
 * schedule, KEYS[2] the fired stream; ARGV[1] the key prefix, ARGV[2] now
 * (ms), ARGV[3] the most to take. The SKU sets' names are built here from the
 * members (one Redis, not Cluster: see the README).
 */
export const POP_DUE_LUA = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
for i = 1, #due, 2 do
  local member = due[i]
  local at = due[i + 1]
  redis.call('ZREM', KEYS[1], member)
  local tab = string.find(member, '\\t', 1, true)
  local kind = string.sub(member, 1, tab - 1)
  local person = string.sub(member, tab + 1)
  local key = ARGV[1] .. '{u:' .. person .. '}:timer:' .. kind
  local skus = redis.call('ZREVRANGE', key, 0, -1)
  redis.call('DEL', key)
  local encoded = '[]'
  if #skus > 0 then encoded = cjson.encode(skus) end
  redis.call('XADD', KEYS[2], '*', 'id', kind .. ':' .. person .. ':' .. at,
    'kind', kind, 'person', person, 'due', at, 'skus', encoded)
end
return #due / 2
`;

/**
 * Takes over entries pending at least the idle time (XAUTOCLAIM) and moves
 * those delivered more than maxDeliveries times to the dead-letter stream.
 * KEYS[1] the fired stream, KEYS[2] the dead-letter stream; ARGV[1] group,
 * ARGV[2] consumer, ARGV[3] min idle ms, ARGV[4] count, ARGV[5] max
 * deliveries, ARGV[6] dead-letter max length. Reply: `{claimed, dead}`, each
 * a list of `{id, fields, deliveries}`.
 */
export const CLAIM_LUA = `
local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], '0-0', 'COUNT', tonumber(ARGV[4]))
local claimed = {}
local dead = {}
local max = tonumber(ARGV[5])
for _, e in ipairs(r[2]) do
  local id = e[1]
  local fields = e[2]
  if not fields then
    -- deleted while pending (Redis 6.2 still lists it): nothing to process
    redis.call('XACK', KEYS[1], ARGV[1], id)
  else
    local p = redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1)
    local n = 1
    if p[1] then n = p[1][4] end
    if n > max then
      local args = {'XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*'}
      for i = 1, #fields do args[#args + 1] = fields[i] end
      args[#args + 1] = 'reason'
      args[#args + 1] = 'not processed after ' .. max .. ' deliveries'
      args[#args + 1] = 'from'
      args[#args + 1] = id
      redis.call(unpack(args))
      redis.call('XACK', KEYS[1], ARGV[1], id)
      redis.call('XDEL', KEYS[1], id)
      dead[#dead + 1] = {id, fields, n}
    else
      claimed[#claimed + 1] = {id, fields, n}
    end
  end
end
return {claimed, dead}
`;

/** Acknowledges entries and deletes them from the stream. KEYS[1] the stream; ARGV[1] group, ARGV[2..] ids. */
export const ACK_LUA = `
local ids = {}
for i = 2, #ARGV do ids[#ids + 1] = ARGV[i] end
local n = redis.call('XACK', KEYS[1], ARGV[1], unpack(ids))
redis.call('XDEL', KEYS[1], unpack(ids))
return n
`;
