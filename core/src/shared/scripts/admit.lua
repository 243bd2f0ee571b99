-- Reserves the earliest instant at which one call fits every quota it falls under, in
-- the order callers ask (no caller is overtaken, none polls), or refuses when that instant
-- is further away than the caller can wait.
-- KEYS: for each lane its log (a sorted set of the calls reserved within its longest
--       window, scored by the server's time in ms, some of them in the future), then for
--       each lane its theoretical arrival time (GCRA: spaces the calls of its shortest
--       window out), then the holds (the server time in ms until which the platform
--       throttles the endpoint or subject).
-- ARGV: the number of lanes, this call's member (unique), the jitter in ms added to a
--       hold's end, the longest wait in ms the caller accepts, then for each lane: its GCRA
--       interval and burst tolerance in ms, its number of windows and (limit, span in ms)
--       each.
-- Returns {reserved, wait}: reserved is 1 when the call is counted in every lane at
-- now + wait (the caller sends then), 0 when wait exceeds the longest wait accepted.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local lanes = tonumber(ARGV[1])
local longest_wait = tonumber(ARGV[4])
local at = now
for i = 2 * lanes + 1, #KEYS do
  local held = tonumber(redis.call('GET', KEYS[i]))
  if held and held > now then
    at = math.max(at, held + tonumber(ARGV[3]))
  end
end
local arg = 5
local longest = {}
local arrival = {}
local interval = {}
for i = 1, lanes do
  interval[i] = tonumber(ARGV[arg])
  local tolerance = tonumber(ARGV[arg + 1])
  local windows = tonumber(ARGV[arg + 2])
  arg = arg + 3
  arrival[i] = math.max(tonumber(redis.call('GET', KEYS[lanes + i])) or now, now)
  at = math.max(at, arrival[i] - tolerance)
  longest[i] = 1
  for _ = 1, windows do
    local limit = tonumber(ARGV[arg])
    local span = tonumber(ARGV[arg + 1])
    arg = arg + 2
    longest[i] = math.max(longest[i], span)
    -- A window of `span` ending at `at` holds only calls scored after at - span; with the
    -- limit-th latest call at least `span` before `at`, it has room (future calls included).
    local kth = redis.call('ZREVRANGE', KEYS[i], limit - 1, limit - 1, 'WITHSCORES')
    if kth[2] then
      at = math.max(at, tonumber(kth[2]) + span)
    end
  end
end
local wait = at - now
if wait > longest_wait then
  return {0, wait}
end
for i = 1, lanes do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - longest[i])
  redis.call('ZADD', KEYS[i], at, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], wait + longest[i])
  local next_arrival = math.max(arrival[i], at) + interval[i]
  redis.call('SET', KEYS[lanes + i], next_arrival, 'PX', next_arrival - now + 1000)
end
return {1, wait}
