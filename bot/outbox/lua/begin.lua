-- The sender is about to call WeChat: from now on the message may reach the person, so a crash leaves it
-- `uncertain` (claim.lua), never requeued. Only the claim's owner may begin, and only while it holds it.
-- KEYS: 1 due, 2 msgs   ARGV: 1 id, 2 owner, 3 lease ms, 4 channel
local now = now_ms()
local m = load(KEYS[2], ARGV[1])
if m == nil or m.owner ~= ARGV[2] or (m.status ~= 'claimed' and m.status ~= 'sending') then return 0 end
m.status, m.channel, m.attempts, m.lease = 'sending', ARGV[4], (m.attempts or 0) + 1, now + tonumber(ARGV[3])
save(KEYS[2], m, now)
redis.call('ZADD', KEYS[1], m.lease, ARGV[1])
return 1
