-- Adds the bearer token and the initiative header to every request; the path comes from the URL given to wrk.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.headers["initiativeId"] = os.getenv("BENCH_INITIATIVE")
