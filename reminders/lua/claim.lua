-- Take the next reminder occurrence that is due, under a lease: a process that dies while it delivers leaves
-- it to be taken again when the lease runs out; its messages' idempotency keys keep each delivery single.
-- KEYS: 1 due, 2 reminders   ARGV: 1 owner, 2 lease ms, 3 how many entries to look at
-- Returns {'claimed', JSON} | {'idle', ms until the next due, 0 if none}
local now = now_ms()
for _ = 1, tonumber(ARGV[3]) do
  local id, wait = head(KEYS[1], now)
  if id == nil then return {'idle', wait} end
  local r = load(KEYS[2], id)
  if r == nil or r.status ~= 'scheduled' then
    redis.call('ZREM', KEYS[1], id)
  else
    return lease(KEYS[1], KEYS[2], r, ARGV[1], ARGV[2], now)
  end
end
return {'idle', 0}
