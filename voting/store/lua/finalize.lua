-- Finalize a meeting (docs/design.md §3): keep the anonymous ballots, destroy what links a voter to them, and leave
-- no time or order that could: the ballot log and the tally are rebuilt from the final ballots, shuffled, with
-- entry IDs 1-1, 1-2, ... instead of the millisecond timestamps of each tap.
-- KEYS: 1 meta, 2 open, 3 ballots, 4 voters, 5 voted, 6 invites, 7 comments, 8 log, 9 tally, 10 seen,
--       11 accounts, 12 linked (which account holds which voter key)
-- ARGV: 1 live channel, 2 unix time, 3 random seed (not stored anywhere), 4 '1' to merge voter groups (the
--       rules do not weight them), 5 the merged group's name
-- Returns {status, comments kept}.
if redis.call('EXISTS', KEYS[1]) == 0 then return {'no_meeting'} end
if redis.call('HGET', KEYS[1], 'status') == 'finalized' then return {'ok', redis.call('LLEN', KEYS[7])} end
if redis.call('SCARD', KEYS[2]) > 0 then return {'open'} end

local groups = {}
local voters = redis.call('HGETALL', KEYS[4])
for i = 1, #voters, 2 do groups[voters[i]] = voters[i + 1] end

local final, notes = {}, {}
local ballots = redis.call('HGETALL', KEYS[3])
for i = 1, #ballots, 2 do
  local voter, sid = string.match(ballots[i], '^(.*):([^:]+)$')
  local b = cjson.decode(ballots[i + 1])
  local group = groups[voter] or ARGV[5]
  if ARGV[4] == '1' then group = ARGV[5] end
  final[#final + 1] = {sid, group, b[1]}
  if b[2] ~= '' or b[3] ~= '' then notes[#notes + 1] = {sid, b[2], b[3]} end
end

math.randomseed(tonumber(ARGV[3]))
local function shuffle(t)
  for i = #t, 2, -1 do
    local j = math.random(i)
    t[i], t[j] = t[j], t[i]
  end
end
shuffle(final)
shuffle(notes)

redis.call('DEL', KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[8], KEYS[9], KEYS[10], KEYS[11], KEYS[12])
for i, b in ipairs(final) do
  redis.call('XADD', KEYS[8], '1-' .. i, 'sid', b[1], 'group', b[2], 'score', b[3], 'prev', '')
  redis.call('HINCRBY', KEYS[9], b[1] .. '|' .. b[2] .. '|' .. b[3], 1)
  redis.call('HINCRBY', KEYS[9], b[1] .. '|n', 1)
end
for _, c in ipairs(notes) do redis.call('RPUSH', KEYS[7], cjson.encode(c)) end
redis.call('HDEL', KEYS[1], 'secret')
redis.call('HSET', KEYS[1], 'status', 'finalized', 'finalized_at', ARGV[2])
redis.call('PUBLISH', ARGV[1], 'window')
return {'ok', #notes}
