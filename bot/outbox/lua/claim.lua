-- Take the next message that is due, for one sender (ARGV owner), under a lease; at most `rate` per second
-- across every process (a token bucket). On the way, leases that ran out are settled:
--   claimed (the process died before sending): taken again, i.e. requeued;
--   sending (the process died while the request may have reached WeChat): `uncertain`, never resent.
-- KEYS: 1 due, 2 msgs, 3 pause (string with a TTL while WeChat's quota is exhausted), 4 rate (hash tokens, at)
-- ARGV: 1 owner, 2 lease ms, 3 rate per second, 4 burst, 5 how many entries to look at
-- Returns {'claimed', JSON} | {'pause', ms} | {'rate', ms} | {'idle', ms until the next due, 0 if none}
local FINAL = {sent = true, failed = true, skipped = true, uncertain = true}
local now = now_ms()
local paused = redis.call('PTTL', KEYS[3])
if paused > 0 then return {'pause', paused} end
local rate, burst = tonumber(ARGV[3]), tonumber(ARGV[4])
local bucket = redis.call('HMGET', KEYS[4], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or burst
local since = now - (tonumber(bucket[2]) or now)
if since < 0 then since = 0 end
tokens = math.min(burst, tokens + since * rate / 1000)
for _ = 1, tonumber(ARGV[5]) do
  local id, wait = head(KEYS[1], now)
  if id == nil then return {'idle', wait} end
  local m = load(KEYS[2], id)
  if m == nil or FINAL[m.status] then
    redis.call('ZREM', KEYS[1], id)
  elseif m.status == 'sending' then
    m.status = 'uncertain'
    m.error = '发送过程中服务中断，消息可能已送达微信；为免重复未自动重发，请核实后决定是否重发'
    m.lease = nil        -- the owner is kept: should it be alive after all, its real outcome still counts
    save(KEYS[2], m, now)
    redis.call('ZREM', KEYS[1], id)
  else
    if tokens < 1 then return {'rate', math.ceil((1 - tokens) * 1000 / rate)} end
    redis.call('HSET', KEYS[4], 'tokens', tostring(tokens - 1), 'at', now)
    if m.status == 'claimed' then m.requeued = (m.requeued or 0) + 1 end
    m.status = 'claimed'
    return lease(KEYS[1], KEYS[2], m, ARGV[1], ARGV[2], now)
  end
end
return {'idle', 0}
