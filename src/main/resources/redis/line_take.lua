-- An agent's line moves from a call that is over to a new one, unless it moved meanwhile.
-- KEYS[1] the line; ARGV[1] the call it pointed at; ARGV[2] the new call. Returns 1 if moved.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2])
  return 1
end
return 0
