-- Bind a WeChat account (openid) to a secretary of a meeting, atomically ("secretaries bind once").
-- KEYS: 1 bound (hash sid -> JSON [openid...]), 2 accounts (hash openid -> JSON [sid...]),
--       3 pending (hash "sid|openid" -> JSON {reason, at})
-- ARGV: 1 sid, 2 openid, 3 unix time, 4 'force' when the organizer confirms a pending request
-- Returns {status, other}: bound | already | pending_second (the secretary has another account) |
--         pending_other (this account is bound to secretary `other` of this meeting)
local sid, openid = ARGV[1], ARGV[2]
local function list(key, field)
  local raw = redis.call('HGET', key, field)
  if raw then return cjson.decode(raw) end
  return {}
end
local function has(t, v)
  for _, x in ipairs(t) do if x == v then return true end end
  return false
end
local bound, mine = list(KEYS[1], sid), list(KEYS[2], openid)
if has(bound, openid) then return {'already', ''} end
if ARGV[4] ~= 'force' then
  local reason, other = nil, ''
  if #mine > 0 then reason, other = 'pending_other', mine[1]
  elseif #bound > 0 then reason = 'pending_second' end
  if reason then
    redis.call('HSET', KEYS[3], sid .. '|' .. openid, cjson.encode({reason = reason, other = other, at = ARGV[3]}))
    return {reason, other}
  end
end
bound[#bound + 1] = openid
mine[#mine + 1] = sid
redis.call('HSET', KEYS[1], sid, cjson.encode(bound))
redis.call('HSET', KEYS[2], openid, cjson.encode(mine))
redis.call('HDEL', KEYS[3], sid .. '|' .. openid)
return {'bound', ''}
