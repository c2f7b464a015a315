-- Revokes keys: every unrevoked key of a site (optionally of one role), or the key with one hash.
-- A key row is JSON without "revokedAt" until revoked. Optionally adds a new key in the same step.
-- KEYS: keys, version; ARGV: 1 site id or '', 2 key hash or '', 3 role or '', 4 now, 5 new key hash, 6 its row
local n = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local row = all[i + 1]
  local match = (ARGV[1] ~= '' and string.find(row, '"siteId":"' .. ARGV[1] .. '"', 1, true) ~= nil)
      or (ARGV[2] ~= '' and all[i] == ARGV[2])
  if match and ARGV[3] ~= '' then match = string.find(row, '"role":"' .. ARGV[3] .. '"', 1, true) ~= nil end
  if match and not string.find(row, '"revokedAt"', 1, true) then
    redis.call('HSET', KEYS[1], all[i], string.sub(row, 1, -2) .. ',"revokedAt":' .. ARGV[4] .. '}')
    n = n + 1
  end
end
if ARGV[5] and ARGV[5] ~= '' then redis.call('HSET', KEYS[1], ARGV[5], ARGV[6]) end
if n > 0 or (ARGV[5] and ARGV[5] ~= '') then redis.call('INCR', KEYS[2]) end
return n
