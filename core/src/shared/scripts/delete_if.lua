-- Deletes KEYS[1] only while its field ARGV[1] still holds ARGV[2] (compare-and-delete).
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('DEL', KEYS[1])
end
return 0
