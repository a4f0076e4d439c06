// Drives Fynd's own JavaScript SDK (@gofynd/fdk-client-javascript, unmodified) against audience-service on the local
// stack: every platform `user` call the SDK has for an endpoint of API.md §2, with the SDK's strict response check on
// (its Joi models must accept our answers), plus the group import through file_url and the worker, and a conditional
// group evaluated (and refreshed) by the worker.
//
//   node deploy/local/checks/fynd-sdk.mjs            (after `deploy/local/stack up`; see README.md beside this file)
//
// Exits 1 at the first expectation that does not hold. Every request goes to 127.0.0.1 only.
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { PlatformConfig, PlatformClient } = require("@gofynd/fdk-client-javascript");

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../../..");
const DOMAIN = process.env.AUDIENCE_URL || "http://127.0.0.1:8082";
const RUN = `${Date.now().toString(36)}${process.pid}`;
const COMPANY = `sdk${RUN}`;
const APP = "app1";
const PREFIX = `/service/platform/user/v1.0/company/${COMPANY}/application/${APP}`;

let failures = 0;
function check(condition, what, detail) {
    if (condition) {
        console.log(`fynd-sdk: ok   ${what}`);
    } else {
        failures++;
        console.log(`fynd-sdk: FAIL ${what}${detail === undefined ? "" : `: ${JSON.stringify(detail)}`}`);
    }
}
function fatal(what, error) {
    console.log(`fynd-sdk: FAIL ${what}: ${error && (error.message || error)}${error && error.details
        ? " " + JSON.stringify(error.details) : ""}`);
    process.exit(1);
}
async function step(what, call) {
    try {
        return await call();
    } catch (e) {
        fatal(what, e);
    }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const token = execFileSync(path.join(REPO, "deploy/local/token"), ["--company", COMPANY, "--applications", APP],
    { encoding: "utf8" }).trim().split("\n").pop();

function client(strict) {
    const config = new PlatformConfig({
        companyId: COMPANY, domain: DOMAIN, apiKey: "local", apiSecret: "local", useAutoRenewTimer: false,
        // Silent: the SDK logs every expected 4xx at ERROR, bearer token included; this script reports instead.
        logLevel: "SILENT",
    }, { strictResponseCheck: strict });
    config.oauthClient.setToken({ access_token: token, expires_in: 3600 });
    return new PlatformClient(config).application(APP).user;
}
// Strict: the SDK rejects any answer its response model does not accept. Lenient is the SDK's default, used only for
// the three deletes whose model (SuccessMessage) types `success` as a string while the vendor's page (DeleteDetail)
// and API.md say boolean; we answer the boolean and check it ourselves.
const user = client(true);
const lenient = client(false);

async function raw(method, pathname, body) {
    const response = await fetch(DOMAIN + PREFIX + pathname, {
        method, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : null };
}

// A CSV server on 127.0.0.1 for file_url (the local stack's worker allow-lists loopback).
const files = new Map();
const server = http.createServer((req, res) => {
    const body = files.get(req.url);
    if (body === undefined) {
        res.writeHead(404).end();
        return;
    }
    res.writeHead(200, { "Content-Type": "text/csv" }).end(body);
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const fileBase = `http://127.0.0.1:${server.address().port}`;

async function waitForGroup(groupId, what) {
    for (let i = 0; i < 120; i++) {
        const group = await step(`getUserGroupById ${what}`, () => user.getUserGroupById({ groupId }));
        if (group.status === "completed" || group.status === "failed") {
            return group;
        }
        await sleep(500);
    }
    fatal(`${what}: group ${groupId} still not finished after 60 s`);
}

try {
    // Attribute definitions (rows 1–5).
    const definition = await step("createUserAttributeDefinition", () => user.createUserAttributeDefinition({
        body: {
            name: "Loyalty tier", slug: `tier_${RUN}`, description: "tier from the SDK check", type: "string",
            customer_editable: true, validations: [{ type: "max_length", value: 10 }],
        },
    }));
    check(/^[0-9a-f]{24}$/.test(definition._id) && definition.slug === `tier_${RUN}`, "definition created", definition);
    const points = await step("createUserAttributeDefinition (number)", () => user.createUserAttributeDefinition({
        body: { name: "Points", slug: `points_${RUN}`, description: "points", type: "number",
            validations: [{ type: "min", value: 0 }] },
    }));
    const listed = await step("getUserAttributeDefinitions", () => user.getUserAttributeDefinitions({
        slug: `tier_${RUN}`, pageNo: 1, pageSize: 10 }));
    check(listed.items.length === 1 && listed.items[0]._id === definition._id && listed.page.item_total === 1,
        "definition list filtered by slug", listed);
    const byId = await step("getUserAttributeDefinitionById", () => user.getUserAttributeDefinitionById({
        attributeDefId: definition._id }));
    check(byId.name === "Loyalty tier", "definition read back", byId);
    const updated = await step("updateUserAttributeDefinition", () => user.updateUserAttributeDefinition({
        attributeDefId: definition._id, body: { name: "Tier", description: "renamed", type: "string",
            customer_editable: false } }));
    check(updated.name === "Tier" && updated.customer_editable === false, "definition updated", updated);

    // User attributes (rows 7–10, 23–25).
    const userId = `user_${RUN}`;
    const attribute = await step("updateUserAttribute", () => user.updateUserAttribute({
        attributeDefId: definition._id, userId, body: { attribute: { value: "gold" } } }));
    check(attribute.attribute && attribute.attribute.value === "gold" && attribute.user_id === userId,
        "attribute set", attribute);
    let rejected;
    try {
        await user.updateUserAttribute({ attributeDefId: definition._id, userId,
            body: { attribute: { value: "far too long for ten" } } });
    } catch (e) {
        rejected = e;
    }
    check(rejected && rejected.code === 400, "a value breaking max_length is a 400", rejected && rejected.message);
    const one = await step("getUserAttribute", () => user.getUserAttribute({ attributeDefId: definition._id,
        userId }));
    check(one._id === attribute._id, "attribute read by definition", one);
    const byAttributeId = await step("getUserAttributeById", () => user.getUserAttributeById({
        attributeId: attribute._id }));
    check(byAttributeId.attribute.value === "gold", "attribute read by id", byAttributeId);
    const bulk = await step("updateUserAttributes", () => user.updateUserAttributes({ userId,
        body: { attributes: [{ definition_id: definition._id, value: "silver" },
            { definition_id: points._id, value: 42 }] } }));
    check(bulk.success === true && bulk.attributes.length === 2, "two attributes set at once", bulk);
    const forUser = await step("getUserAttributesForUser", () => user.getUserAttributesForUser({ userId,
        pageNo: 1, pageSize: 10 }));
    check(forUser.items.length === 2 && forUser.page.item_total === 2, "the user's attributes listed", forUser);
    const deletedOne = await step("deleteUserAttribute", () => lenient.deleteUserAttribute({
        attributeDefId: points._id, userId }));
    check(deletedOne.success === true, "attribute deleted", deletedOne);
    const deletedMany = await step("deleteUserAttributesInBulk", () => lenient.deleteUserAttributesInBulk({ userId,
        body: { definition_ids: [definition._id] } }));
    check(deletedMany.success === true, "attributes deleted in bulk", deletedMany);

    // User groups (rows 14–17, 22) through file_url and the worker.
    files.set(`/${RUN}/members.csv`, `user_id,email,tier_${RUN}\r\n`
        + `a_${RUN},a.${RUN}@sdk.example,gold\r\nb_${RUN},b.${RUN}@sdk.example,silver\r\n`
        + `c_${RUN},not-an-email,bronze\r\n`);
    const group = await step("createUserGroup", () => user.createUserGroup({ body: {
        name: `SDK group ${RUN}`, description: "made by the SDK check", file_url: `${fileBase}/${RUN}/members.csv` } }));
    check(group.status === "pending" && Number.isInteger(group.uid), "group created pending", group);
    let done = await waitForGroup(group._id, "after create");
    check(done.status === "completed" && done.total_users && done.total_users.count === 2
        && done.error && done.error.count === 1, "group import completed with 2 members and 1 rejected row", done);
    const groups = await step("getUserGroups", () => user.getUserGroups({ pageNo: "1", pageSize: "10",
        name: `SDK group ${RUN}` }));
    check(groups.items.length === 1 && groups.items[0]._id === group._id, "group listed by name", groups);
    const byUid = await step("getUserGroupById (uid)", () => user.getUserGroupById({ groupId: String(group.uid) }));
    check(byUid._id === group._id, "group read by uid", byUid);
    const patched = await step("updateUserGroupPartially", () => user.updateUserGroupPartially({
        groupId: group._id, body: { description: "patched", user_data: [
            { user_id: `a_${RUN}`, action: "remove" }, { email: `d.${RUN}@sdk.example`, action: "add" }] } }));
    check(patched.description === "patched", "group patched", patched);
    done = await waitForGroup(group._id, "after patch");
    check(done.total_users.count === 2, "patch removed one member and added one", done);
    files.set(`/${RUN}/replace.csv`, `email\r\ne.${RUN}@sdk.example\r\n`);
    const replaced = await step("updateUserGroup", () => user.updateUserGroup({ groupId: group._id, body: {
        name: `SDK group ${RUN}`, description: "replaced", file_url: `${fileBase}/${RUN}/replace.csv` } }));
    check(replaced.description === "replaced", "group replaced", replaced);
    done = await waitForGroup(group._id, "after replace");
    check(done.total_users.count === 1, "replace left exactly the file's member", done);

    // Jobs (row 21): a bulk update's job read back through the SDK.
    files.set(`/${RUN}/bulk.csv`, `user_id\r\na_${RUN}\r\nb_${RUN}\r\n`);
    const accepted = await raw("PATCH", "/user_attribute/bulk_update", { file_url: `${fileBase}/${RUN}/bulk.csv`,
        attributes: [{ key: `points_${RUN}`, value: 7 }] });
    check(accepted.status === 202 && accepted.body.job_id, "bulk_update accepted", accepted);
    let job;
    for (let i = 0; i < 120; i++) {
        job = await step("getUsersJobByJobId", () => user.getUsersJobByJobId({ jobId: accepted.body.job_id }));
        if (job.status !== "queued" && job.status !== "running") break;
        await sleep(500);
    }
    check(job.status === "completed" && job.count.success === 2, "bulk update job completed for 2 users", job);

    // Conditional groups (row 15 with type conditional, row 20) and the attribute filter (row 26). Now a_ has tier
    // gold and 7 points, b_ silver and 7 points, d_ and e_ neither.
    const members = async (groupId) => {
        const page = await raw("GET", `/user_group/${groupId}/users?page_size=100`);
        return page.body.items.map((u) => u.user_id).sort();
    };
    const conditional = await step("createUserGroup (conditional)", () => user.createUserGroup({ body: {
        name: `SDK conditional ${RUN}`, description: "gold with at least 5 points", type: "conditional",
        conditions: [{ user_attribute_definition_id: points._id, type: "gte", value: "5" },
            { user_attribute_definition_id: definition._id, type: "in", value: "gold,platinum" }] } }));
    check(conditional.status === "pending" && conditional.type === "conditional"
        && conditional.conditions.length === 2 && conditional.conditions[1].value === "gold,platinum",
    "conditional group created pending with its conditions", conditional);
    done = await waitForGroup(conditional._id, "after the conditional create");
    let who = await members(conditional._id);
    check(done.status === "completed" && done.total_users.count === 1 && who.length === 1 && who[0] === `a_${RUN}`,
        "conditional group evaluated to exactly a_", { done, who });
    const filtered = await step("filterUsersByAttributes", () => user.filterUsersByAttributes({ body: { query: {
        type: "or", limit: 10, page: 1, definition_ids: [definition._id],
        conditions: [{ definition_id: definition._id, type: "eq", value: "SILVER" },
            { definition_id: points._id, type: "gt", value: 100 }] } } }));
    check(filtered.page.item_total === 1 && filtered.items.length === 1 && filtered.items[0].user_id === `b_${RUN}`
        && filtered.items[0].attributes[0].attribute.value === "silver", "filterUsersByAttributes found exactly b_",
    filtered);
    const paged = await step("filterUsersByAttributes (paged)", () => user.filterUsersByAttributes({ body: { query: {
        type: "and", limit: 1, page: 2, conditions: [{ definition_id: points._id, type: "btw", value: "1,10" }] } } }));
    check(paged.page.item_total === 2 && paged.page.current === 2 && paged.items.length === 1
        && paged.items[0].user_id === `b_${RUN}`, "second page of two people with 1-10 points", paged);
    // a_ leaves the group's conditions, b_ joins them: a refresh writes the difference.
    await step("updateUserAttribute (a_ bronze)", () => user.updateUserAttribute({ attributeDefId: definition._id,
        userId: `a_${RUN}`, body: { attribute: { value: "bronze" } } }));
    await step("updateUserAttribute (b_ gold)", () => user.updateUserAttribute({ attributeDefId: definition._id,
        userId: `b_${RUN}`, body: { attribute: { value: "gold" } } }));
    const refreshed = await raw("POST", `/user_group/${conditional._id}/refresh`);
    check(refreshed.status === 202 && refreshed.body.job_id, "conditional group refresh accepted", refreshed);
    for (let i = 0; i < 120; i++) {
        job = await step("getUsersJobByJobId (refresh)", () => user.getUsersJobByJobId({
            jobId: refreshed.body.job_id }));
        if (job.status !== "queued" && job.status !== "running") break;
        await sleep(500);
    }
    done = await step("getUserGroupById (after the refresh)", () => user.getUserGroupById({
        groupId: conditional._id }));
    who = await members(conditional._id);
    check(job.status === "completed" && done.status === "completed" && done.total_users.count === 1
        && who.length === 1 && who[0] === `b_${RUN}`, "refresh re-evaluated the group to exactly b_",
    { job, done, who });
    let refused;
    try {
        await user.createUserGroup({ body: { name: `SDK bad ${RUN}`, description: "", type: "conditional",
            conditions: [{ user_attribute_definition_id: points._id, type: "cnt", value: "7" }] } });
    } catch (e) {
        refused = e;
    }
    check(refused && refused.code === 400 && /conditions\[0\]\.type/.test(refused.message),
        "a condition that does not fit its attribute is a 400 naming it", refused && refused.message);

    const deletedDefinition = await step("deleteUserAttributeDefinitionById", () =>
        lenient.deleteUserAttributeDefinitionById({ attributeDefId: definition._id }));
    check(deletedDefinition.success === true, "definition deleted", deletedDefinition);
    let gone;
    try {
        await user.getUserAttributeDefinitionById({ attributeDefId: definition._id });
    } catch (e) {
        gone = e;
    }
    check(gone && gone.code === 404, "a deleted definition is a 404", gone && gone.message);
} finally {
    server.close();
}

if (failures > 0) {
    console.log(`fynd-sdk: ${failures} check(s) failed`);
    process.exit(1);
}
console.log("fynd-sdk: every call passed");
