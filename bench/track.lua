-- wrk script: one site, visitors drawn from a pool of 10,000 ids, 1 page view per 4 heartbeats.
local key = os.getenv("TIPPEN_KEY")
local counter = 0
request = function()
  counter = counter + 1
  local id = "v_" .. math.random(1, 10000)
  local event = (counter % 5 == 0) and "pageview" or "heartbeat"
  local body = '{"event":"' .. event .. '","website":"bench.example","visitor":{"visitorId":"' .. id ..
    '","url":"https://bench.example/p/' .. (counter % 50) .. '","userAgent":"Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0",' ..
    '"timezone":"Europe/Berlin","timestamp":"2026-11-24T10:00:00Z"}}'
  return wrk.format("POST", "/track/visitor", {["Content-Type"] = "application/json", ["X-Tippen-API-Key"] = key}, body)
end
