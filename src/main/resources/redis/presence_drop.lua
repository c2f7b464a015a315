-- A visitor socket closed on a node. KEYS: sockets; ARGV: 1 'node|visitor'
local n = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
if n <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return n
