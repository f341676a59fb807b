-- Add a message unless its idempotency key is known: the same key always names the same message.
-- KEYS: 1 keys (hash idempotency key -> id), 2 msgs, 3 due, 4 all (zset id -> created), 5 meeting index, 6 seq
-- ARGV: 1 idempotency key, 2 message JSON, 3 due (ms; 0 = now)
-- Returns {id, 1 new | 0 existing}
local id = redis.call('HGET', KEYS[1], ARGV[1])
if id then return {id, 0} end
local now = now_ms()
id = tostring(redis.call('INCR', KEYS[6]))
local m = cjson.decode(ARGV[2])
m.id, m.key, m.status, m.attempts, m.retries, m.created = id, ARGV[1], 'queued', 0, 0, now
local due = tonumber(ARGV[3])
if due < now then due = now end
m.due = due
save(KEYS[2], m, now)
redis.call('HSET', KEYS[1], ARGV[1], id)
redis.call('ZADD', KEYS[3], due, id)
redis.call('ZADD', KEYS[4], now, id)
redis.call('ZADD', KEYS[5], now, id)
return {id, 1}
