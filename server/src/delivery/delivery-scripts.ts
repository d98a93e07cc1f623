// The Lua scripts of delivery. Each touches one channel's keys (and, for
// enqueue, the once marker): one step per call, so two server instances
// never both enqueue a retried trigger, claim one experience or move one
// deferred entry.

/** KEYS: once marker, stream. ARGV: once ttl ms, then field, value… Reply: the entry id, or false when enqueued before. */
export const ENQUEUE_LUA = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return false end
return redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
`;

/**
 * Claims an experience for one entry. KEYS: the sent key. ARGV: entry id,
 * window ms. Reply 1 when the entry may deliver it (first claim, or the same
 * entry again), 0 when another entry delivered it within the window.
 */
export const CLAIM_LUA = `
local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then return 1 end
return 0
`;

/**
 * Settles an entry that was not delivered. KEYS: stream, later, dead.
 * ARGV: group, id, mode ("drop", "defer" or "dead"), retry-at ms (defer) or
 * reason (dead), the sent-key prefix (`<stream>:sent:`), the dead stream's
 * length bound. Gives up the entry's experience claim if it holds it, then
 * drops it, moves it to the deferred set or to the dead-letter stream; acks
 * and deletes it. Reply: the entry's fields (empty when it was gone).
 */
export const SETTLE_LUA = `
local r = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
if #r == 0 then return {} end
local fields = r[1][2]
for i = 1, #fields, 2 do
  if fields[i] == 'x' then
    local sent = ARGV[5] .. fields[i + 1]
    if redis.call('GET', sent) == ARGV[2] then redis.call('DEL', sent) end
  end
end
if ARGV[3] == 'defer' then
  redis.call('ZADD', KEYS[2], ARGV[4], cmsgpack.pack(fields))
elseif ARGV[3] == 'dead' then
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[6], '*', 'reason', ARGV[4], 'id', ARGV[2], unpack(fields))
end
redis.call('XDEL', KEYS[1], ARGV[2])
return fields
`;

/** Offers due deferred entries again. KEYS: later, stream. ARGV: now ms, max. Reply: how many moved. */
export const MOVE_DUE_LUA = `
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
for _, m in ipairs(due) do
  redis.call('XADD', KEYS[2], '*', unpack(cmsgpack.unpack(m)))
  redis.call('ZREM', KEYS[1], m)
end
return #due
`;

/** Acks and deletes delivered entries. KEYS: stream. ARGV: group, ids… Reply: how many were pending. */
export const FINISH_LUA = `
local n = redis.call('XACK', KEYS[1], ARGV[1], unpack(ARGV, 2))
redis.call('XDEL', KEYS[1], unpack(ARGV, 2))
return n
`;
