-- wrk script for `make bench` (courseplatform/bench/run.py writes its input files).
--
--   wrk ... -s bench.lua URL -- <requests file> <body mode> <threads> [<body argument>]
--
-- Each line of the requests file is "METHOD<TAB>PATH<TAB>HEADER: VALUE[<TAB>BODY]" (the
-- header carries a student's X-Session-Token or sessionid cookie). Thread t of T sends lines
-- t, t+T, t+2T, ... so requests in flight at the same time belong to different
-- students. Body modes:
--   none        no body
--   line        the line's own BODY (JSON)
--   reflection  {"text": ...}, different on every request
--   snapshot    {"ratings": {...}}, a random 1-10 for each category key in the
--               body argument (comma-separated)
-- done() prints one line, "BENCH_JSON {...}", that run.py parses: wrk's counts and
-- latency percentiles plus non-2xx answers (wrk itself only counts >= 400) and the
-- first such answer as a sample.

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

function init(args)
   lines = {}
   for line in io.lines(args[1]) do
      local method, path, header, body = line:match("^([^\t]*)\t([^\t]*)\t?([^\t]*)\t?(.*)$")
      local headers = {}
      if header and header ~= "" then
         local name, value = header:match("^([^:]+):%s*(.*)$")
         headers[name] = value
      end
      table.insert(lines, {method = method, path = path, headers = headers, body = body})
   end
   mode = args[2] or "none"
   nthreads = tonumber(args[3] or "1")
   argument = args[4] or ""
   categories = {}
   for key in argument:gmatch("[^,]+") do
      table.insert(categories, key)
   end
   counter = 0
   non2xx = 0
   sample = ""
   math.randomseed(id * 7919 + os.time())
end

local words = {
   "gain", "staging", "headroom", "arrangement", "chorus", "bassline", "reference", "monitor",
   "feedback", "session", "deadline", "release", "listening", "habit", "finish", "draft",
}

local function reflection_body()
   local parts = {}
   for i = 1, 24 do
      parts[i] = words[math.random(#words)]
   end
   return string.format('{"text": "Take %d from thread %d: I noticed %s."}', counter, id, table.concat(parts, " "))
end

local function snapshot_body()
   local parts = {}
   for i, key in ipairs(categories) do
      parts[i] = string.format('"%s": %d', key, math.random(1, 10))
   end
   return '{"ratings": {' .. table.concat(parts, ", ") .. "}}"
end

function request()
   local line = lines[((id + counter * nthreads) % #lines) + 1]
   counter = counter + 1
   local body = nil
   local headers = line.headers
   if mode ~= "none" then
      if mode == "line" then
         body = line.body
      elseif mode == "reflection" then
         body = reflection_body()
      elseif mode == "snapshot" then
         body = snapshot_body()
      end
      headers["Content-Type"] = "application/json"
   end
   return wrk.format(line.method, line.path, headers, body)
end

function response(status, headers, body)
   if status < 200 or status > 299 then
      non2xx = non2xx + 1
      if sample == "" then
         sample = status .. " " .. string.sub(body or "", 1, 300)
      end
   end
end

local function clean(text)
   return (string.gsub(string.gsub(text, '[\\"]', "'"), "%c", " "))
end

function done(summary, latency, requests)
   local bad, first = 0, ""
   for _, thread in ipairs(threads) do
      bad = bad + (thread:get("non2xx") or 0)
      local s = thread:get("sample") or ""
      if first == "" then
         first = s
      end
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
      '"status": %d, "timeout": %d, "non2xx": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, ' ..
      '"max_us": %d, "mean_us": %.1f, "sample": "%s"}\n',
      summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, bad,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
      clean(first)))
end
