-- wrk script for bench/load.py: optional POST with a JSON body made unique per request, and one JSON line of
-- results (requests, errors, non-2xx/3xx answers, p50 and p95 in milliseconds) at the end.
--   BENCH_METHOD=POST BENCH_TOKEN=... BENCH_BODY='{"clause": "R-1.1", "body": "Comment %d"}' wrk -s wrk_report.lua URL
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local token = os.getenv("BENCH_TOKEN")
local counter = 0
local id = 0

setup = function(thread)
  id = id + 1
  thread:set("id", id)
end

init = function(args)
  wrk.method = method
  if token and token ~= "" then
    wrk.headers["Authorization"] = "Token " .. token
  end
  if body then
    wrk.headers["Content-Type"] = "application/json"
  end
end

request = function()
  counter = counter + 1
  if body then
    -- Unique bodies, so no duplicate detection or cache turns the write into something cheaper.
    return wrk.format(nil, nil, nil, string.format(body, id * 100000000 + counter))
  end
  return wrk.format()
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "errors": %d, "non_2xx_3xx": %d, "p50_ms": %.3f, "p95_ms": %.3f}\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
