-- A new reminder. KEYS: 1 reminders (hash id -> JSON), 2 due, 3 seq, 4 all, 5 meeting index
-- ARGV: 1 JSON, 2 first occurrence (ms). Returns the id.
local now = now_ms()
local id = tostring(redis.call('INCR', KEYS[3]))
local r = cjson.decode(ARGV[1])
r.id, r.status, r.fired, r.created, r.next_at = id, 'scheduled', 0, now, tonumber(ARGV[2])
save(KEYS[1], r, now)
redis.call('ZADD', KEYS[2], r.next_at, id)
redis.call('ZADD', KEYS[4], now, id)
redis.call('ZADD', KEYS[5], now, id)
return id
