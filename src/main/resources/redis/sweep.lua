-- Removes the site's visitors idle past the TTL, with their invites, and tells every node at once:
-- one message 'X' with the removed ids and flags on its first line and the remaining live rows after.
-- Also forgets visitor-socket counts of nodes that stopped renewing them.
-- KEYS: visitors, activity, seq, invites, invite_due, sockets, nodes
-- ARGV: 1 channel, 2 now, 3 visitor TTL
-- Returns {next due or -1, visitors removed, (visitor id, invite)... of invites past their expiry}
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - ttl, 'LIMIT', 0, 5000)
local removed = {}
local anyLive = false
for _, id in ipairs(expired) do
  local row = redis.call('HGET', KEYS[1], id)
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[4], id)
  redis.call('ZREM', KEYS[5], id)
  local flags = '--'
  if row then
    local bar = string.find(row, '|', 1, true)
    flags = string.sub(row, bar + 1, bar + 2)
  end
  if string.sub(flags, 1, 1) == 'l' then anyLive = true end
  removed[#removed + 1] = id .. ' ' .. flags
end
if anyLive then
  local rows = live_rows(KEYS[1], KEYS[2], {})
  local seq = redis.call('INCR', KEYS[3])
  redis.call('PUBLISH', ARGV[1], seq .. '\nX\n\n' .. table.concat(removed, ' ') .. '\n' .. table.concat(rows, '\n'))
end
local nodes = redis.call('HGETALL', KEYS[7])
for i = 1, #nodes, 2 do
  if tonumber(nodes[i + 1]) < now then
    local prefix = nodes[i] .. '|'
    for _, field in ipairs(redis.call('HKEYS', KEYS[6])) do
      if string.sub(field, 1, #prefix) == prefix then redis.call('HDEL', KEYS[6], field) end
    end
    redis.call('HDEL', KEYS[7], nodes[i])
  end
end
local due = -1
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #first > 0 then due = tonumber(first[2]) + ttl end
local invite = redis.call('ZRANGE', KEYS[5], 0, 0, 'WITHSCORES')
if #invite > 0 and (due < 0 or tonumber(invite[2]) < due) then due = tonumber(invite[2]) end
if due < 0 and redis.call('HLEN', KEYS[7]) > 0 then due = now + ttl end
local out = {due, #removed}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now, 'LIMIT', 0, 1000)) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[4], id) or ''
end
return out
