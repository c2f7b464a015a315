-- A node's whole claim on one site, after Redis came back (it may have missed closes meanwhile):
-- its old counts go, its current ones are written, and its lapse time is renewed.
-- KEYS: sockets, nodes; ARGV: 1 node, 2 lapse time, then (visitor id, sockets) pairs
local prefix = ARGV[1] .. '|'
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, 1, #prefix) == prefix then redis.call('HDEL', KEYS[1], field) end
end
for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], prefix .. ARGV[i], ARGV[i + 1]) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1
