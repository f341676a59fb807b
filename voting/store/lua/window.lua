-- Open or close voting windows. A closed secretary never reopens: after close nothing changes.
-- KEYS: 1 meta, 2 sids, 3 open, 4 closed
-- ARGV: 1 'open'|'close', 2 secretary id or '' for every secretary, 3 live channel
-- Returns {status, number of windows changed | the secretary already open}.
if redis.call('EXISTS', KEYS[1]) == 0 then return {'no_meeting'} end
if redis.call('HGET', KEYS[1], 'status') == 'finalized' then return {'finalized'} end
local action, sid, changed = ARGV[1], ARGV[2], 0
if sid ~= '' and redis.call('SISMEMBER', KEYS[2], sid) == 0 then return {'no_secretary'} end

if action == 'open' then
  if sid == '' then
    for _, s in ipairs(redis.call('SMEMBERS', KEYS[2])) do
      if redis.call('SISMEMBER', KEYS[4], s) == 0 then changed = changed + redis.call('SADD', KEYS[3], s) end
    end
  else
    if redis.call('SISMEMBER', KEYS[4], sid) == 1 then return {'closed'} end
    if redis.call('SISMEMBER', KEYS[3], sid) == 1 then return {'ok', 0} end
    -- 一述一评 (004 §六(三)): one secretary at a time, unless the organizer opens all at once.
    if redis.call('HGET', KEYS[1], 'mode') == 'sequential' and redis.call('SCARD', KEYS[3]) > 0 then
      return {'busy', redis.call('SRANDMEMBER', KEYS[3])}
    end
    changed = redis.call('SADD', KEYS[3], sid)
  end
else
  if sid == '' then
    for _, s in ipairs(redis.call('SMEMBERS', KEYS[3])) do
      changed = changed + redis.call('SADD', KEYS[4], s)
    end
    redis.call('DEL', KEYS[3])
  else
    if redis.call('SISMEMBER', KEYS[4], sid) == 1 then return {'ok', 0} end
    if redis.call('SISMEMBER', KEYS[3], sid) == 0 then return {'not_open'} end
    redis.call('SREM', KEYS[3], sid)
    changed = redis.call('SADD', KEYS[4], sid)
  end
end
if changed > 0 then redis.call('PUBLISH', ARGV[3], 'window') end
return {'ok', changed}
