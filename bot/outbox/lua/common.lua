-- Prepended to the outbox's and the reminders' scripts (queue.COMMON_LUA). A record is one JSON value in a hash
-- (id -> JSON) beside a sorted set of due times (id -> ms): when it is due, or when a lease on it runs out.
-- Time is Redis's own clock, the same for every service process.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function load(msgs, id)
  local raw = redis.call('HGET', msgs, id)
  if not raw then return nil end
  return cjson.decode(raw)
end
local function save(msgs, m, now)
  m.updated = now
  redis.call('HSET', msgs, m.id, cjson.encode(m))
end
-- The first entry of a due set: its id when it is due now; else nil and the ms until it is (0: the set is empty).
local function head(due, now)
  local first = redis.call('ZRANGE', due, 0, 0, 'WITHSCORES')
  if #first == 0 then return nil, 0 end
  local at = tonumber(first[2])
  if at > now then return nil, at - now end
  return first[1], 0
end
-- Hand a record to `owner` until now + ms; it stays in the due set, due again when the lease runs out.
local function lease(due, hash, r, owner, ms, now)
  r.owner, r.lease = owner, now + tonumber(ms)
  save(hash, r, now)
  redis.call('ZADD', due, r.lease, r.id)
  return {'claimed', cjson.encode(r)}
end
