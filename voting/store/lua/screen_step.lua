-- Move the page held on the projector by one, atomically: the organizer's quick clicks on 下一页 each count
-- (a read in Python and a write after it lost one of three clicks sent together).
-- KEYS: 1 the meeting's screen hash. ARGV: 1 step (1 | -1), 2 number of pages.
-- Returns the page now held (1-based).
local count = tonumber(ARGV[2])
local held = tonumber(redis.call('HGET', KEYS[1], 'page') or '1')
if held > count then held = count end
local page = (held - 1 + tonumber(ARGV[1])) % count + 1
redis.call('HSET', KEYS[1], 'page', page)
return page
