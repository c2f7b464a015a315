-- What a socket is greeted with, and the number of the last change it already reflects.
-- KEYS: visitors, activity, seq
-- ARGV: 1 '' for the live visitors (oldest activity first), or a visitor id for that visitor's row
-- Returns {seq, value...}
local seq = redis.call('GET', KEYS[3]) or '0'
if ARGV[1] ~= '' then return {seq, redis.call('HGET', KEYS[1], ARGV[1]) or ''} end
return live_rows(KEYS[1], KEYS[2], {seq})
