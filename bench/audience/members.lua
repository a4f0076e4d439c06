-- wrk: each request GETs MEMBERS_PATH followed by one of the cursors in CURSORS_FILE (drawn at random), with the
-- bearer token BENCH_TOKEN.
local cursors = {}
for line in io.lines(os.getenv("CURSORS_FILE")) do
    cursors[#cursors + 1] = line
end
local path = os.getenv("MEMBERS_PATH")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")

function init(args)
    math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1000000))
end

function request()
    return wrk.format("GET", path .. cursors[math.random(#cursors)])
end
