#!/usr/bin/env python3
"""Counts, per recipient, the mails with a given subject in GreenMail's INBOXes (REST API).

    count_mails.py API_URL SUBJECT ADDRESS_TEMPLATE N [THREADS]

ADDRESS_TEMPLATE holds one {i}: recipient i is ADDRESS_TEMPLATE.format(i=i) for i in 1..N (the bench seeds its
members that way). GreenMail has no "all messages" call, so this asks every mailbox, over a few keep-alive
connections. Prints one line: "recipients=N delivered=D zero=Z duplicated=K extra=E max=M", where duplicated counts
recipients with more than one mail and extra the mails beyond the first. Exits 2 when the API fails.
"""
import http.client
import json
import sys
import threading
import urllib.parse

api, subject, template, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
threads = int(sys.argv[5]) if len(sys.argv) > 5 else 4
parsed = urllib.parse.urlparse(api)
counts = [0] * (n + 1)
errors = []


def worker(start):
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
    for i in range(start, n + 1, threads):
        address = urllib.parse.quote(template.format(i=i), safe="@")
        for attempt in range(3):
            try:
                conn.request("GET", f"/api/user/{address}/messages/INBOX")
                resp = conn.getresponse()
                body = resp.read()
                break
            except (OSError, http.client.HTTPException) as e:
                conn.close()
                conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
                if attempt == 2:
                    errors.append(f"{address}: {e}")
                    return
        if resp.status == 200:
            counts[i] = sum(1 for m in json.loads(body) if m.get("subject") == subject)
        elif resp.status in (400, 404):
            counts[i] = 0  # no such user: never received anything
        else:
            errors.append(f"{address}: HTTP {resp.status} {body[:200]!r}")
            return
    conn.close()


pool = [threading.Thread(target=worker, args=(s,)) for s in range(1, threads + 1)]
for t in pool:
    t.start()
for t in pool:
    t.join()
if errors:
    print("count_mails: " + "; ".join(errors[:5]), file=sys.stderr)
    sys.exit(2)
c = counts[1:]
print(f"recipients={n} delivered={sum(c)} zero={sum(1 for x in c if x == 0)} "
      f"duplicated={sum(1 for x in c if x > 1)} extra={sum(x - 1 for x in c if x > 1)} max={max(c) if c else 0}")
