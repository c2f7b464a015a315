-- One atomic change to one visitor: applied only if nobody changed the visitor since the caller read
-- it (compare-and-set on its version), together with its due time, the notices it causes (numbered
-- with the site's next sequence number and published) and the notices kept for the history (added
-- to the site's outbox stream).
-- KEYS: visitors, activity, seq, settle, sockets, nodes, outbox
-- ARGV: 1 channel, 2 visitor id, 3 expected version (0: absent),
--       4 'put', 'del' or '' (the visitor stays as it is), 5 new value 'flags|json', 6 last activity,
--       7 most visitors a site may hold, 8 when the visitor next settles (-1: nothing due), 9 now,
--       10 '1' to count the visitor's sockets on every node, '2' to count them and change nothing
--          unless there are none, '0' neither, 11 notices to publish ('' none),
--       12 notices to keep in the outbox ('' none), 13 the outbox's length limit
-- Returns {1, version, visitor sockets reached, seq} | {0, current value or ''} | {-1, visitors}
--       | {2, version, sockets} (called off: the visitor has sockets)
local id = ARGV[2]
local cur = redis.call('HGET', KEYS[1], id)
local ver = 0
if cur then ver = tonumber(string.sub(cur, 1, string.find(cur, '|', 1, true) - 1)) end
if ver ~= tonumber(ARGV[3]) then return {0, cur or ''} end
local reached = 0
if ARGV[10] ~= '0' then
  local now = tonumber(ARGV[9])
  local nodes = redis.call('HGETALL', KEYS[6])
  for i = 1, #nodes, 2 do
    if tonumber(nodes[i + 1]) > now then
      reached = reached + tonumber(redis.call('HGET', KEYS[5], nodes[i] .. '|' .. id) or '0')
    end
  end
  -- A change that holds only while the visitor has no socket: one opened meanwhile calls it off.
  if ARGV[10] == '2' and reached > 0 then return {2, ver, reached} end
end
local op = ARGV[4]
if op == 'put' then
  if ver == 0 then
    local n = redis.call('HLEN', KEYS[1])
    if n >= tonumber(ARGV[7]) then return {-1, n} end
  end
  ver = ver + 1
  redis.call('HSET', KEYS[1], id, ver .. '|' .. ARGV[5])
  redis.call('ZADD', KEYS[2], ARGV[6], id)
  if tonumber(ARGV[8]) >= 0 then redis.call('ZADD', KEYS[4], ARGV[8], id) else redis.call('ZREM', KEYS[4], id) end
elseif op == 'del' then
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[4], id)
  ver = 0
end
local seq
if ARGV[11] ~= '' then
  seq = redis.call('INCR', KEYS[3])
  redis.call('PUBLISH', ARGV[1], seq .. '\nC\n' .. ARGV[11])
else
  seq = tonumber(redis.call('GET', KEYS[3]) or '0')
end
if ARGV[12] ~= '' then
  redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[13], '*', 'k', 'C', 'n', ARGV[12])
end
return {1, ver, reached, seq}
