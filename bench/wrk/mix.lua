-- Request mixes for wrk (Debian's wrk 4.1 with LuaJIT), used by scripts/bench.
--
-- Every phase, the baseline included, goes through this one script and its request()
-- function, so the load generator spends the same work per request in all of them and the
-- ratios to the baseline compare the server, not the generator.
--
-- Environment:
--   BENCH_MIX           baseline | path | read | write
--                       baseline, path: GET BENCH_PATH (anonymous, or signed in with BENCH_SIGNED_IN=1)
--                       read:  ~90% reads (global list, articles by tag, tag list, single article,
--                              profile, comments), ~10% writes (create article, comment, favourite)
--                       write: ~50% writes (create article, comment, favourite, unfavourite), 50% reads
--                       create: article create only (2 tags, by an author): its CPU per request is
--                              the figure compared between two jars (scripts/bench --baseline-jar)
--   BENCH_PATH          the path for baseline/path
--   BENCH_METHOD        the method for baseline/path (default GET; the baseline uses HEAD, see
--                       docs/BENCHMARKS.md)
--   BENCH_SIGNED_IN     1: path requests carry a reader's token
--   BENCH_DATA          Lua file from bench/seed.py: tokens, slugs, usernames, tags
--   BENCH_AUTH_SHARE    share (0..100) of mix reads sent signed in (default 50)
--   BENCH_MAX_REQUESTS  stop after this many requests in all (split over the threads)
--   BENCH_THREADS       wrk's -t, to split BENCH_MAX_REQUESTS
--
-- done() prints one line "BENCH_RESULT {json}" with requests, duration, errors and latency
-- percentiles in microseconds. Errors are socket errors (connect, read, write, timeout) plus
-- HTTP statuses >= 400 (wrk's summary.errors.status).

local mix = os.getenv("BENCH_MIX") or "baseline"
local path = os.getenv("BENCH_PATH") or "/observe/health/live"
local method = os.getenv("BENCH_METHOD") or "GET"
local signed_in_path = os.getenv("BENCH_SIGNED_IN") == "1"
local auth_share = tonumber(os.getenv("BENCH_AUTH_SHARE") or "50")
local max_total = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "5000000")
local threads_n = tonumber(os.getenv("BENCH_THREADS") or "2")
local data_file = os.getenv("BENCH_DATA")

local data = { readers = {}, authors = {}, slugs = {}, commented = {}, usernames = {}, tags = {} }
if data_file and data_file ~= "" then
  data = dofile(data_file)
end

local counter = 0
local cap = math.floor(max_total / threads_n) + 1
-- thread_id is a global, set in each thread's state by setup() below.

-- main state: number the threads so each seeds its own random sequence.
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
end

local function pick(list)
  return list[math.random(#list)]
end

local all_tokens = {}
local static_request

function init(args)
  thread_id = thread_id or 0
  math.randomseed(os.time() * 1000 + thread_id * 7919)
  for _, t in ipairs(data.readers) do all_tokens[#all_tokens + 1] = t end
  for _, t in ipairs(data.authors) do all_tokens[#all_tokens + 1] = t end
  if mix == "baseline" or mix == "path" then
    if not signed_in_path then
      static_request = wrk.format(method, path)
    end
  end
end

local function get(p, token)
  if token then
    return wrk.format("GET", p, { ["Authorization"] = "Token " .. token })
  end
  return wrk.format("GET", p)
end

local function send(method, p, token, body)
  return wrk.format(method, p, {
    ["Authorization"] = "Token " .. token,
    ["Content-Type"] = "application/json",
  }, body)
end

-- A reader's token for about auth_share% of reads, else anonymous.
local function viewer()
  if #all_tokens > 0 and math.random(100) <= auth_share then
    return pick(all_tokens)
  end
  return nil
end

local offsets = { 0, 0, 0, 0, 10, 20 }

local function global_list() return get("/api/articles?limit=10&offset=" .. pick(offsets), viewer()) end
local function tag_list() return get("/api/articles?limit=10&tag=" .. pick(data.tags), viewer()) end
local function tags() return get("/api/tags", viewer()) end
local function article() return get("/api/articles/" .. pick(data.slugs), viewer()) end
local function profile() return get("/api/profiles/" .. pick(data.usernames), viewer()) end
local function comments() return get("/api/articles/" .. pick(data.commented) .. "/comments", viewer()) end

local seq = 0
local function create_article()
  seq = seq + 1
  local title = string.format("Bench article %d-%d-%d", thread_id, seq, math.random(1000000))
  local body = string.format(
    '{"article":{"title":"%s","description":"Written by the benchmark","body":"%s","tagList":["%s","%s"]}}',
    title, string.rep("Lorem ipsum dolor sit amet. ", 20), pick(data.tags), pick(data.tags))
  return send("POST", "/api/articles", pick(data.authors), body)
end

local function comment()
  seq = seq + 1
  local body = string.format('{"comment":{"body":"Benchmark comment %d-%d"}}', thread_id, seq)
  return send("POST", "/api/articles/" .. pick(data.slugs) .. "/comments", pick(data.authors), body)
end

local function favourite()
  return send("POST", "/api/articles/" .. pick(data.slugs) .. "/favorite", pick(data.authors), nil)
end

local function unfavourite()
  return send("DELETE", "/api/articles/" .. pick(data.slugs) .. "/favorite", pick(data.authors), nil)
end

-- {weight, function}: weights are percent of requests.
local mixes = {
  read = {
    { 25, global_list }, { 8, tag_list }, { 8, tags }, { 22, article }, { 10, profile }, { 17, comments },
    { 3, create_article }, { 4, comment }, { 3, favourite },
  },
  write = {
    { 15, global_list }, { 20, article }, { 15, comments },
    { 15, create_article }, { 20, comment }, { 10, favourite }, { 5, unfavourite },
  },
  create = { { 100, create_article } },
}

local table_ = mixes[mix]
local total_weight = 0
if table_ then
  for _, e in ipairs(table_) do total_weight = total_weight + e[1] end
end

local function choose()
  local r = math.random(total_weight)
  for _, e in ipairs(table_) do
    r = r - e[1]
    if r <= 0 then return e[2]() end
  end
  return table_[1][2]()
end

function request()
  counter = counter + 1
  if counter > cap then
    wrk.thread:stop()
  end
  if static_request then
    return static_request
  end
  if table_ then
    return choose()
  end
  return wrk.format(method, path, { ["Authorization"] = "Token " .. pick(data.readers) })
end

function done(summary, latency, requests)
  local e = summary.errors
  local ps = {}
  for _, q in ipairs({ 50, 75, 90, 95, 99, 99.9, 99.99 }) do
    ps[#ps + 1] = string.format('"%g":%d', q, latency:percentile(q))
  end
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"stdev":%.1f,"p":{%s}}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max, latency.stdev, table.concat(ps, ",")))
end
