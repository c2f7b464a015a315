-- The sweep lease: taken if free, renewed if this node holds it. KEYS: lease; ARGV: 1 node, 2 lease ms
-- Returns 1 while this node holds it.
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
