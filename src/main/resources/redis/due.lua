-- After a sweep, moves the site to its next due time, unless it was moved meanwhile: a new visitor or
-- invite only ever moves it earlier, and that must stand. -1 takes the site out of the index.
-- KEYS: the due index; ARGV: 1 site, 2 the score the sweep started from, 3 next due or -1
local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not cur or tonumber(cur) ~= tonumber(ARGV[2]) then return 0 end
if tonumber(ARGV[3]) < 0 then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return -1
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
