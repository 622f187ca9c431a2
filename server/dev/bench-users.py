#!/usr/bin/env python3
"""The users benchmark: the console's user search against the same calls made straight to
Keycloak, side by side in one run, on the `scale` tenant (see seed-scale.py).

Expects the console serving on 127.0.0.1:3000 and the demo Keycloak on 127.0.0.1:8180 (the
wrapper `server/dev/bench users` arranges both). Signs in to the console as the demo platform
admin through Keycloak's own form, then for each figure runs the console's call and Keycloak's
calls in turn, interleaved, and keeps the median.

Figures (ms): first_page, page_500, prefix_search. Keycloak's side is the list and the count
with the same filters, sent at once on two connections, as the console sends them. Writes the
table to stdout and the figures to target/bench/users.json.
"""
import http.client
import json
import re
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path

CONSOLE = ("127.0.0.1", 3000)
KEYCLOAK = ("127.0.0.1", 8180)
ORIGIN = "http://127.0.0.1:3000"
TENANT = "scale"
PAGE_SIZE = 20
WARM_UP, RUNS = 5, 40
OUT = Path(__file__).resolve().parents[2] / "target" / "bench" / "users.json"


class Client:
    """One keep-alive connection with its own cookies."""

    def __init__(self, host, timeout=60):
        self.conn = http.client.HTTPConnection(*host, timeout=timeout)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()
        return response.status, dict((k.lower(), v) for k, v in response.getheaders()), data


def sign_in(username="pat.platform", password="demo"):
    console, keycloak = Client(CONSOLE), Client(KEYCLOAK)
    status, headers, _ = console.request("GET", "/auth/login?next=/")
    assert status == 303, f"/auth/login answered {status}"
    authorize = urllib.parse.urlsplit(headers["location"])
    status, _, html = keycloak.request("GET", f"{authorize.path}?{authorize.query}")
    assert status == 200, f"Keycloak's sign-in form answered {status}"
    action = re.search(r'id="kc-form-login"[^>]*action="([^"]+)"', html.decode()) or re.search(
        r'action="([^"]+)"[^>]*id="kc-form-login"', html.decode())
    action = urllib.parse.urlsplit(action.group(1).replace("&amp;", "&"))
    form = urllib.parse.urlencode({"username": username, "password": password, "credentialId": ""})
    status, headers, _ = keycloak.request(
        "POST", f"{action.path}?{action.query}", form,
        {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 302, f"Keycloak refused {username}: {status}"
    callback = urllib.parse.urlsplit(headers["location"])
    status, _, _ = console.request("GET", f"{callback.path}?{callback.query}")
    assert status == 303 and "ctc_session" in console.cookies, "the console gave no session"
    return console


def service_token():
    conn = http.client.HTTPConnection(*KEYCLOAK, timeout=30)
    body = urllib.parse.urlencode({"grant_type": "client_credentials",
                                   "client_id": "cloudtrust-console-service",
                                   "client_secret": "demo-service-secret"})
    conn.request("POST", "/realms/master/protocol/openid-connect/token", body,
                 {"Content-Type": "application/x-www-form-urlencoded"})
    return json.loads(conn.getresponse().read())["access_token"]


class Keycloak:
    """The baseline: the list and the count, at once, on two keep-alive connections."""

    def __init__(self):
        self.token = service_token()
        self.lists, self.counts = Client(KEYCLOAK), Client(KEYCLOAK)

    def search(self, page, q):
        filters = {"search": q} if q else {}
        list_query = urllib.parse.urlencode({**filters, "briefRepresentation": "true",
                                             "first": page * PAGE_SIZE, "max": PAGE_SIZE})
        count_query = urllib.parse.urlencode(filters)
        auth = {"Authorization": f"Bearer {self.token}"}
        answers = {}

        def run(name, client, path):
            answers[name] = client.request("GET", path, headers=auth)

        threads = [
            threading.Thread(target=run, args=("list", self.lists, f"/admin/realms/{TENANT}/users?{list_query}")),
            threading.Thread(target=run, args=("count", self.counts, f"/admin/realms/{TENANT}/users/count?{count_query}")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert answers["list"][0] == 200 and answers["count"][0] == 200, answers
        return len(json.loads(answers["list"][2])), int(answers["count"][2])


def console_search(console, page, q):
    body = urllib.parse.urlencode({"tenant": TENANT, "search[q]": q, "search[page]": page})
    status, _, data = console.request("POST", "/api/users/search", body, {
        "Content-Type": "application/x-www-form-urlencoded", "Origin": ORIGIN,
        "Accept": "application/json"})
    assert status == 200, f"the console answered {status}: {data[:300]!r}"
    answer = json.loads(data)
    return len(answer["users"]), answer["total"]


def timed(call):
    start = time.perf_counter()
    result = call()
    return (time.perf_counter() - start) * 1000, result


def main():
    console, keycloak = sign_in(), Keycloak()
    total = keycloak.search(0, "")[1]
    if total < 100_000:
        sys.exit(f"bench-users: the scale tenant holds {total} users, not 100,000: "
                 "run server/dev/seed-scale.py create --users 100000")
    figures = [("first_page", 0, ""), ("page_500", 500, ""), ("prefix_search", 0, "user0123")]
    rows = []
    for name, page, q in figures:
        ours, theirs = [], []
        for run in range(WARM_UP + RUNS):
            ms_c, got_c = timed(lambda: console_search(console, page, q))
            ms_k, got_k = timed(lambda: keycloak.search(page, q))
            assert got_c == got_k, f"{name}: the console found {got_c}, Keycloak {got_k}"
            if run >= WARM_UP:
                ours.append(ms_c)
                theirs.append(ms_k)
        value, base = statistics.median(ours), statistics.median(theirs)
        rows.append({"figure": name, "value": round(value, 2), "unit": "ms",
                     "baseline": "keycloak_direct", "baseline_value": round(base, 2),
                     "ratio": round(value / base, 3)})

    print(f"users benchmark: tenant {TENANT} ({total} users), median of {RUNS} runs each")
    print(f"{'figure':<15} {'console ms':>11} {'keycloak ms':>12} {'ratio':>7}")
    for r in rows:
        print(f"{r['figure']:<15} {r['value']:>11.2f} {r['baseline_value']:>12.2f} {r['ratio']:>7.3f}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(rows, indent=2) + "\n")
    print(f"written to {OUT}")


if __name__ == "__main__":
    main()
