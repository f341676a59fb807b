-- Cast one ballot atomically (docs/design.md §3). All keys share the meeting's hash tag.
-- KEYS: 1 meta, 2 sids, 3 open, 4 closed, 5 voters, 6 ballots, 7 seen, 8 tally, 9 voted, 10 turnout, 11 log
-- ARGV: 1 voter key, 2 secretary id, 3 score, 4 ballot_id, 5 problems, 6 suggestions, 7 live channel
-- Returns {status, votes of the secretary, previous score or ''}.
if redis.call('EXISTS', KEYS[1]) == 0 then return {'no_meeting'} end
local seen = redis.call('HGET', KEYS[7], ARGV[4])
if seen then return {'duplicate', redis.call('HGET', KEYS[8], seen .. '|n') or '0', ''} end
if redis.call('HGET', KEYS[1], 'status') == 'finalized' then return {'finalized'} end
local group = redis.call('HGET', KEYS[5], ARGV[1])
if not group then return {'not_eligible'} end
local sid = ARGV[2]
if redis.call('SISMEMBER', KEYS[3], sid) == 0 then
  if redis.call('SISMEMBER', KEYS[4], sid) == 1 then return {'closed'} end
  if redis.call('SISMEMBER', KEYS[2], sid) == 1 then return {'not_open'} end
  return {'no_secretary'}
end

local field = ARGV[1] .. ':' .. sid
local prev = redis.call('HGET', KEYS[6], field)
local prev_score = ''
if prev then
  prev_score = cjson.decode(prev)[1]
  redis.call('HINCRBY', KEYS[8], sid .. '|' .. group .. '|' .. prev_score, -1)
else
  redis.call('HINCRBY', KEYS[8], sid .. '|n', 1)
end
redis.call('HSET', KEYS[6], field, cjson.encode({ARGV[3], ARGV[5], ARGV[6]}))
redis.call('HINCRBY', KEYS[8], sid .. '|' .. group .. '|' .. ARGV[3], 1)
if redis.call('SADD', KEYS[9], ARGV[1]) == 1 then
  redis.call('HINCRBY', KEYS[10], group, 1)
end
-- The log entry says what changed, never who: replaying it (+score, -prev) rebuilds the tally.
redis.call('XADD', KEYS[11], '*', 'sid', sid, 'group', group, 'score', ARGV[3], 'prev', prev_score,
           'problems', ARGV[5], 'suggestions', ARGV[6])
redis.call('HSET', KEYS[7], ARGV[4], sid)
redis.call('PUBLISH', ARGV[7], 'ballot')
return {'ok', redis.call('HGET', KEYS[8], sid .. '|n'), prev_score}
