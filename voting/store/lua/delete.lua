-- Delete a meeting that never received a ballot (a test or a mistake). Once a ballot was accepted the meeting
-- is part of the record: it can only be archived (lua/finalize.lua), never deleted.
-- KEYS: 1 meta, 2 open, 3 log, 4 seen, 5 deadline, 6.. every key of the meeting (the ones above included)
-- Returns {'ok', token of a pending deadline or ''} | {'no_meeting'} | {'open'} | {'voted'}.
if redis.call('EXISTS', KEYS[1]) == 0 then return {'no_meeting'} end
if redis.call('SCARD', KEYS[2]) > 0 then return {'open'} end
if redis.call('XLEN', KEYS[3]) > 0 or redis.call('HLEN', KEYS[4]) > 0 then return {'voted'} end
if redis.call('HGET', KEYS[1], 'status') == 'finalized' then return {'voted'} end
local token = redis.call('HGET', KEYS[5], 'token') or ''
for i = 6, #KEYS do redis.call('DEL', KEYS[i]) end
return {'ok', token}
