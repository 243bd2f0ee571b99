-- Admits one call under every quota it falls under, or answers how long to wait.
-- KEYS: for each lane its log (a sorted set of the calls admitted within its longest
--       window, scored by the server's time in ms), then for each lane its theoretical
--       arrival time (GCRA: spaces the calls of its shortest window out), then the holds
--       (the server time in ms until which the platform throttles the endpoint or subject).
-- ARGV: the number of lanes, this call's member (unique), the jitter in ms added to a
--       hold's end, then for each lane: its GCRA interval and burst tolerance in ms, its
--       number of windows and (limit, span in ms) each.
-- Returns 0 when admitted (the call is counted in every lane), else the wait in ms.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local lanes = tonumber(ARGV[1])
local wait = 0
for i = 2 * lanes + 1, #KEYS do
  local held = tonumber(redis.call('GET', KEYS[i]))
  if held and held > now then
    wait = math.max(wait, held - now + tonumber(ARGV[3]))
  end
end
local at = 4
local longest = {}
local arrival = {}
local interval = {}
for i = 1, lanes do
  interval[i] = tonumber(ARGV[at])
  local tolerance = tonumber(ARGV[at + 1])
  local windows = tonumber(ARGV[at + 2])
  at = at + 3
  arrival[i] = math.max(tonumber(redis.call('GET', KEYS[lanes + i])) or now, now)
  if arrival[i] - now > tolerance then
    wait = math.max(wait, arrival[i] - now - tolerance)
  end
  longest[i] = 1
  for _ = 1, windows do
    local limit = tonumber(ARGV[at])
    local span = tonumber(ARGV[at + 1])
    at = at + 2
    longest[i] = math.max(longest[i], span)
    local since = '(' .. (now - span)
    local used = redis.call('ZCOUNT', KEYS[i], since, '+inf')
    if used >= limit then
      local leaving = redis.call('ZRANGEBYSCORE', KEYS[i], since, '+inf', 'WITHSCORES', 'LIMIT', used - limit, 1)
      wait = math.max(wait, tonumber(leaving[2]) + span - now)
    end
  end
end
if wait > 0 then
  return wait
end
for i = 1, lanes do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - longest[i])
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], longest[i])
  local next_arrival = arrival[i] + interval[i]
  redis.call('SET', KEYS[lanes + i], next_arrival, 'PX', next_arrival - now + 1000)
end
return 0
