#!/usr/bin/env python3
"""Mixed traffic at a bounded rate against the running local stack (deploy/local/stack up), then a report.

Traffic: first SOAK_WARMUP seconds (default 60) of the mix as fast as one client goes (the warm-up: the JIT compiles
the paths the soak takes, the heap reaches its working size), then SOAK_SECONDS (default 600) at SOAK_RATE requests a
second (default 10):
  - imports: every SOAK_IMPORT_EVERY seconds (10) a CSV of SOAK_IMPORT_ROWS (1000) new members (multipart, 202);
  - sends: every SOAK_SEND_EVERY seconds (20) an email to a segment of 3 members (202);
  - reads: segment lists, job status, Fynd attribute definitions, GoSquared people, notification status;
  - tracking: GoSquared identify calls;
  - bad input: broken escapes, NUL and duplicate keys in JSON, an 11 MiB JSON body, broken multipart, a bad token.
Report: requests by kind, every 5xx and connection failure, the RSS of each service before the warm-up, at the start
(after it), every SOAK_RSS_EVERY seconds (default 30, to tell growth that levels off from growth that does not) and at
the end, and rows lost:
members imported (expected rows) against members found in the database, recipients sent against expected.
Exit status 1 when there was a 5xx, a failed connection, a bad request answered 2xx, or anything lost.
Python 3 standard library only; psql for the database count.
"""
import http.client
import json
import os
import subprocess
import sys
import time
import uuid

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STATE = os.path.join(REPO, ".local", "stack")
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
RATE = float(os.environ.get("SOAK_RATE", "10"))
IMPORT_ROWS = int(os.environ.get("SOAK_IMPORT_ROWS", "1000"))
IMPORT_EVERY = float(os.environ.get("SOAK_IMPORT_EVERY", "10"))
SEND_EVERY = float(os.environ.get("SOAK_SEND_EVERY", "20"))
RSS_EVERY = float(os.environ.get("SOAK_RSS_EVERY", "30"))
SETTLE = float(os.environ.get("SOAK_SETTLE", "60"))
WARMUP = float(os.environ.get("SOAK_WARMUP", "60"))
FLAT_SLOPE = 1.0  # MiB a minute: more, sustained over the soak, is growth that does not level off
FLAT_REST = 16  # MiB: at rest after the traffic, at most this far above the start
SERVICES = {"segments-service": 8081, "audience-service": 8082, "notification-service": 8083, "import-worker": 8084}
RUN = uuid.uuid4().hex[:8]
SUBSCRIPTION = 900_000_000 + int(time.time()) % 100_000_000
COMPANY = "soak" + RUN
APP = "app1"

counts = {}
failures = []  # (kind, what, status or error)


def token(*args):
    out = subprocess.run([os.path.join(REPO, "deploy", "local", "token"), *args], check=True,
                         capture_output=True, text=True).stdout
    return out.strip().splitlines()[-1]


SL = token("--subscription", str(SUBSCRIPTION), "--initiatives", "DEE", "--user", "soak")
FY = token("--company", COMPANY, "--applications", APP, "--user", "soak")
SL_AUTH = {"Authorization": "Bearer " + SL, "initiativeId": "DEE"}
FY_AUTH = {"Authorization": "Bearer " + FY}
FYND = f"/service/platform/user/v1.0/company/{COMPANY}/application/{APP}"


def request(kind, port, method, path, body=None, headers=None, expect="ok"):
    """One request; records 5xx, failed connections and (expect='4xx') a malformed request that was accepted."""
    counts[kind] = counts.get(kind, 0) + 1
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
    except Exception as e:  # a reset, a refused connection, a timeout
        failures.append((kind, f"{method} :{port}{path[:80]}", repr(e)))
        return None, b""
    finally:
        conn.close()
    if response.status >= 500:
        failures.append((kind, f"{method} :{port}{path[:80]}", f"{response.status} {data[:160]!r}"))
    elif expect == "4xx" and response.status < 400:
        failures.append((kind, f"{method} :{port}{path[:80]}", f"{response.status} for a malformed request"))
    return response.status, data


def json_call(kind, port, method, path, payload, headers):
    return request(kind, port, method, path, json.dumps(payload).encode(),
                   {**headers, "Content-Type": "application/json"})


def multipart(part, filename, content, ctype="text/csv"):
    boundary = "soak" + uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {ctype}\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": "multipart/form-data; boundary=" + boundary}


def rss_mib():
    out = {}
    for service in SERVICES:
        try:
            with open(os.path.join(STATE, service + ".pid")) as f:
                pid = f.read().strip()
            with open(f"/proc/{pid}/status") as f:
                out[service] = next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))
        except (OSError, StopIteration):
            out[service] = None
    return out


def psql(sql):
    env = {**os.environ, "PGPASSWORD": "app"}
    return subprocess.run(["psql", "-h", "127.0.0.1", "-p", "5432", "-U", "app", "-d", "audience", "-qtAX",
                           "-c", sql], check=True, capture_output=True, text=True, env=env).stdout.strip()


# ---- fixtures: a segment of three members to email, a GoSquared key for tracking and people reads
status, data = json_call("setup", 8081, "POST", "/api/v2/segments", {"value": "soak " + RUN}, SL_AUTH)
if status != 201:
    sys.exit(f"soak: cannot create the segment: {status} {data[:200]!r}")
SEGMENT = json.loads(data)["data"]["id"]
recipients = [{"name": f"Soak {i}", "email": f"soak.{RUN}.{i}@soak.example"} for i in range(3)]
status, data = json_call("setup", 8081, "POST", f"/api/v2/segments/{SEGMENT}/users", {"users": recipients}, SL_AUTH)
if status is None or status >= 300:
    sys.exit(f"soak: cannot add the segment's members: {status} {data[:200]!r}")
status, data = json_call("setup", 8082, "POST", FYND + "/api_keys", {"name": "soak"}, FY_AUTH)
if status is None or status >= 300:
    sys.exit(f"soak: cannot issue a GoSquared key: {status} {data[:200]!r}")
key = json.loads(data)
GS = f"api_key={key['api_key']}&site_token={key['site_token']}"

BAD = [
    lambda: request("bad", 8081, "GET", "/api/v2/segments/%zz", headers=SL_AUTH, expect="4xx"),
    lambda: request("bad", 8081, "GET", "/api/v2/segments?page=%zz", headers=SL_AUTH, expect="4xx"),
    lambda: request("bad", 8082, "GET", FYND + "/users/%zz", headers=FY_AUTH, expect="4xx"),
    lambda: request("bad", 8082, "GET", "/people/v1/people?" + GS + "&limit=%zz", expect="4xx"),
    lambda: request("bad", 8083, "GET", "/api/v2/notifications/%zz", headers=SL_AUTH, expect="4xx"),
    lambda: request("bad", 8081, "POST", "/api/v2/segments", b'{"value":"a\\u0000b"}',
                    {**SL_AUTH, "Content-Type": "application/json"}, expect="4xx"),
    lambda: request("bad", 8081, "POST", "/api/v2/segments", b'{"value":"a","value":"b"}',
                    {**SL_AUTH, "Content-Type": "application/json"}, expect="4xx"),
    lambda: request("bad", 8082, "POST", "/tracking/v1/identify?" + GS, b'{"person_id":',
                    {"Content-Type": "application/json"}, expect="4xx"),
    lambda: request("bad", 8081, "POST", "/api/v2/idea-manager/create-users", b"--x\r\nbroken",
                    {**SL_AUTH, "Content-Type": "multipart/form-data; boundary=x"}, expect="4xx"),
    lambda: request("bad", 8081, "GET", "/api/v2/segments", headers={"Authorization": "Bearer nope",
                                                                     "initiativeId": "DEE"}, expect="4xx"),
]
BIG = b'{"value":"' + b"a" * (11 << 20) + b'"}'
READS = [
    lambda: request("read", 8081, "GET", "/api/v2/segments", headers=SL_AUTH),
    lambda: request("read", 8081, "GET", f"/api/v2/segments/{SEGMENT}/users", headers=SL_AUTH),
    lambda: request("read", 8082, "GET", FYND + "/user_attribute/definition", headers=FY_AUTH),
    lambda: request("read", 8082, "GET", "/people/v1/people?" + GS),
    lambda: request("read", 8081, "GET", "/api/v2/jobs/" + imports[-1], headers=SL_AUTH) if imports else None,
    lambda: request("read", 8083, "GET", "/api/v2/notifications/" + notifications[-1], headers=SL_AUTH)
    if notifications else None,
]

imports = []  # job ids
notifications = []  # notification ids
imported_rows = 0
timers = {}


def step(tick, now):
    """One request of the mix: an import or a send when their timers are due, else a read, bad input or tracking."""
    global imported_rows
    if now >= timers["import"]:
        timers["import"] += IMPORT_EVERY
        n = len(imports)
        csv = "name,email\r\n" + "".join(f"Member {n}.{i},m.{RUN}.{n}.{i}@soak.example\r\n"
                                         for i in range(IMPORT_ROWS))
        body, headers = multipart("metrics", f"soak-{n}.csv", csv.encode())
        status, data = request("import", 8081, "POST", "/api/v2/idea-manager/create-users", body,
                               {**SL_AUTH, **headers})
        if status == 202:
            imports.append(json.loads(data)["data"]["jobId"])
            imported_rows += IMPORT_ROWS
        elif status is not None:
            failures.append(("import", "POST create-users", f"{status} {data[:160]!r}"))
    elif now >= timers["send"]:
        timers["send"] += SEND_EVERY
        status, data = json_call("send", 8081, "POST", f"/api/v2/segments/{SEGMENT}/send-email",
                                 {"subject": "Soak " + RUN, "body": "<p>Hello {firstName}</p>"}, SL_AUTH)
        if status == 202:
            notifications.append(json.loads(data)["data"]["notificationId"])
        elif status is not None:
            failures.append(("send", "POST send-email", f"{status} {data[:160]!r}"))
    elif tick % 10 < 6:
        READS[tick % len(READS)]()
    elif tick % 10 < 8:
        if tick % 100 == 9:
            request("bad", 8081, "POST", "/api/v2/segments", BIG, {**SL_AUTH, "Content-Type": "application/json"},
                    expect="4xx")
        else:
            BAD[tick % len(BAD)]()
    else:
        json_call("tracking", 8082, "POST", "/tracking/v1/identify?" + GS,
                  {"person_id": f"p{RUN}{tick}", "properties": {"email": f"p.{RUN}.{tick}@soak.example"}}, {})


def run(seconds, rate, on_tick=None):
    """The mix for `seconds` at `rate` requests a second (0: as fast as one client goes)."""
    began = time.time()
    timers.update({"import": began, "send": began + SEND_EVERY / 2})
    tick = 0
    while time.time() - began < seconds:
        now = time.time()
        if on_tick:
            on_tick(now - began)
        step(tick, now)
        tick += 1
        if rate:
            time.sleep(max(0.0, began + tick / rate - time.time()))
    return tick


# ---- warm-up: the same mix as fast as one client goes, so that the paths the soak takes are compiled and the heap
# has reached its working size before the start is measured; what follows measures whether memory keeps growing.
rss_boot = rss_mib()
warm_requests = run(WARMUP, 0)
print(f"soak: warm-up {WARMUP:g} s, {warm_requests} requests; RSS before it: "
      + ", ".join(f"{s} {m}" for s, m in rss_boot.items()), flush=True)

rss_start = rss_mib()
started = time.time()
rss_samples = [(0, rss_start)]


def sample_rss(at):
    if at >= len(rss_samples) * RSS_EVERY:
        rss_samples.append((round(at), rss_mib()))
        print(f"soak: RSS at {rss_samples[-1][0]} s: "
              + ", ".join(f"{s} {m}" for s, m in rss_samples[-1][1].items()), flush=True)


run(SECONDS, RATE, sample_rss)
elapsed = time.time() - started

# ---- the end: every job and notification finished, then the rows counted
deadline = time.time() + 300
pending = list(imports)
while pending and time.time() < deadline:
    status, data = request("final", 8081, "GET", "/api/v2/jobs/" + pending[0], headers=SL_AUTH)
    if status == 200 and json.loads(data)["data"]["status"] not in ("queued", "running"):
        pending.pop(0)
    else:
        time.sleep(1)
sent = 0
for notification in notifications:
    while time.time() < deadline:
        status, data = request("final", 8083, "GET", "/api/v2/notifications/" + notification, headers=SL_AUTH)
        if status == 200 and json.loads(data)["data"]["status"] == "completed":
            sent += json.loads(data)["data"]["sent"]
            break
        time.sleep(1)
found = int(psql(f"SELECT count(*) FROM segments.member WHERE subscription_id = {SUBSCRIPTION} "
                 f"AND email LIKE 'm.{RUN}.%'"))
rss_end = rss_mib()
# At rest: right after the last job and mail the services are often mid-swing (the compiler's arenas, which
# TrimNativeHeapInterval gives back within 5 s, and the heap between collections); sampled every 5 s for SETTLE s.
rest_samples = []
rest_until = time.time() + SETTLE
while time.time() < rest_until:
    time.sleep(5)
    rest_samples.append(rss_mib())

total = sum(v for k, v in counts.items() if k not in ("setup", "final"))
print(f"soak: {elapsed:.0f} s at {RATE:g}/s, {total} requests with the warm-up's ("
      + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k not in ("setup", "final")) + ")")
fivexx = [f for f in failures if f[2][:1] == "5"]
print(f"soak: 5xx: {len(fivexx)}; other failures (resets, timeouts, bad input accepted): "
      f"{len(failures) - len(fivexx)}")
for f in failures[:20]:
    print(f"soak:   {f[0]}: {f[1]} -> {f[2]}")


def slope_per_minute(points):
    """Least-squares slope of (seconds, MiB) points in MiB a minute; 0 with fewer than 3 points."""
    if len(points) < 3:
        return 0.0
    mean_t = sum(t for t, _ in points) / len(points)
    mean_m = sum(m for _, m in points) / len(points)
    var = sum((t - mean_t) ** 2 for t, _ in points)
    return 60 * sum((t - mean_t) * (m - mean_m) for t, m in points) / var if var else 0.0


flat_all = True
for service in SERVICES:
    points = [(t, m[service]) for t, m in rss_samples if m[service] is not None]
    sampled = [m for _, m in points]
    rest = sorted(m[service] for m in rest_samples if m[service] is not None)
    slope = slope_per_minute(points)
    rest_median = rest[len(rest) // 2] if rest else rss_end[service]
    flat = rss_start[service] is not None and slope <= FLAT_SLOPE and rest_median <= rss_start[service] + FLAT_REST
    flat_all = flat_all and flat
    print(f"soak: RSS {service:<21} before the warm-up {rss_boot[service]} MiB, start {rss_start[service]} MiB, end "
          f"{rss_end[service]} MiB, samples every {RSS_EVERY:g} s {min(sampled, default=0)}-{max(sampled, default=0)} "
          f"MiB; trend "
          f"{slope:+.2f} MiB/min; at rest {SETTLE:g} s after the traffic {min(rest, default=0)}-{max(rest, default=0)} "
          f"MiB (median {rest_median}): {'flat' if flat else 'NOT FLAT'}")
print(f"soak: RSS flat = trend over the soak at most {FLAT_SLOPE:g} MiB/min and, at rest after the "
      f"traffic, at most {FLAT_REST} MiB above the start (after the warm-up): {'all flat' if flat_all else 'not all flat'}")
lost_rows = imported_rows - found
lost_mails = 3 * len(notifications) - sent
print(f"soak: imports: {len(imports)} jobs ({len(pending)} unfinished), {imported_rows} rows expected, {found} found, "
      f"{lost_rows} lost")
print(f"soak: sends: {len(notifications)} notifications, {3 * len(notifications)} recipients expected, {sent} sent, "
      f"{lost_mails} lost")
sys.exit(1 if failures or lost_rows or lost_mails or pending else 0)
