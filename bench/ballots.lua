-- wrk script of bench/bench_ballots.py: every request casts one ballot with a random voter's token.
-- Environment: BENCH_TOKENS (file, one voter token a line), BENCH_MEETING, BENCH_SECRETARIES (count),
-- BENCH_RUN (prefix that keeps ballot ids unique across runs).
-- done() prints one line "WRK_JSON {...}" that the Python side parses.

local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
  if #line > 0 then tokens[#tokens + 1] = line end
end
local meeting = os.getenv("BENCH_MEETING")
local secretaries = tonumber(os.getenv("BENCH_SECRETARIES"))
local run = os.getenv("BENCH_RUN")
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  path = "/api/meetings/" .. meeting .. "/ballots"
  sent, stored, revised, duplicate, failed = 0, 0, 0, 0, 0
  math.randomseed(tid * 7919 + os.time())
end

function request()
  sent = sent + 1
  local body = string.format('{"ballot_id":"%s-%d-%d","secretary":"s%d","score":%d}',
                             run, tid, sent, math.random(secretaries), math.random(10))
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. tokens[math.random(#tokens)],
                                   ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
  elseif body:find('"stored"', 1, true) then
    stored = stored + 1
  elseif body:find('"revised"', 1, true) then
    revised = revised + 1
  else
    duplicate = duplicate + 1
  end
end

function done(summary, latency, requests)
  local t = {sent = 0, stored = 0, revised = 0, duplicate = 0, failed = 0}
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"sent":%d,"stored":%d,"revised":%d,"duplicate":%d,' ..
    '"failed":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"timeouts":%d,' ..
    '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, t.sent, t.stored, t.revised, t.duplicate, t.failed,
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
