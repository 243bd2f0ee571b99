-- The next sequence of a card: one more than both the stored one and ARGV[1] (what the
-- caller last used). KEYS[1]: the counter; ARGV[2]: its lifetime in seconds.
local n = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[1])
if n <= floor then
  n = floor + 1
  redis.call('SET', KEYS[1], n)
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return n
