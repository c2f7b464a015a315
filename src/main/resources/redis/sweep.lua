-- Removes the site's visitors idle past the TTL and tells every node at once: one message 'X' with
-- the removed rows (each node decides from them, by the same rules, what its dashboards hear), a
-- line '--', and the live rows that remain. With an outbox, the removed rows are kept there too, so
-- the history ends their visits. Also forgets visitor-socket counts of nodes that stopped renewing.
-- KEYS: visitors, activity, seq, settle, sockets, nodes, outbox
-- ARGV: 1 channel, 2 now, 3 visitor TTL, 4 '1' to keep the removed rows in the outbox, 5 outbox length limit
-- Returns {next due or -1, visitors removed, visitor ids whose exit or invite is due...}
local now = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - ttl, 'LIMIT', 0, 5000)
local removed = {}
for _, id in ipairs(expired) do
  local row = redis.call('HGET', KEYS[1], id)
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[4], id)
  if row then removed[#removed + 1] = row end
end
if #removed > 0 then
  local rows = live_rows(KEYS[1], KEYS[2], {})
  local seq = redis.call('INCR', KEYS[3])
  redis.call('PUBLISH', ARGV[1], seq .. '\nX\n' .. table.concat(removed, '\n') .. '\n--\n' .. table.concat(rows, '\n'))
  if ARGV[4] == '1' then
    redis.call('XADD', KEYS[7], 'MAXLEN', '~', ARGV[5], '*', 'k', 'X', 'n', table.concat(removed, '\n'))
  end
end
local nodes = redis.call('HGETALL', KEYS[6])
for i = 1, #nodes, 2 do
  if tonumber(nodes[i + 1]) < now then
    local prefix = nodes[i] .. '|'
    for _, field in ipairs(redis.call('HKEYS', KEYS[5])) do
      if string.sub(field, 1, #prefix) == prefix then redis.call('HDEL', KEYS[5], field) end
    end
    redis.call('HDEL', KEYS[6], nodes[i])
  end
end
local due = -1
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if #first > 0 then due = tonumber(first[2]) + ttl end
local settle = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
if #settle > 0 and (due < 0 or tonumber(settle[2]) < due) then due = tonumber(settle[2]) end
if due < 0 and redis.call('HLEN', KEYS[6]) > 0 then due = now + ttl end
local out = {due, #removed}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, 1000)) do
  out[#out + 1] = id
end
return out
