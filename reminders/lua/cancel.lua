-- The organizer cancels a reminder: no further occurrence. The owner of a running occurrence is kept, so that
-- its advance sees the cancellation. KEYS: 1 due, 2 reminders   ARGV: 1 id
-- Returns {'ok'|'missing'|'state', status}
local now = now_ms()
local r = load(KEYS[2], ARGV[1])
if r == nil then return {'missing', ''} end
if r.status ~= 'scheduled' then return {'state', r.status} end
r.status, r.cancelled_at, r.next_at = 'cancelled', now, nil
save(KEYS[2], r, now)
redis.call('ZREM', KEYS[1], ARGV[1])
return {'ok', 'cancelled'}
