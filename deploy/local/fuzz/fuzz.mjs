// Fuzzes every operation of the four services' OpenAPI documents on the running local stack (deploy/local/stack up):
// bad credentials, malformed path and query parameters, malformed bodies per declared content type. Fails on any
// 5xx, reset or unanswered request, stack trace or SQL text in a body, 2xx without a valid token, 2xx for a request
// that is malformed beyond doubt, and any 4xx that is not its API family's error envelope (or, for a field-level
// case, does not name the field). See README.md beside this file.
//
//   node deploy/local/fuzz/fuzz.mjs                      every operation
//   node deploy/local/fuzz/fuzz.mjs segments/with-users  operations whose "METHOD path" contains the text
//
// Node.js only, no packages: requests are written on raw sockets so that broken bytes reach the server as sent.
// Deterministic: the cases are fixed and ordered, the one pseudo-random choice (sampling above the per-operation
// bound) uses a fixed seed; only the tenant (fresh per run) and the minted tokens change between runs.
// Every request goes to 127.0.0.1 only.
import net from "node:net";
import crypto from "node:crypto";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../../..");
const HOST = "127.0.0.1";
const PORTS = (process.env.FUZZ_PORTS || "8081,8082,8083,8084").split(",").map(Number);
const SEED = 20260101;
const MAX_PER_OPERATION = 160;
const CONCURRENCY = 4;
const TIMEOUT_MS = 20000;
const ONLY = process.argv[2] || "";
const RUN = `${Date.now().toString(36)}${process.pid}`;
const started = Date.now();

// ---------------------------------------------------------------------------------------------------------------
// Raw HTTP/1.1 over a socket: the request exactly as given, the response parsed (Content-Length or chunked).

function rawRequest(port, head, body) {
    return new Promise((resolve) => {
        const chunks = [];
        let settled = false;
        const socket = net.connect({ host: HOST, port });
        const finish = (error) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            socket.destroy();
            const parsed = parseResponse(Buffer.concat(chunks));
            if (parsed.complete) {
                resolve(parsed);
            } else {
                resolve({ error: error || (chunks.length ? "truncated response" : "connection closed without a response") });
            }
        };
        const timer = setTimeout(() => finish(`no answer in ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS);
        socket.on("data", (d) => {
            chunks.push(d);
            if (parseResponse(Buffer.concat(chunks)).complete) finish();
        });
        socket.on("end", () => finish());
        socket.on("close", () => finish());
        socket.on("error", (e) => finish(`connection ${e.code || e.message}`));
        socket.write(Buffer.concat([Buffer.from(head, "latin1"), body || Buffer.alloc(0)]), () => {});
    });
}

function parseResponse(buf) {
    const end = buf.indexOf("\r\n\r\n");
    if (end < 0) return { complete: false };
    const lines = buf.subarray(0, end).toString("latin1").split("\r\n");
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
    if (!m) return { complete: false };
    const headers = {};
    for (const line of lines.slice(1)) {
        const i = line.indexOf(":");
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    let rest = buf.subarray(end + 4);
    let body;
    if (/chunked/i.test(headers["transfer-encoding"] || "")) {
        const parts = [];
        for (;;) {
            const nl = rest.indexOf("\r\n");
            if (nl < 0) return { complete: false };
            const size = parseInt(rest.subarray(0, nl).toString("latin1"), 16);
            if (Number.isNaN(size)) return { complete: false };
            if (size === 0) break;
            if (rest.length < nl + 2 + size + 2) return { complete: false };
            parts.push(rest.subarray(nl + 2, nl + 2 + size));
            rest = rest.subarray(nl + 2 + size + 2);
        }
        body = Buffer.concat(parts);
    } else if (headers["content-length"] !== undefined) {
        const n = Number(headers["content-length"]);
        if (rest.length < n) return { complete: false };
        body = rest.subarray(0, n);
    } else {
        return { complete: false }; // read to the end of the connection (Connection: close)
    }
    return { complete: true, status: Number(m[1]), headers, body };
}

/** One request; `target` is sent as is (already percent-encoded as the case wants). */
async function send(port, method, target, { headers = {}, body } = {}) {
    let head = `${method} ${target} HTTP/1.1\r\nHost: ${HOST}:${port}\r\nConnection: close\r\n`;
    for (const [k, v] of Object.entries(headers)) {
        if (v !== undefined && v !== null) head += `${k}: ${v}\r\n`;
    }
    const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
    if (bytes !== undefined) head += `Content-Length: ${bytes.length}\r\n`;
    head += "\r\n";
    const response = await rawRequest(port, head, bytes);
    if (response.error) {
        // A response cut short by a closed connection is the one thing that may come from a race with this client's
        // own writing; ask once more before calling it a reset.
        const again = await rawRequest(port, head, bytes);
        if (!again.error) return again;
    }
    return response;
}

async function json(port, method, target, body, headers = {}) {
    const r = await send(port, method, target, {
        headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.error) throw new Error(`${method} ${target}: ${r.error}`);
    let parsed = null;
    try {
        parsed = JSON.parse(r.body.toString("utf8"));
    } catch (e) {
        parsed = null;
    }
    return { status: r.status, body: parsed, text: r.body.toString("utf8"), headers: r.headers };
}

// ---------------------------------------------------------------------------------------------------------------
// Credentials: dev tokens from deploy/local/token, and bad ones made here.

function mint(...args) {
    return execFileSync(path.join(REPO, "deploy/local/token"), args, { encoding: "utf8" }).trim().split("\n").pop();
}
const b64url = (b) => Buffer.from(b).toString("base64url");
function foreignSigned(claimsOf) {
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const payload = JSON.parse(Buffer.from(claimsOf.split(".")[1], "base64url").toString("utf8"));
    const input = `${b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }))}.${b64url(JSON.stringify(payload))}`;
    return `${input}.${crypto.sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
}
function unsigned(claimsOf) {
    const payload = claimsOf.split(".")[1];
    return `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${payload}.`;
}

const SUBSCRIPTION = String(700000000 + (Date.now() % 100000000));
const INITIATIVE = "FUZ";
const COMPANY = `fz${RUN}`;
const APP = "app1";
const T = {
    sl: mint("--subscription", SUBSCRIPTION, "--initiatives", INITIATIVE, "--user", "fuzz"),
    fy: mint("--company", COMPANY, "--applications", APP, "--user", "fuzz"),
    slOther: mint("--subscription", "1", "--initiatives", "OTHER"),
    fyOther: mint("--company", `other${RUN}`, "--applications", APP),
    slExpired: mint("--subscription", SUBSCRIPTION, "--initiatives", INITIATIVE, "--ttl", "-3600"),
    fyExpired: mint("--company", COMPANY, "--applications", APP, "--ttl", "-3600"),
};
T.slForeign = foreignSigned(T.sl);
T.fyForeign = foreignSigned(T.fy);
T.slNone = unsigned(T.sl);
T.fyNone = unsigned(T.fy);

// ---------------------------------------------------------------------------------------------------------------
// API families: which envelope a 4xx must have, and how a request authenticates.

function family(p) {
    if (p.startsWith("/service/platform/")) return "fynd";
    if (p.startsWith("/people/") || p.startsWith("/tracking/")) return "gosquared";
    return "shorterloop";
}
const ENVELOPES = {
    shorterloop: (j) => j && j.success === false && typeof j.message === "string" && j.message.length > 0,
    fynd: (j) => j && typeof j.code === "string" && typeof j.message === "string" && typeof j.request_id === "string",
    gosquared: (j) => j && j.success === false && j.error && typeof j.error.code === "string"
        && typeof j.error.message === "string",
};
const FX = {}; // fixtures: ids created at start, used as the valid path parameters and in valid bodies

/** The valid credentials of an operation: headers and query parameters. */
function validAuth(op) {
    switch (op.family) {
        case "shorterloop":
            return { headers: { Authorization: `Bearer ${T.sl}`, initiativeId: INITIATIVE }, query: {} };
        case "fynd":
            return { headers: { Authorization: `Bearer ${T.fy}` }, query: {} };
        default:
            return { headers: {}, query: { api_key: FX.apiKey, site_token: FX.siteToken } };
    }
}

/** Bad credentials per family: each must be answered 401 (403 for another tenant's valid token), never 2xx. */
function badAuths(op) {
    if (op.family === "shorterloop") {
        const h = (token) => ({ headers: { Authorization: `Bearer ${token}`, initiativeId: INITIATIVE }, query: {} });
        return [
            ["auth:none", { headers: { initiativeId: INITIATIVE }, query: {} }, [401]],
            ["auth:garbage", h("garbage"), [401]],
            ["auth:not-bearer", { headers: { Authorization: `Basic ${b64url("a:b")}`, initiativeId: INITIATIVE }, query: {} }, [401]],
            ["auth:expired", h(T.slExpired), [401]],
            ["auth:foreign-signed", h(T.slForeign), [401]],
            ["auth:alg-none", h(T.slNone), [401]],
            ["auth:other-tenant", { headers: { Authorization: `Bearer ${T.slOther}`, initiativeId: INITIATIVE }, query: {} }, [403]],
        ];
    }
    if (op.family === "fynd") {
        const h = (token) => ({ headers: { Authorization: `Bearer ${token}` }, query: {} });
        return [
            ["auth:none", { headers: {}, query: {} }, [401]],
            ["auth:garbage", h("garbage"), [401]],
            ["auth:expired", h(T.fyExpired), [401]],
            ["auth:foreign-signed", h(T.fyForeign), [401]],
            ["auth:alg-none", h(T.fyNone), [401]],
            ["auth:other-tenant", h(T.fyOther), [403]],
        ];
    }
    const q = (query) => ({ headers: {}, query });
    const bearer = (token) => ({ headers: { Authorization: `Bearer ${token}` }, query: { site_token: FX.siteToken } });
    return [
        ["auth:none", q({}), [401]],
        ["auth:garbage-key", q({ api_key: "GARBAGE", site_token: FX.siteToken }), [401]],
        ["auth:key-other-site", q({ api_key: FX.apiKey, site_token: "GSN-AAAAAAAAAAAAAAAA" }), [401]],
        ["auth:key-only", q({ api_key: FX.apiKey }), [401]],
        ["auth:long-key", q({ api_key: "A".repeat(300), site_token: FX.siteToken }), [401]],
        ["auth:revoked-key", q({ api_key: FX.revokedKey, site_token: FX.siteToken }), [401]],
        ["auth:bearer-garbage", bearer("garbage"), [401]],
        ["auth:bearer-expired", bearer(T.fyExpired), [401]],
        ["auth:bearer-foreign-signed", bearer(T.fyForeign), [401]],
    ];
}

// Operations reachable without a token, and what stands in for one (API.md; audience-service and
// notification-service READMEs). Their bad "credentials" must be refused all the same (4xx, never 2xx).
const PUBLIC = [
    {
        match: /\/feed\/download$/,
        bad: () => [
            ["auth:no-signature", { query: { ...FX.feedQuery, signature: undefined } }],
            ["auth:garbage-signature", { query: { ...FX.feedQuery, signature: "AAAA" } }],
            ["auth:expired-link", { query: { ...FX.feedQuery, expires: "2001-01-01T00:00:00Z" } }],
            ["auth:other-group", { query: FX.feedQuery, path: { groupID: "other-group" } }],
        ],
        valid: () => ({ headers: {}, query: FX.feedQuery }),
    },
    {
        match: /\/notifications\/unsubscribe$/,
        bad: () => [
            ["auth:no-token", { query: {} }],
            ["auth:garbage-token", { query: { token: "garbage" } }],
            ["auth:tampered-token", { query: { token: "eyJ0IjoiMSJ9.AAAA" } }],
        ],
        valid: () => ({ headers: {}, query: { token: "garbage" } }),
    },
];

// ---------------------------------------------------------------------------------------------------------------
// Fixtures: a fresh tenant in each family with one of everything, so that valid path parameters exist.

async function fixtures() {
    const sl = { Authorization: `Bearer ${T.sl}`, initiativeId: INITIATIVE };
    const fy = { Authorization: `Bearer ${T.fy}` };
    const need = (r, what, statuses = [200, 201, 202]) => {
        if (!statuses.includes(r.status)) throw new Error(`fixture ${what}: ${r.status} ${r.text.slice(0, 300)}`);
        return r.body;
    };
    FX.segment = need(await json(8081, "POST", "/api/v2/segments", { value: "fuzz-a" }, sl), "segment").data.id;
    FX.segment2 = need(await json(8081, "POST", "/api/v2/segments", { value: "fuzz-b" }, sl), "segment 2").data.id;
    const invited = need(await json(8081, "POST", `/api/v2/idea-manager/bulk-create-user/${FX.segment}`,
        [{ name: "Fuzz Member", email: `fuzz-${RUN}@example.com` }], sl), "member");
    FX.member = invited.data.inviteResults[0].user.id;
    const csv = "name,email\r\nFuzz Two,fuzz2-" + RUN + "@example.com\r\n";
    const imported = await send(8081, "POST", "/api/v2/idea-manager/create-users", {
        headers: { ...sl, "Content-Type": "multipart/form-data; boundary=FUZZB" },
        body: multipart("FUZZB", [{ name: "metrics", filename: "m.csv", type: "text/csv", content: csv }]),
    });
    FX.job = JSON.parse(imported.body.toString("utf8")).data.jobId;
    const mail = need(await json(8081, "POST", `/api/v2/segments/${FX.segment}/send-email`,
        { subject: "fuzz", body: "<p>fuzz</p>" }, sl), "send-email");
    FX.notification = mail.data.notificationId;

    const A = `/service/platform/user/v1.0/company/${COMPANY}/application/${APP}`;
    FX.definition = need(await json(8082, "POST", `${A}/user_attribute/definition`,
        { name: "Tier", slug: "tier", description: "fuzz", type: "string" }, fy), "definition")._id;
    need(await json(8082, "PUT", `${A}/users/fuzz-user`,
        { first_name: "Fuzz", emails: [{ email: `fz-${RUN}@example.com`, primary: true }] }, fy), "user");
    FX.user = "fuzz-user";
    FX.attribute = need(await json(8082, "PUT", `${A}/user_attribute/definition/${FX.definition}/user/${FX.user}`,
        { attribute: { value: "gold" } }, fy), "attribute value")._id;
    const group = need(await json(8082, "POST", `${A}/user_group`, {
        name: "Fuzz group", description: "fuzz", type: "conditional",
        conditions: [{ user_attribute_definition_id: FX.definition, type: "eq", value: "gold" }],
    }, fy), "group");
    FX.group = group._id;
    FX.groupUid = group.uid;
    FX.fyndJob = need(await json(8082, "POST", `${A}/user_group/${FX.group}/refresh`, undefined, fy), "refresh").job_id;
    const key = need(await json(8082, "POST", `${A}/api_keys`, { name: "fuzz" }, fy), "api key");
    FX.keyId = key.id;
    FX.apiKey = key.api_key;
    FX.siteToken = key.site_token;
    const revoked = need(await json(8082, "POST", `${A}/api_keys`, { name: "fuzz revoked" }, fy), "api key 2");
    need(await json(8082, "DELETE", `${A}/api_keys/${revoked.id}`, undefined, fy), "revoke");
    FX.revokedKey = revoked.api_key;
    const gs = `api_key=${FX.apiKey}&site_token=${FX.siteToken}`;
    need(await json(8082, "POST", `/tracking/v1/identify?${gs}`,
        { person_id: "fz-p1", properties: { email: `p1-${RUN}@example.com`, plan: "pro" } }), "identify");
    FX.smartGroup = need(await json(8082, "POST", `/people/v1/smartgroups?${gs}`, {
        name: "Fuzz pro", filters: [{ key: "property", path: "custom.plan", operator: "=", value: "pro" }],
    }), "smart group").id;
    const feed = need(await json(8082, "GET", `/people/v1/smartgroups/${FX.smartGroup}/feed?${gs}`), "feed link");
    FX.feedQuery = Object.fromEntries(new URL(feed.link).searchParams);
    FX.fyndPrefix = A;
}

/** Valid values of path parameters, by name (and, for ambiguous names, by path). */
function pathValue(name, p) {
    switch (name) {
        case "company_id": return COMPANY;
        case "application_id": return APP;
        case "definition_id": return FX.definition;
        case "user_id": return FX.user;
        case "attribute_id": return FX.attribute;
        case "group_id": return FX.group;
        case "job_id": return FX.fyndJob;
        case "groupID": return FX.smartGroup;
        case "jobId": return FX.job;
        case "segmentId": return FX.segment;
        case "toSegmentId": return FX.segment2;
        case "word": return "segment-users";
        case "call": return "identify";
        case "id":
            if (p.includes("/api_keys/")) return FX.keyId;
            if (p.includes("/notifications/")) return FX.notification;
            return FX.segment;
        default: return "1";
    }
}

/** A valid body for operations whose OpenAPI document gives no example (or an example that needs our ids). */
function exampleBody(op) {
    const k = `${op.method} ${op.path.replace(/^\/service\/platform\/user\/v1\.0\/company\/\{company_id\}\/application\/\{application_id\}/, "…")}`;
    const member = [{ name: "Fuzz Three", email: `fuzz3-${RUN}@example.com` }];
    const table = {
        "POST /api/v2/idea-manager/bulk-create-user": member,
        "POST /api/v2/idea-manager/bulk-create-user/{segmentId}": member,
        "PUT /api/v2/idea-manager/bulk-re-invite": { users: [FX.member] },
        "POST /api/v2/idea-manager/send-email": { users: [FX.member], subject: "fuzz", body: "<p>fuzz</p>" },
        "POST /api/v2/segments": { value: "fuzz-c" },
        "PUT /api/v2/segments/{id}": { value: "fuzz-a" },
        "POST /api/v2/segments/{id}/send-email": { subject: "fuzz", body: "<p>fuzz</p>" },
        "POST /api/v2/segments/{id}/users": { users: member },
        "POST /api/v2/segments/{id}/{word}": { users: [FX.member] },
        "PUT /api/v2/segments/{id}/{word}": { users: [FX.member] },
        "POST /api/v2/segments/{id}/{word}/{toSegmentId}": { users: [FX.member] },
        "PUT /api/v2/segments/{id}/{word}/{toSegmentId}": { users: [FX.member] },
        "POST …/user_attribute/definition": { name: "Plan", slug: "plan", description: "fuzz", type: "string" },
        "PUT …/user_attribute/definition/{definition_id}": { name: "Tier", description: "fuzz", type: "string", customer_editable: false },
        "PUT …/user_attribute/definition/{definition_id}/user/{user_id}": { attribute: { value: "gold" } },
        "POST …/user_attribute/user/{user_id}": { attributes: [{ definition_id: FX.definition, value: "gold" }] },
        "DELETE …/user_attribute/user/{user_id}": { definition_ids: ["000000000000000000000000"] },
        "POST …/user_attribute/users": { conditions: [{ definition_id: FX.definition, type: "eq", value: "gold" }], type: "and", page_no: 1, page_size: 10 },
        "PATCH …/user_attribute/bulk_update": { file_url: "http://127.0.0.1:9/none.csv", attributes: [{ key: "tier", value: "gold" }] },
        "POST …/user_group": { name: "Fuzz g2", description: "fuzz", category: "custom", type: "conditional", conditions: [{ user_attribute_definition_id: FX.definition, type: "eq", value: "gold" }] },
        "PUT …/user_group/{group_id}": { name: "Fuzz group", description: "fuzz", tags: ["a"] },
        "PATCH …/user_group/{group_id}": { name: "Fuzz group", description: "fuzz", tags: ["a"] },
        "POST …/api_keys": { name: "fuzz" },
        "PUT /people/v1/smartgroups/{groupID}": { name: "Fuzz pro", filters: [{ key: "property", path: "custom.plan", operator: "=", value: "pro" }] },
    };
    return table[k];
}

// ---------------------------------------------------------------------------------------------------------------
// Operations from the OpenAPI documents.

function resolve(doc, schema, depth = 0) {
    if (!schema || depth > 8) return schema || {};
    if (schema.$ref) return resolve(doc, doc.components.schemas[schema.$ref.split("/").pop()], depth + 1);
    return schema;
}
const isAny = (s) => s && s.properties && "nodeType" in s.properties; // Jackson's JsonNode, as the generator shows it

async function operations() {
    const ops = [];
    for (const port of PORTS) {
        const r = await send(port, "GET", "/q/openapi?format=json", { headers: { Accept: "application/json" } });
        if (r.error || r.status !== 200) throw new Error(`GET :${port}/q/openapi: ${r.error || r.status}`);
        const doc = JSON.parse(r.body.toString("utf8"));
        for (const [p, item] of Object.entries(doc.paths || {})) {
            for (const [method, op] of Object.entries(item)) {
                if (method === "parameters" || typeof op !== "object") continue;
                const params = [...(item.parameters || []), ...(op.parameters || [])];
                const declared = new Set(params.filter((x) => x.in === "path").map((x) => x.name));
                // A template variable the document does not declare is a path parameter all the same.
                for (const m of p.matchAll(/\{([^}]+)\}/g)) {
                    if (!declared.has(m[1])) params.push({ in: "path", name: m[1], schema: { type: "string" } });
                }
                const content = op.requestBody && op.requestBody.content || {};
                const media = Object.keys(content)[0];
                let example;
                const mediaObj = media && content[media];
                if (mediaObj && mediaObj.examples) example = Object.values(mediaObj.examples)[0].value;
                else if (mediaObj && mediaObj.example !== undefined) example = mediaObj.example;
                ops.push({
                    port, doc, path: p, method: method.toUpperCase(), params, media, family: family(p),
                    bodyRequired: !!(op.requestBody && op.requestBody.required),
                    schema: mediaObj && mediaObj.schema ? resolve(doc, mediaObj.schema) : undefined,
                    example,
                });
            }
        }
    }
    // Deletions last, so the fixtures stay for every other operation.
    const order = (o) => (o.method === "DELETE" ? 1 : 0);
    return ops.sort((a, b) => order(a) - order(b)).filter((o) => `${o.method} ${o.path}`.includes(ONLY));
}

// ---------------------------------------------------------------------------------------------------------------
// Cases. Each is {name, path overrides, query overrides, headers, body, contentType, expect}; `expect` is
//   "4xx"     the request is malformed beyond doubt: a 2xx is a failure too
//   "any"     the service may accept it (a lenient but documented reading): only the universal checks apply
//   [codes]   one of exactly these statuses
// and `field` (optional) must appear in a 4xx body.

const enc = (s) => encodeURIComponent(s);
// Known and accepted: a request target that is not a valid URI (a broken percent-escape) is refused by Quarkus' HTTP
// layer (java.net.URI, before any route) with an empty 400, so not in the family's envelope. The case still fails on
// anything but that 400. See README.md, "Known".
const BAD_PATH = [
    // [name, raw (already encoded) segment, malformed for: "int" (integers only) | "all"]
    ["huge-number", "99999999999999999999999999", "int"],
    ["long-overflow", "9223372036854775808", "int"],
    ["negative", "-1", "none"],
    ["zero", "0", "none"],
    ["decimal", "1.5", "int"],
    ["non-numeric", "abc", "int"],
    ["unicode", enc("ünï😀"), "int"],
    ["nul", "%00", "all"],
    ["control", "%01%1B", "all"],
    ["invalid-utf8", "%FF%FE", "all"],
    ["broken-escape", "%zz", "uri"],
    ["dot-dot", "..%2F..%2F", "none"],
    ["quote", enc("1' OR '1'='1"), "int"],
    ["long-2000", "9".repeat(2000), "int"],
    ["empty", "", "none"],
];
const PAGING_QUERY = /^(page|size|page_no|page_size)$/;
const NUMERIC_QUERY = /^(page|size|page_no|page_size|pin_order|group_uid)$/;
const BAD_QUERY = [
    // [name, raw (encoded) value, malformed for: "num" (numeric parameters) | "all"]
    ["empty", "", "none"],
    ["negative", "-1", "paging"],
    ["huge-number", "99999999999999999999999", "num"],
    ["non-numeric", "abc", "num"],
    ["float-overflow", "1e309", "num"],
    ["unicode", enc("ünï😀"), "num"],
    ["nul", "a%00b", "all"],
    ["control", "a%07b", "all"],
    ["invalid-utf8", "%FF%FE", "all"],
    ["broken-escape", "%zz", "uri"],
    ["long-3000", "x".repeat(3000), "none"],
    ["json", enc('{"$ne":1}'), "none"],
];

function bodyCases(op, valid) {
    const cases = [];
    if (!op.media) return cases;
    const add = (name, body, contentType, expect, field) => cases.push({ name, body, contentType, expect, field });
    if (op.media === "multipart/form-data") {
        const ok = multipart("FZ", [{ name: "metrics", filename: "m.csv", type: "text/csv", content: `name,email\r\nA,a-${RUN}@example.com\r\n` }]);
        add("multipart:wrong-boundary", ok, "multipart/form-data; boundary=OTHER", "4xx", "multipart");
        add("multipart:no-boundary-parameter", ok, "multipart/form-data", "4xx", "multipart");
        add("multipart:truncated", ok.subarray(0, ok.length - 20), "multipart/form-data; boundary=FZ", "4xx", "multipart");
        add("multipart:only-closing-delimiter", Buffer.from("--FZ--\r\n"), "multipart/form-data; boundary=FZ", "4xx");
        add("multipart:missing-file-part", multipart("FZ", [{ name: "other", content: "x" }]), "multipart/form-data; boundary=FZ", "4xx", "metrics");
        add("multipart:part-without-headers", Buffer.from("--FZ\r\n\r\nname,email\r\n--FZ--\r\n"), "multipart/form-data; boundary=FZ", "4xx");
        add("multipart:garbage", Buffer.from("garbage without any boundary"), "multipart/form-data; boundary=FZ", "4xx", "multipart");
        add("multipart:nul-in-filename", multipart("FZ", [{ name: "metrics", filename: "a\u0000.csv", type: "text/csv", content: "name,email\r\n" }]), "multipart/form-data; boundary=FZ", "any");
        add("multipart:invalid-utf8-content", multipart("FZ", [{ name: "metrics", filename: "m.csv", type: "text/csv", content: Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x2c, 0x65, 0x6d, 0x61, 0x69, 0x6c, 0x0d, 0x0a, 0xff, 0xfe, 0x2c, 0x61, 0x40, 0x62, 0x2e, 0x63, 0x0d, 0x0a]) }]), "multipart/form-data; boundary=FZ", "any");
        add("multipart:empty-body", Buffer.alloc(0), "multipart/form-data; boundary=FZ", "4xx");
        add("content-type:json", Buffer.from("{}"), "application/json", "4xx");
        add("content-type:none", ok, undefined, "4xx");
        return cases;
    }
    const J = "application/json";
    const text = JSON.stringify(valid === undefined ? {} : valid);
    add("json:invalid", "{\"a\": ", J, "4xx");
    add("json:trailing-garbage", `${text} xyz`, J, "4xx");
    add("json:second-document", `${text} ${text}`, J, "4xx");
    add("json:empty-body", "", J, op.bodyRequired ? "4xx" : "any");
    add("json:whitespace-only", "   \n", J, op.bodyRequired ? "4xx" : "any");
    add("json:literal-null", "null", J, op.bodyRequired ? "4xx" : "any");
    add("json:deep-array-1000", `${"[".repeat(1000)}${"]".repeat(1000)}`, J, "4xx");
    add("json:deep-object-1000", `${'{"a":'.repeat(1000)}1${"}".repeat(1000)}`, J, "4xx");
    add("json:invalid-utf8-top", Buffer.concat([Buffer.from('{"'), Buffer.from([0xff, 0xfe]), Buffer.from('":1}')]), J, "4xx");
    add("json:bom-utf16", Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le")]), J, "4xx");
    add("json:huge-number", "1" + "0".repeat(5000), J, "4xx");
    add("content-type:text-plain", text, "text/plain", "4xx");
    add("content-type:xml", "<a/>", "application/xml", "4xx");
    add("content-type:none", text, undefined, "any");
    add("content-type:bad-charset", text, "application/json; charset=klingon", "any");
    add("json:top-level-wrong-type", Array.isArray(valid) ? '{"a":1}' : "[1,2]", J, "4xx");
    add("json:top-level-string", '"x"', J, "4xx");
    // Per property: duplicate key, wrong types, control characters, invalid UTF-8, a 2 MB string, deep nesting.
    const target = Array.isArray(valid) ? valid[0] : valid;
    if (!target || typeof target !== "object") return cases;
    const wrap = (obj) => (Array.isArray(valid) ? [obj, ...valid.slice(1)] : obj);
    const raw = (obj) => JSON.stringify(wrap(obj));
    const props = propertyTypes(op, target);
    let bigDone = false;
    for (const [prop, type] of Object.entries(props)) {
        const field = prop;
        const keys = JSON.stringify(target).slice(1, -1);
        const dupe = Array.isArray(valid) ? `[{${keys}${keys ? "," : ""}"${prop}":${JSON.stringify(target[prop] ?? 1)}}]`
            : `{${keys}${keys ? "," : ""}"${prop}":${JSON.stringify(target[prop] ?? 1)}}`;
        if (prop in target) add(`dup-key:${prop}`, dupe, J, "4xx", field);
        const wrongs = wrongValues(type);
        for (const [wname, value, strict] of wrongs) {
            add(`wrong-type:${prop}=${wname}`, raw({ ...target, [prop]: value }), J, strict ? "4xx" : "any", strict ? field : undefined);
        }
        if (type === "string" || type === "any") {
            add(`nul:${prop}`, raw({ ...target, [prop]: "a\u0000b" }), J, "4xx", field);
            add(`c0-control:${prop}`, raw({ ...target, [prop]: "a\u0007\u001bb" }), J, "4xx", field);
            add(`lone-surrogate:${prop}`, raw({ ...target, [prop]: "PLACEHOLDER" }).replace('"PLACEHOLDER"', '"a\\ud800b"'), J, "4xx", field);
            const before = raw({ ...target, [prop]: "PLACEHOLDER" }).split('"PLACEHOLDER"');
            add(`invalid-utf8:${prop}`, Buffer.concat([Buffer.from(before[0] + '"a'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('b"' + before[1])]), J, "4xx", field);
            if (!bigDone) {
                bigDone = true;
                add(`string-2mb:${prop}`, raw({ ...target, [prop]: "x".repeat(2 * 1024 * 1024) }), J, "4xx", field);
            }
        }
        if (type === "array" || type === "object" || type === "any") {
            add(`deep-1000:${prop}`, raw({ ...target, [prop]: "PLACEHOLDER" }).replace('"PLACEHOLDER"', "[".repeat(1000) + "]".repeat(1000)), J, "4xx");
        }
    }
    return cases;
}

/** [name, value, strict]: strict values can mean nothing for the type, so accepting them is a failure. */
function wrongValues(type) {
    const all = [
        ["object", { a: 1 }], ["array", [1]], ["string", "abc"], ["number", 12.5], ["integer", 7],
        ["boolean", true], ["null", null],
    ];
    const strict = {
        string: ["object", "array"],
        integer: ["object", "array", "string", "number", "boolean"],
        number: ["object", "array", "string", "boolean"],
        boolean: ["object", "array", "string", "number", "integer"],
        array: ["object", "string", "number", "integer", "boolean"],
        object: ["array", "string", "number", "integer", "boolean"],
        any: [],
    }[type] || [];
    const same = { string: ["string"], integer: ["integer"], number: ["number", "integer"], boolean: ["boolean"],
        array: ["array"], object: ["object"], any: all.map((a) => a[0]) }[type] || [];
    return all.filter(([n]) => !same.includes(n)).map(([n, v]) => [n, v, strict.includes(n)]);
}

/** The JSON type of each top-level property: from the schema when it says, else from the valid body. */
function propertyTypes(op, target) {
    let s = op.schema;
    if (s && s.type === "array") s = resolve(op.doc, s.items);
    const out = {};
    const props = s && !isAny(s) && s.properties || {};
    for (const [k, v] of Object.entries(props)) {
        const r = resolve(op.doc, v);
        out[k] = isAny(r) ? "any" : r.type === "integer" ? "integer" : r.type || "any";
        if (r.format === "date-time" || r.format === "uuid") out[k] = "string";
    }
    for (const [k, v] of Object.entries(target)) {
        if (out[k] && out[k] !== "any") continue;
        out[k] = v === null ? "any" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;
    }
    return out;
}

function multipart(boundary, parts) {
    const chunks = [];
    for (const p of parts) {
        let h = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
        if (p.filename !== undefined) h += `; filename="${p.filename}"`;
        h += "\r\n";
        if (p.type) h += `Content-Type: ${p.type}\r\n`;
        chunks.push(Buffer.from(h + "\r\n", "utf8"), Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content), Buffer.from("\r\n"));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return Buffer.concat(chunks);
}

function casesOf(op) {
    const pub = PUBLIC.find((x) => x.match.test(op.path));
    const auth = pub ? pub.valid() : validAuth(op);
    const valid = op.media === "multipart/form-data" ? undefined : op.example !== undefined && !exampleBody(op) ? op.example : exampleBody(op);
    const validBody = op.media === "multipart/form-data"
        ? { body: multipart("FZ", [{ name: "metrics", filename: "m.csv", type: "text/csv", content: `name,email\r\nB,b-${RUN}@example.com\r\n` }]), contentType: "multipart/form-data; boundary=FZ" }
        : op.media ? { body: JSON.stringify(valid === undefined ? {} : valid), contentType: "application/json" } : {};
    const cases = [];
    const base = { auth, path: {}, query: {}, ...validBody };
    if (pub) {
        for (const [name, over] of pub.bad()) {
            cases.push({ ...base, name, auth: { headers: {}, query: over.query }, path: over.path || {}, expect: "4xx" });
        }
    } else {
        for (const [name, a, statuses] of badAuths(op)) cases.push({ ...base, name, auth: a, expect: statuses });
    }
    if (op.family === "shorterloop" && !pub) {
        const h = (v) => ({ headers: { Authorization: `Bearer ${T.sl}`, initiativeId: v }, query: {} });
        cases.push({ ...base, name: "header:initiativeId-missing", auth: { headers: { Authorization: `Bearer ${T.sl}` }, query: {} }, expect: "4xx", field: "initiativeId" });
        cases.push({ ...base, name: "header:initiativeId-long", auth: h("X".repeat(3000)), expect: "4xx" });
        cases.push({ ...base, name: "header:initiativeId-utf8", auth: h(Buffer.from("ünï", "utf8").toString("latin1")), expect: "4xx" });
    }
    for (const prm of op.params.filter((x) => x.in === "path")) {
        const type = (resolve(op.doc, prm.schema || {}).type) || "string";
        for (const [name, value, kind] of BAD_PATH) {
            if (["company_id", "application_id", "word", "call"].includes(prm.name) && kind === "none") continue;
            const strict = kind === "all" || kind === "uri" || (kind === "int" && type === "integer");
            cases.push({ ...base, name: `path:${prm.name}=${name}`, path: { [prm.name]: value }, expect: strict ? "4xx" : "any" });
        }
    }
    for (const prm of op.params.filter((x) => x.in === "query")) {
        if (["api_key", "site_token", "signature", "expires", "token"].includes(prm.name)) continue; // credentials: above
        const numeric = NUMERIC_QUERY.test(prm.name) || resolve(op.doc, prm.schema || {}).type === "integer";
        for (const [name, value, kind] of BAD_QUERY) {
            const strict = kind === "all" || kind === "uri" || (kind === "num" && numeric)
                || (kind === "paging" && PAGING_QUERY.test(prm.name));
            cases.push({ ...base, name: `query:${prm.name}=${name}`, rawQuery: { [prm.name]: value }, expect: strict ? "4xx" : "any" });
        }
        cases.push({ ...base, name: `query:${prm.name}=repeated`, rawQuery: { [prm.name]: "1" }, repeat: prm.name, expect: "any" });
    }
    for (const c of bodyCases(op, valid)) cases.push({ ...base, ...c });
    return bound(cases);
}

/** At most MAX_PER_OPERATION cases: the credential cases always, a seeded sample of the rest. */
function bound(cases) {
    if (cases.length <= MAX_PER_OPERATION) return cases;
    const keep = cases.filter((c) => c.name.startsWith("auth:"));
    const rest = cases.filter((c) => !c.name.startsWith("auth:"));
    let s = SEED;
    const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let i = rest.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [rest[i], rest[j]] = [rest[j], rest[i]];
    }
    return keep.concat(rest.slice(0, MAX_PER_OPERATION - keep.length));
}

function target(op, c) {
    const p = op.path.replace(/\{([^}]+)\}/g, (_, name) => (name in c.path ? c.path[name] : enc(String(pathValue(name, op.path)))));
    const q = [];
    for (const [k, v] of Object.entries(c.auth.query || {})) if (v !== undefined) q.push(`${enc(k)}=${enc(String(v))}`);
    for (const [k, v] of Object.entries(c.rawQuery || {})) q.push(`${enc(k)}=${v}`);
    if (c.repeat) q.push(`${enc(c.repeat)}=2`);
    return q.length ? `${p}?${q.join("&")}` : p;
}

// ---------------------------------------------------------------------------------------------------------------
// Checks.

const LEAKS = ["at io.", "Exception", ".java:", "SELECT ", "INSERT ", "ERROR:  ", "org.postgresql", "SQLSTATE"];

function judge(op, c, r) {
    const problems = [];
    if (r.error) return [`no response: ${r.error}`];
    const text = r.body.toString("utf8");
    if (r.status >= 500) problems.push(`status ${r.status}`);
    for (const leak of LEAKS) if (text.includes(leak)) problems.push(`body contains "${leak}"`);
    const ok = r.status >= 200 && r.status < 300;
    if (Array.isArray(c.expect) && !c.expect.includes(r.status)) problems.push(`status ${r.status}, expected ${c.expect.join("/")}`);
    if (c.expect === "4xx" && ok) problems.push(`status ${r.status} for a malformed request (expected 4xx)`);
    if (r.status >= 400 && r.status < 500) {
        let body = null;
        try {
            body = JSON.parse(text);
        } catch (e) {
            body = null;
        }
        if (!ENVELOPES[op.family](body)) problems.push(`4xx body is not the ${op.family} envelope: ${JSON.stringify(text.slice(0, 160))}`);
        else if (c.field && r.status !== 400 && r.status !== 413) problems.push(`status ${r.status}: the malformed part was not what the service refused: ${text.slice(0, 160)}`);
        else if (c.field && !text.includes(c.field)) problems.push(`4xx body does not name "${c.field}": ${text.slice(0, 200)}`);
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------------------------

async function pool(items, n, fn) {
    let next = 0;
    await Promise.all(Array.from({ length: n }, async () => {
        while (next < items.length) {
            const i = next++;
            await fn(items[i], i);
        }
    }));
}

async function main() {
    await fixtures();
    const ops = await operations();
    const failures = new Map(); // "METHOD path | case" -> {count, example}
    let requests = 0;
    const perFamily = {};
    for (const op of ops) {
        const cases = casesOf(op);
        await pool(cases, CONCURRENCY, async (c) => {
            const headers = { Accept: "*/*", ...c.auth.headers };
            if (c.contentType) headers["Content-Type"] = c.contentType;
            const t = target(op, c);
            const r = await send(op.port, op.method, t, { headers, body: c.body });
            requests++;
            perFamily[op.family] = (perFamily[op.family] || 0) + 1;
            const problems = judge(op, c, r);
            if (problems.length) {
                const key = `${op.method} ${op.path} | ${c.name}`;
                if (!failures.has(key)) {
                    const bodyShown = c.body === undefined ? "" : Buffer.isBuffer(c.body) ? c.body.subarray(0, 120).toString("latin1")
                        : String(c.body).slice(0, 120);
                    failures.set(key, {
                        problems, status: r.status,
                        example: `${op.method} http://${HOST}:${op.port}${t.slice(0, 200)}${c.contentType ? ` [${c.contentType}]` : ""}${bodyShown ? ` body ${JSON.stringify(bodyShown)}` : ""}`,
                    });
                }
            }
        });
        console.log(`fuzz: ${String(cases.length).padStart(4)} cases  ${op.method} :${op.port}${op.path}`);
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`\nfuzz: ${ops.length} operations, ${requests} requests (${Object.entries(perFamily).map(([k, v]) => `${k} ${v}`).join(", ")}), ${seconds} s, seed ${SEED}`);
    if (!failures.size) {
        console.log("fuzz: no failures");
        return 0;
    }
    // Grouped by operation, then case.
    const byOp = new Map();
    for (const [key, f] of failures) {
        const [opKey, caseName] = key.split(" | ");
        if (!byOp.has(opKey)) byOp.set(opKey, []);
        byOp.get(opKey).push([caseName, f]);
    }
    console.log(`fuzz: ${failures.size} failing cases in ${byOp.size} operations`);
    for (const [opKey, list] of byOp) {
        console.log(`\n  ${opKey}`);
        for (const [caseName, f] of list) {
            console.log(`    FAIL ${caseName}: ${f.problems.join("; ")}`);
            console.log(`         ${f.example}`);
        }
    }
    return 1;
}

main().then((code) => process.exit(code), (e) => {
    console.log(`fuzz: FAIL ${e.stack || e}`);
    process.exit(2);
});
