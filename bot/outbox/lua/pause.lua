-- WeChat answered 45009 (quota): every process stops sending for a while, longer each time it happens again
-- before a send succeeds (finish.lua resets the level). KEYS: 1 pause, 2 pause level
-- ARGV: 1 first pause ms, 2 longest pause ms. Returns the pause in ms.
local level = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 86400)
local ms = math.min(tonumber(ARGV[2]), tonumber(ARGV[1]) * 2 ^ (level - 1))
redis.call('SET', KEYS[1], level, 'PX', math.floor(ms))
return math.floor(ms)
