-- An agent's line is freed if it still points at the call that ended. KEYS[1] the line; ARGV[1] the call.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
