#!/usr/bin/env python3
"""The workflows benchmark: a bulk import of 10,000 rows through the console against the same
creations sent straight to Keycloak with the same concurrency, side by side in one run.

Expects the console serving on 127.0.0.1:3000 (its process id in CTC_BENCH_CONSOLE_PID, to read
its memory) and the demo Keycloak on 127.0.0.1:8180; `server/dev/bench workflows` arranges both.
Works in a realm of its own (`bench-wf`), created at the start and deleted at the end.

Figures: bulk_import_rate (users/s from the filing to the last row done; baseline: straight
to Keycloak, 4 at once, as the console's runner goes; the check of every row that filing runs
first is printed apart) and bulk_import_peak_rss_mb (the console's peak resident memory during the import;
baseline: its memory before the import). Writes target/bench/workflows.json.
"""
import json
import os
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from importlib import import_module

users_bench = import_module("bench-users")
Client, sign_in, service_token = users_bench.Client, users_bench.sign_in, users_bench.service_token

KEYCLOAK = ("127.0.0.1", 8180)
ORIGIN = "http://127.0.0.1:3000"
REALM = "bench-wf"
ROWS = int(os.environ.get("CTC_BENCH_ROWS", "10000"))
AT_ONCE = 4
OUT = Path(__file__).resolve().parents[2] / "target" / "bench" / "workflows.json"


def admin(method, path, body=None):
    # Deleting a realm of 20,000 users takes Keycloak minutes.
    client = Client(KEYCLOAK, timeout=900)
    headers = {"Authorization": f"Bearer {service_token()}", "Content-Type": "application/json"}
    data = json.dumps(body) if body is not None else None
    return client.request(method, f"/admin/realms{path}", data, headers)


def rss_mb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def call(console, endpoint, pairs):
    status, _, data = console.request("POST", f"/api/{endpoint}", urllib.parse.urlencode(pairs), {
        "Content-Type": "application/x-www-form-urlencoded", "Origin": ORIGIN,
        "Accept": "application/json"})
    assert status == 200, f"{endpoint} answered {status}: {data[:300]!r}"
    return json.loads(data) if data else None


def person(prefix, i):
    name = f"{prefix}{i:05d}"
    return [name, f"{name}@bench.example", "Bench", f"Row{i}"]


def through_console(console, pid):
    lines = ["username,email,firstName,lastName"] + [",".join(person("c", i)) for i in range(ROWS)]
    boundary = "ctc-bench-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"bench.csv\"\r\nContent-Type: text/csv\r\n\r\n" + "\r\n".join(lines)
            + f"\r\n--{boundary}--\r\n")
    status, headers, _ = console.request("POST", f"/import/t/{REALM}/users", body.encode(), {
        "Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": ORIGIN})
    assert status == 303 and "/requests/" in headers["location"], (status, headers)
    request_id = headers["location"].rsplit("/", 1)[1]
    assert "import?error" not in headers["location"], headers["location"]
    preview = call(console, "import/preview", [("tenant", REALM), ("id", request_id)])
    pairs = [("tenant", REALM), ("id", request_id), ("reason", "benchmark"),
             ("credential", "later"), ("enabled", "true")]
    pairs += [(f"mapping[{k}]", v) for k, v in preview["mapping"].items()]
    rss_before = rss_mb(pid)
    peak = [rss_before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.perf_counter()
    call(console, "import/submit", pairs)
    checked = time.perf_counter()
    while True:
        detail = call(console, "requests/get", [("tenant", REALM), ("id", request_id)])
        state = detail["summary"]["state"]
        if state not in ("approved", "running"):
            break
        time.sleep(0.5)
    elapsed = time.perf_counter() - checked
    done.set()
    sampler.join()
    assert state == "done", f"the import ended {state}: {detail['progress']}"
    assert detail["progress"]["rows_done"] == ROWS, detail["progress"]
    return ROWS / elapsed, checked - start, rss_before, peak[0]


class Token:
    """The service account's token, renewed when Keycloak says it expired (as the console's
    client does): a master-realm token lasts a minute, the run much longer."""

    def __init__(self):
        self.lock = threading.Lock()
        self.value = service_token()

    def renew(self, stale):
        with self.lock:
            if self.value == stale:
                self.value = service_token()
            return self.value


def straight_to_keycloak():
    token = Token()
    queue = list(range(ROWS))
    lock = threading.Lock()
    errors = []

    def worker():
        client = Client(KEYCLOAK)
        while True:
            with lock:
                if not queue:
                    return
                i = queue.pop()
            name, email, first, last = person("k", i)
            user = json.dumps({"username": name, "email": email, "firstName": first,
                               "lastName": last, "enabled": True})
            current = token.value
            for _ in range(2):
                headers = {"Authorization": f"Bearer {current}", "Content-Type": "application/json"}
                status, _, _ = client.request("POST", f"/admin/realms/{REALM}/users", user, headers)
                if status != 401:
                    break
                current = token.renew(current)
            if status != 201:
                errors.append(status)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(AT_ONCE)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    assert not errors, f"Keycloak refused {len(errors)} creations: {errors[:5]}"
    return ROWS / elapsed


def main():
    pid = int(os.environ["CTC_BENCH_CONSOLE_PID"])
    admin("DELETE", f"/{REALM}")
    status, _, body = admin("POST", "", {"realm": REALM, "enabled": True})
    assert status == 201, f"could not create the realm {REALM}: {status} {body[:200]!r}"
    try:
        console = sign_in()
        call(console, "workflow/policy-save", [("tenant", REALM), ("policy[bulk_threshold]", "0")])
        # Side by side: Keycloak's own rate first (it warms Keycloak for both), then the console.
        baseline = straight_to_keycloak()
        rate, check_s, rss_before, peak = through_console(console, pid)
    finally:
        admin("DELETE", f"/{REALM}")
    figures = [
        {"figure": "bulk_import_rate", "value": round(rate, 1), "unit": "users/s",
         "baseline": "straight to Keycloak, 4 at once", "baseline_value": round(baseline, 1),
         "ratio": round(rate / baseline, 3)},
        {"figure": "bulk_import_peak_rss_mb", "value": round(peak, 1), "unit": "MB",
         "baseline": "the console before the import", "baseline_value": round(rss_before, 1),
         "ratio": round(peak / rss_before, 3)},
    ]
    print(f"bulk import of {ROWS} rows (the check of every row before filing: {check_s:.1f} s)")
    print(f"{'figure':<26}{'value':>10}  {'baseline':>10}  {'ratio':>6}")
    for f in figures:
        print(f"{f['figure']:<26}{f['value']:>10} {f['unit']:<8}{f['baseline_value']:>8}  "
              f"{f['ratio']:>6}   (goal: rate >= 0.9, memory flat)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
