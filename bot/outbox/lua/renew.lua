-- Extend the leases of the messages this process is still working on (a heartbeat while WeChat answers slowly).
-- KEYS: 1 due, 2 msgs   ARGV: 1 owner, 2 lease ms, 3... ids
local now = now_ms()
local kept = 0
for i = 3, #ARGV do
  local m = load(KEYS[2], ARGV[i])
  if m ~= nil and m.owner == ARGV[1] and (m.status == 'claimed' or m.status == 'sending') then
    m.lease = now + tonumber(ARGV[2])
    save(KEYS[2], m, now)
    redis.call('ZADD', KEYS[1], m.lease, ARGV[i])
    kept = kept + 1
  end
end
return kept
