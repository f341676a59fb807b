-- What the organizer may do to one message.
--   cancel: a message not yet being sent becomes `skipped` with the reason (e.g. 已取消);
--   resend: a failed, skipped or uncertain message is queued again, explicitly (never automatically).
-- KEYS: 1 due, 2 msgs   ARGV: 1 action, 2 id, 3 reason
-- Returns {'ok'|'missing'|'state', status}
local now = now_ms()
local m = load(KEYS[2], ARGV[2])
if m == nil then return {'missing', ''} end
if ARGV[1] == 'cancel' then
  if m.status ~= 'queued' and m.status ~= 'claimed' then return {'state', m.status} end
  m.status, m.error, m.owner, m.lease = 'skipped', ARGV[3], nil, nil
  redis.call('ZREM', KEYS[1], ARGV[2])
else
  if m.status ~= 'failed' and m.status ~= 'skipped' and m.status ~= 'uncertain' then
    return {'state', m.status}
  end
  m.last_error = m.error
  m.status, m.error, m.owner, m.lease, m.due, m.retries = 'queued', nil, nil, nil, now, 0
  m.resends = (m.resends or 0) + 1
  redis.call('ZADD', KEYS[1], now, ARGV[2])
end
save(KEYS[2], m, now)
return {'ok', m.status}
