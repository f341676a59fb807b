-- The scheduled close of open voting windows (docs/design.md §3 "schedules"): set, clear, or fire one deadline.
-- Closing is final (lua/window.lua), so firing happens at most once: only the deadline that is still current
-- (same token) and due (by Redis's own clock) closes anything, and firing deletes it in the same step.
-- KEYS: 1 meta, 2 open, 3 closed, 4 deadline (hash: at_ms, token, sids as JSON)
-- ARGV 'set':   1 'set', 2 token, 3 at_ms, 4 secretary id or '' (every window open now), 5 live channel
--               -> {'ok', previous token or '', JSON of the targets} | {'no_meeting'|'finalized'|'none_open'|'not_open'|'past'}
-- ARGV 'clear': 1 'clear', 2 live channel -> {'ok', previous token or ''}
-- ARGV 'fire':  1 'fire', 2 token, 3 live channel -> {'ok', windows closed} | {'stale'} | {'early'}
redis.replicate_commands()
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local action = ARGV[1]

if action == 'fire' then
  if redis.call('HGET', KEYS[4], 'token') ~= ARGV[2] then return {'stale'} end
  if tonumber(redis.call('HGET', KEYS[4], 'at_ms')) > now then return {'early'} end
  local changed = 0
  for _, sid in ipairs(cjson.decode(redis.call('HGET', KEYS[4], 'sids'))) do
    if redis.call('SREM', KEYS[2], sid) == 1 then
      changed = changed + redis.call('SADD', KEYS[3], sid)
    end
  end
  redis.call('DEL', KEYS[4])
  redis.call('PUBLISH', ARGV[3], 'deadline')
  return {'ok', changed}
end

local previous = redis.call('HGET', KEYS[4], 'token') or ''
if action == 'clear' then
  if redis.call('DEL', KEYS[4]) == 1 then redis.call('PUBLISH', ARGV[2], 'window') end
  return {'ok', previous}
end

if redis.call('EXISTS', KEYS[1]) == 0 then return {'no_meeting'} end
if redis.call('HGET', KEYS[1], 'status') == 'finalized' then return {'finalized'} end
if tonumber(ARGV[3]) <= now then return {'past'} end
local targets = {}
if ARGV[4] == '' then
  targets = redis.call('SMEMBERS', KEYS[2])
  if #targets == 0 then return {'none_open'} end
  table.sort(targets)
else
  if redis.call('SISMEMBER', KEYS[2], ARGV[4]) == 0 then return {'not_open'} end
  targets = {ARGV[4]}
end
local sids = cjson.encode(targets)
redis.call('DEL', KEYS[4])
redis.call('HSET', KEYS[4], 'at_ms', ARGV[3], 'token', ARGV[2], 'sids', sids)
redis.call('PUBLISH', ARGV[5], 'window')
return {'ok', previous, sids}
