-- One atomic change to one visitor: applied only if nobody changed the visitor since the caller read
-- it (compare-and-set on its version), together with the invite change that goes with it and the
-- messages it causes, each numbered with the site's next sequence number and published.
-- KEYS: visitors, activity, seq, invites, invite_due, sockets, nodes
-- ARGV: 1 channel, 2 visitor id, 3 expected version (0: absent, -1: unknown, only read),
--       4 new value 'flags|json' ('' leaves the visitor), 5 last activity, 6 most visitors a site may hold,
--       7 invite change ('', 'put', 'del', 'del-if'), 8 the invite (put) or its id (del-if),
--       9 the invite's expiry (put), 10 now, 11... messages ('kind\ntarget\nbody')
-- Returns {1, version, invite changed, visitor sockets reached} | {0, current value or ''} | {-1, visitors}
local id = ARGV[2]
local cur = redis.call('HGET', KEYS[1], id)
local ver = 0
if cur then ver = tonumber(string.sub(cur, 1, string.find(cur, '|', 1, true) - 1)) end
if ver ~= tonumber(ARGV[3]) then return {0, cur or ''} end
if ARGV[4] ~= '' then
  if ver == 0 then
    local n = redis.call('HLEN', KEYS[1])
    if n >= tonumber(ARGV[6]) then return {-1, n} end
  end
  ver = ver + 1
  redis.call('HSET', KEYS[1], id, ver .. '|' .. ARGV[4])
  redis.call('ZADD', KEYS[2], ARGV[5], id)
end
local op = ARGV[7]
local changed = 0
if op == 'put' then
  redis.call('HSET', KEYS[4], id, ARGV[8])
  redis.call('ZADD', KEYS[5], ARGV[9], id)
  changed = 1
elseif op == 'del' or op == 'del-if' then
  local invite = redis.call('HGET', KEYS[4], id)
  if invite and (op == 'del' or string.find(invite, '"inviteId":"' .. ARGV[8] .. '"', 1, true)) then
    redis.call('HDEL', KEYS[4], id)
    redis.call('ZREM', KEYS[5], id)
    changed = 1
  end
end
local reached = 0
if op == 'put' then
  local now = tonumber(ARGV[10])
  local nodes = redis.call('HGETALL', KEYS[7])
  for i = 1, #nodes, 2 do
    if tonumber(nodes[i + 1]) > now then
      reached = reached + tonumber(redis.call('HGET', KEYS[6], nodes[i] .. '|' .. id) or '0')
    end
  end
end
for i = 11, #ARGV do
  local seq = redis.call('INCR', KEYS[3])
  redis.call('PUBLISH', ARGV[1], seq .. '\n' .. ARGV[i])
end
return {1, ver, changed, reached}
