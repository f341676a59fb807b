-- After an occurrence (or a postponement): the next one, or done. Only the claim's owner may advance; a
-- reminder cancelled meanwhile stays cancelled and says so, so that its owner cancels what it just queued.
-- KEYS: 1 due, 2 reminders   ARGV: 1 id, 2 owner, 3 JSON {fired?, next_ms (0: done), done_reason?, note?}
-- Returns 'ok' | 'cancelled' | 'lost'
local now = now_ms()
local r = load(KEYS[2], ARGV[1])
if r == nil or r.owner ~= ARGV[2] then return 'lost' end
if r.status == 'cancelled' then
  redis.call('ZREM', KEYS[1], ARGV[1])
  return 'cancelled'
end
local o = cjson.decode(ARGV[3])
r.owner, r.lease = nil, nil
if o.fired then r.fired, r.last_at = tonumber(o.fired), now end
if o.note then r.note = o.note end
local nxt = tonumber(o.next_ms) or 0
if nxt > 0 then
  r.next_at = nxt
  redis.call('ZADD', KEYS[1], nxt, ARGV[1])
else
  r.status, r.next_at, r.done_reason = 'done', nil, o.done_reason
  redis.call('ZREM', KEYS[1], ARGV[1])
end
save(KEYS[2], r, now)
return 'ok'
