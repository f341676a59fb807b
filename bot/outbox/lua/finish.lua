-- The outcome of a claim, written only by its owner (a resend or a cancel by the organizer takes the message
-- away). A final status leaves the queue; `queued` puts it back with a delay (retry, pause, quiet hours).
-- KEYS: 1 due, 2 msgs, 3 pause level (string, reset by a successful send)
-- ARGV: 1 id, 2 owner, 3 outcome JSON {status, error?, note?, delay_ms?, retry?: true}
local now = now_ms()
local m = load(KEYS[2], ARGV[1])
if m == nil or m.owner ~= ARGV[2] then return 0 end
local o = cjson.decode(ARGV[3])
m.owner, m.lease, m.error = nil, nil, o.error
if o.note then m.note = o.note end
if o.retry then m.retries = (m.retries or 0) + 1 end
if o.status == 'queued' then
  m.status, m.due = 'queued', now + (tonumber(o.delay_ms) or 0)
  redis.call('ZADD', KEYS[1], m.due, ARGV[1])
else
  m.status = o.status
  if o.status == 'sent' then
    m.sent_at = now
    redis.call('DEL', KEYS[3])
  end
  redis.call('ZREM', KEYS[1], ARGV[1])
end
save(KEYS[2], m, now)
return 1
