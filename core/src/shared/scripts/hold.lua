-- Holds a lane for ARGV[1] ms from the server's now (a longer hold already set stays).
-- KEYS[1]: the hold. Returns the hold's end in the server's ms.
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local ms = tonumber(ARGV[1])
local held = tonumber(redis.call('GET', KEYS[1]))
if held and held >= now + ms then
  return held
end
redis.call('SET', KEYS[1], now + ms, 'PX', ms)
return now + ms
