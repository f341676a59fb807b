-- Count failed guesses (join codes, the admin token) atomically, so a burst cannot slip past a limit.
-- KEYS: one failure counter per scope (e.g. device, address); ARGV: 1 window in seconds, 2 '1' when the
-- guess was right, 3.. the limit of each counter, in KEYS order.
-- Returns 1 accepted, -1 wrong (counted), 0 refused without looking: a counter had reached its limit.
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') >= tonumber(ARGV[i + 2]) then return 0 end
end
if ARGV[2] == '1' then return 1 end
for _, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then redis.call('EXPIRE', key, ARGV[1]) end
end
return -1
