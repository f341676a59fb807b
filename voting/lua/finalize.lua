-- Finalize a meeting (DESIGN.md §3): keep the anonymous ballots, destroy what links a voter to them.
-- KEYS: 1 meta, 2 open, 3 ballots, 4 voters, 5 voted, 6 invites, 7 comments
-- ARGV: 1 live channel, 2 unix time
-- Returns {status, comments kept}.
if redis.call('EXISTS', KEYS[1]) == 0 then return {'no_meeting'} end
if redis.call('HGET', KEYS[1], 'status') == 'finalized' then return {'ok', redis.call('LLEN', KEYS[7])} end
if redis.call('SCARD', KEYS[2]) > 0 then return {'open'} end
local kept = 0
local ballots = redis.call('HGETALL', KEYS[3])
for i = 2, #ballots, 2 do
  local b = cjson.decode(ballots[i])
  if b[2] ~= '' or b[3] ~= '' then
    local sid = string.match(ballots[i - 1], ':([^:]+)$')
    redis.call('RPUSH', KEYS[7], cjson.encode({sid, b[2], b[3]}))
    kept = kept + 1
  end
end
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5], KEYS[6])
redis.call('HDEL', KEYS[1], 'secret')
redis.call('HSET', KEYS[1], 'status', 'finalized', 'finalized_at', ARGV[2])
redis.call('PUBLISH', ARGV[1], 'window')
return {'ok', kept}
