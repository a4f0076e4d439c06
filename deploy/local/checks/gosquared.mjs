// Drives GoSquared's own Node.js client (the `gosquared` npm package 3.1.0, unmodified) against audience-service on
// the local stack: identify people, set their properties and track their events through the client, then create a
// smart group over them and read its people and its feed (the client has no smart-group calls: "The Node library
// does not support this function at this time", so those go over plain HTTP with the same key), asserting exact
// results. The key is issued with a Fynd token (deploy/local/token) and revoked at the end.
//
//   node deploy/local/checks/gosquared.mjs           (after `deploy/local/stack up`; see README.md beside this file)
//   AUDIENCE_URL=http://127.0.0.1:18082 node deploy/local/checks/gosquared.mjs
//
// Exits 1 at the end if any expectation did not hold, at once when a call fails. Every request goes to 127.0.0.1 only.
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../../..");
const DOMAIN = process.env.AUDIENCE_URL || "http://127.0.0.1:8082";
const RUN = `${Date.now().toString(36)}${process.pid}`;
const COMPANY = `gs${RUN}`;
const APP = "app1";
const KEYS = `/service/platform/user/v1.0/company/${COMPANY}/application/${APP}/api_keys`;

// The client reads its endpoint from the environment when it is first required (config.js): set it before.
process.env.apiEndpoint = DOMAIN;
const require = createRequire(import.meta.url);
const GoSquared = require("gosquared");

let failures = 0;
function check(condition, what, detail) {
    if (condition) {
        console.log(`gosquared: ok   ${what}`);
    } else {
        failures++;
        console.log(`gosquared: FAIL ${what}${detail === undefined ? "" : `: ${JSON.stringify(detail)}`}`);
    }
}
function fatal(what, error) {
    console.log(`gosquared: FAIL ${what}: ${error && (error.message || JSON.stringify(error))}`);
    process.exit(1);
}
async function step(what, call) {
    try {
        return await call();
    } catch (e) {
        fatal(what, e);
    }
}
/** A client call (node-style callback) as a promise of its answer; rejects with the client's error. */
function call(fn) {
    return new Promise((resolve, reject) => fn((err, body) => (err ? reject(Object.assign(err, { body }))
        : resolve(body))));
}
/** Deep equality of JSON values, whatever the order of object keys (PostgreSQL's jsonb orders them its own way). */
const canonical = (v) => Array.isArray(v) ? v.map(canonical) : v && typeof v === "object"
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])])) : v;
const same = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

const token = execFileSync(path.join(REPO, "deploy/local/token"), ["--company", COMPANY, "--applications", APP],
    { encoding: "utf8" }).trim().split("\n").pop();

async function http(method, url, body, headers = {}) {
    const response = await fetch(url.startsWith("http") ? url : DOMAIN + url, {
        method, headers: { "Content-Type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json = null;
    try {
        json = text ? JSON.parse(text) : null;
    } catch (e) {
        json = null;
    }
    return { status: response.status, text, body: json, headers: response.headers };
}
const fynd = (method, url, body) => http(method, url, body, { Authorization: `Bearer ${token}` });

// A key for the application, issued with the Fynd token.
const issued = await step("issue an API key", () => fynd("POST", KEYS, { name: "gosquared npm check" }));
check(issued.status === 201 && /^[A-Z2-7]{32}$/.test(issued.body.api_key) && /^GSN-/.test(issued.body.site_token),
    "API key issued", issued.body);
const { api_key: apiKey, site_token: siteToken, id: keyId } = issued.body;
const auth = `api_key=${encodeURIComponent(apiKey)}&site_token=${encodeURIComponent(siteToken)}`;
const gs = new GoSquared({ api_key: apiKey, site_token: siteToken });

// People and events through the client, exactly as an application would send them.
const alice = gs.createPerson("alice");
const identified = await step("identify alice", () => call((cb) => alice.identify({
    id: "alice", email: "alice@example.com", name: "Alice Smith", plan: "pro", custom: { seats: 5 } }, cb)));
check(same(identified, { success: true }), "identify answers {success: true}", identified);
await step("identify bob", () => call((cb) => gs.createPerson("bob").identify({
    id: "bob", email: "bob@example.com", name: "Bob Jones", plan: "free" }, cb)));
await step("setProperties carol", () => call((cb) => gs.createPerson("carol").setProperties({
    first_name: "Carol", plan: "pro" }, cb)));
await step("setProperties alice", () => call((cb) => alice.setProperties({ seats: 7, team: "blue" }, cb)));
const tracked = await step("trackEvent pageview", () => call((cb) => alice.trackEvent("pageview",
    { href: "https://shop.example/", title: "Home" }, cb)));
check(same(tracked, { success: true }), "trackEvent answers {success: true}", tracked);
await step("trackEvent pageview 2", () => call((cb) => alice.trackEvent("pageview",
    { href: "https://shop.example/pricing" }, cb)));
await step("trackEvent bob", () => call((cb) => gs.createPerson("bob").trackEvent("pageview",
    { href: "https://shop.example/blog" }, cb)));
await step("trackEvent carol", () => call((cb) => gs.createPerson("carol").trackEvent("signup", { plan: "pro" }, cb)));

// A bad property value comes back as the client's error (HTTP 400).
let refused;
try {
    await call((cb) => gs.createPerson("dave").identify({ id: "dave", email: "not an email" }, cb));
} catch (e) {
    refused = e;
}
check(refused && refused.httpStatus === 400 && refused.body && refused.body.success === false
    && /properties\.email/.test(refused.body.error.message), "a bad email is a 400 naming properties.email",
    refused && refused.body);

// A smart group over them, its people and its feed (plain HTTP with the same key).
const created = await step("create smart group", () => http("POST", `/people/v1/smartgroups?${auth}`, {
    name: "Pro users", filters: [{ key: "property", path: "custom.plan", operator: "=", value: "pro" }] }));
check(created.status === 201 && created.body.id === "pro-users", "smart group created as pro-users", created.body);
const again = await step("create smart group again", () => http("POST", `/people/v1/smartgroups?${auth}`, {
    name: "Pro users", filters: [] }));
check(again.status === 201 && again.body.id === "pro-users-1", "the same name again is pro-users-1", again.body);

const people = await step("smart group people", () => http("GET",
    `/people/v1/smartgroups/pro-users/people?${auth}&sort=id:asc&fields=id,name,email,custom,totals.events`));
check(people.status === 200 && same(people.body, {
    list: [
        { id: "alice", name: "Alice Smith", email: "alice@example.com",
            custom: { plan: "pro", seats: 7, team: "blue" }, totals: { events: 2 } },
        { id: "carol", name: null, email: null, custom: { plan: "pro" }, totals: { events: 1 } },
    ],
    cardinality: 2,
}), "the group's people are alice and carol, with merged properties", people.body);
const search = await step("people search", () => http("GET", `/people/v1/people?${auth}&filters=${encodeURIComponent(
    JSON.stringify([{ key: "event", name: "pageview", field: "count", operator: ">", value: 0 }]))}&fields=id`
    + "&sort=id:asc"));
check(search.status === 200 && same(search.body, { list: [{ id: "alice" }, { id: "bob" }], cardinality: 2 }),
    "people with a pageview are alice and bob", search.body);
const csv = await step("people as CSV", () => http("GET",
    `/people/v1/smartgroups/pro-users/people?${auth}&presenter=csv&fields=id,custom.seats&sort=id:asc`));
check(csv.status === 200 && csv.text === "id,custom.seats\r\nalice,7\r\ncarol,\r\n", "the group's people as CSV",
    csv.text);

const feed = await step("feed link", () => http("GET", `/people/v1/smartgroups/pro-users/feed?${auth}`));
check(feed.status === 200 && typeof feed.body.link === "string" && Date.parse(feed.body.expires) > Date.now(),
    "feed link issued", feed.body);
const download = await step("feed download", () => http("GET", feed.body.link));
const lines = download.text.trim().split("\r\n");
check(download.status === 200 && lines[0] === "timestamp,person_id,email,event,href" && lines.length === 3
    && lines[1].endsWith(",alice,alice@example.com,pageview,https://shop.example/")
    && lines[2].endsWith(",alice,alice@example.com,pageview,https://shop.example/pricing"),
    "the feed holds alice's two pageviews, without a key", download.text);
const tampered = await step("tampered feed", () => http("GET", feed.body.link.replace("from=", "from=1")));
check(tampered.status === 403, "a changed link is refused", tampered.body);

// Revoked keys stop working at once, for the client too.
const revoked = await step("revoke the key", () => fynd("DELETE", `${KEYS}/${keyId}`));
check(revoked.status === 200 && revoked.body.success === true, "key revoked", revoked.body);
let unauthorised;
try {
    await call((cb) => alice.trackEvent("pageview", { href: "https://shop.example/after" }, cb));
} catch (e) {
    unauthorised = e;
}
check(unauthorised && unauthorised.httpStatus === 401 && same(unauthorised.body, { success: false, error: {
    code: "unauthorized", message: "Your API Key is not authorised for this endpoint" } }),
    "a revoked key is 401 with GoSquared's body", unauthorised && unauthorised.body);

if (failures > 0) {
    console.log(`gosquared: ${failures} check(s) failed`);
    process.exit(1);
}
console.log("gosquared: every call passed");
