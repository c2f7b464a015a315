-- Shared by every script (prepended when a script is loaded).

-- The live rows of a site (visitors whose flags start with 'l'), oldest activity first.
-- HMGET goes in chunks: unpack() of a whole large site would overflow Lua's stack.
local function live_rows(visitors, activity, out)
  local ids = redis.call('ZRANGE', activity, 0, -1)
  for i = 1, #ids, 500 do
    local rows = redis.call('HMGET', visitors, unpack(ids, i, math.min(i + 499, #ids)))
    for _, row in ipairs(rows) do
      if row then
        local bar = string.find(row, '|', 1, true)
        if string.sub(row, bar + 1, bar + 1) == 'l' then out[#out + 1] = row end
      end
    end
  end
  return out
end
