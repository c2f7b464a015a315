-- A visitor socket closed on a node. KEYS: sockets, nodes; ARGV: 1 'node|visitor', 2 visitor, 3 now (ms)
-- Returns how many sockets of the visitor are still open on nodes whose claim has not lapsed.
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
local now = tonumber(ARGV[3])
local left = 0
local nodes = redis.call('HGETALL', KEYS[2])
for i = 1, #nodes, 2 do
  if tonumber(nodes[i + 1]) > now then
    local c = tonumber(redis.call('HGET', KEYS[1], nodes[i] .. '|' .. ARGV[2]) or '0')
    if c > 0 then left = left + c end
  end
end
return left
