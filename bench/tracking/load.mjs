// Load for GoSquared's tracking intake as the npm client sends it: one event per POST /tracking/v1/event, with a
// fixed number of requests in flight over keep-alive connections; prints requests a second and failures.
//
//   node bench/tracking/load.mjs "<base>/tracking/v1/event?api_key=…&site_token=…" 50000 256 POST event
//   node bench/tracking/load.mjs "<base>/tracking/v1/event?api_key=…&site_token=…" 20000 64 GET   (credentials only)
//   node bench/tracking/load.mjs "<base>/q/health/live" 20000 64                                  (HTTP alone)
//
// Events go to 5,000 people, one in five a pageview with an href, the rest of 9 other names.
import http from "node:http";

const [, , url, total = "20000", concurrency = "64", method = "GET", kind = ""] = process.argv;
if (!url) {
    console.error("usage: node load.mjs URL [total] [concurrency] [GET|POST] [event]");
    process.exit(2);
}
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) });
let sent = 0;
let done = 0;
let failed = 0;
const start = Date.now();
await new Promise((resolve) => {
    const finish = (ok) => {
        if (!ok) failed++;
        if (++done === Number(total)) resolve(); else next();
    };
    function next() {
        if (sent >= Number(total)) return;
        const n = sent++;
        const body = kind === "event" ? JSON.stringify({ person_id: `p${(n * 7919) % 5000}`,
            event: { name: n % 5 === 0 ? "pageview" : `e${n % 9}`, data: { href: `https://shop.example/p/${n % 300}`, n } },
        }) : undefined;
        const request = http.request(url, { method, agent, headers: body ? { "content-type": "application/json" } : {} },
            (response) => {
                response.resume();
                response.on("end", () => finish(response.statusCode === 200));
            });
        request.on("error", () => finish(false));
        request.end(body);
    }
    for (let i = 0; i < Number(concurrency); i++) next();
});
const seconds = (Date.now() - start) / 1000;
console.log(`${total} ${method} in ${seconds.toFixed(2)} s = ${(Number(total) / seconds).toFixed(0)}/s `
    + `(${concurrency} in flight), failed ${failed}`);
process.exit(failed ? 1 : 0);
