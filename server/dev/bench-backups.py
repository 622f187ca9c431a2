#!/usr/bin/env python3
"""The backups benchmark: a backup of a tenant of 20,000 users and 2,000 groups through the
console against the bare Admin API reads that backup needs, side by side in one run; then a
restore of that backup into a new realm.

Expects the console serving on 127.0.0.1:3000 (its process id in CTC_BENCH_CONSOLE_PID, its
key for the realm in CTC_BACKUP_KEY_BENCH_BK) and the demo Keycloak on 127.0.0.1:8180;
`server/dev/bench backups` arranges all three. Works in a realm of its own (`bench-bk`),
seeded at the start and kept for the next run (delete it with the admin console or
`DELETE /admin/realms/bench-bk`); the restored realm is deleted at the end.

The bare reads are what the console's backup asks Keycloak, with the same concurrency: the
partial export, each confidential client's secret, the user profile, the users 100 a page in
full, for each user (8 at a time) its groups, role mappings and linked identities, then one
pass over the ids alone (which finds anyone a page boundary skipped). No compression, no
encryption, nothing written: only the answers read.

Figures: backup_time (s; baseline: the bare reads), backup_peak_rss_mb (the console's peak
resident memory during the backup; baseline: its memory before), restore_time (s, into a new
realm; baseline: the backup's time). Writes target/bench/backups.json.
"""
import json
import os
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from importlib import import_module

users_bench = import_module("bench-users")
workflows = import_module("bench-workflows")
Client, sign_in, service_token = users_bench.Client, users_bench.sign_in, users_bench.service_token
rss_mb, call, Token = workflows.rss_mb, workflows.call, workflows.Token

KEYCLOAK = ("127.0.0.1", 8180)
REALM = "bench-bk"
USERS = int(os.environ.get("CTC_BENCH_USERS", "20000"))
GROUPS = int(os.environ.get("CTC_BENCH_GROUPS", "2000"))
PAGE = 100
AT_ONCE = 8
OUT = Path(__file__).resolve().parents[2] / "target" / "bench" / "backups.json"


def admin(method, path, body=None, token=None):
    client = Client(KEYCLOAK, timeout=1800)
    headers = {"Authorization": f"Bearer {token or service_token()}",
               "Content-Type": "application/json"}
    data = json.dumps(body) if body is not None else None
    return client.request(method, f"/admin/realms{path}", data, headers)


def group_paths():
    """GROUPS groups: 40 departments, the rest as their teams."""
    tops = 40
    per = max(0, (GROUPS - tops) // tops)
    tree = [{"name": f"dept{d:02d}", "subGroups": [{"name": f"team{t:03d}"} for t in range(per)]}
            for d in range(tops)]
    paths = [f"/dept{d:02d}/team{t:03d}" for d in range(tops) for t in range(per)]
    return tree, paths


def seed():
    status, _, _ = admin("GET", f"/{REALM}")
    if status == 200:
        status, _, body = admin("GET", f"/{REALM}/users/count")
        if int(body) >= USERS:
            print(f"bench: the realm {REALM} is seeded ({int(body)} users)", file=sys.stderr)
            return
        admin("DELETE", f"/{REALM}")
    tree, paths = group_paths()
    status, _, body = admin("POST", "", {
        "realm": REALM, "enabled": True, "groups": tree,
        "roles": {"realm": [{"name": f"role{r}"} for r in range(20)]},
        "clients": [{"clientId": f"app{c}", "secret": f"secret-{c}", "publicClient": False,
                     "serviceAccountsEnabled": c == 0} for c in range(10)]})
    assert status == 201, f"could not create {REALM}: {status} {body[:300]!r}"
    print(f"bench: seeding {REALM}: {USERS} users, {len(paths) + 40} groups", file=sys.stderr)
    for first in range(0, USERS, 1000):
        users = [{"username": f"u{i:06d}", "email": f"u{i:06d}@bench.example",
                  "firstName": "Bench", "lastName": f"User{i}", "enabled": True,
                  "attributes": {"department": [f"dept{i % 40:02d}"], "costCenter": [str(i % 97)]},
                  "groups": [paths[i % len(paths)], paths[(i * 7) % len(paths)]],
                  "realmRoles": [f"role{i % 20}"]}
                 for i in range(first, min(USERS, first + 1000))]
        status, _, body = admin("POST", f"/{REALM}/partialImport",
                                {"ifResourceExists": "SKIP", "users": users})
        assert status == 200, f"seeding users at {first}: {status} {body[:300]!r}"


def bare_reads():
    """The reads a backup needs, timed; answers (seconds, users read)."""
    token = Token()
    local = threading.local()

    def get(path):
        if not hasattr(local, "client"):
            local.client = Client(KEYCLOAK, timeout=300)
        current = token.value
        for _ in range(2):
            status, _, body = local.client.request(
                "GET" if not path.startswith("POST ") else "POST",
                f"/admin/realms/{REALM}{path.removeprefix('POST ')}", None,
                {"Authorization": f"Bearer {current}"})
            if status != 401:
                break
            current = token.renew(current)
        assert status == 200, f"{path}: {status} {body[:200]!r}"
        return json.loads(body)

    start = time.perf_counter()
    export = get("POST /partial-export?exportClients=true&exportGroupsAndRoles=true")
    for client in export.get("clients", []):
        if not client.get("publicClient") and not client.get("bearerOnly"):
            get(f"/clients/{client['id']}/client-secret")
    get("/users/profile")

    def one_user(user):
        uid = user["id"]
        get(f"/users/{uid}/groups?briefRepresentation=true&first=0&max=500")
        get(f"/users/{uid}/role-mappings")
        get(f"/users/{uid}/federated-identity")

    count = 0
    with ThreadPoolExecutor(AT_ONCE) as pool:
        first = 0
        while True:
            page = get(f"/users?briefRepresentation=false&first={first}&max={PAGE}")
            list(pool.map(one_user, page))
            count += len(page)
            if not page:
                break
            first += PAGE
    first = 0
    while True:
        ids = get(f"/users?briefRepresentation=true&first={first}&max=1000")
        if not ids:
            break
        first += 1000
    return time.perf_counter() - start, count


def settle(console, endpoint, key, ident, done_states):
    while True:
        answer = call(console, endpoint, [("tenant", REALM)])
        rows = answer[key] if key else answer
        row = next(r for r in rows if r["id"] == ident)
        if row["state"] in done_states:
            return row
        time.sleep(0.5)


def through_console(console, pid):
    before = rss_mb(pid)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb(pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    backup = call(console, "backups/start", [("tenant", REALM)])
    row = settle(console, "backups/list", "backups", backup, ("complete", "failed"))
    done.set()
    sampler.join()
    assert row["state"] == "complete", f"the backup ended {row['state']}: {row.get('error')}"
    elapsed = (row["finished_at_ms"] - row["started_at_ms"]) / 1000
    return backup, row, elapsed, before, peak[0]


def restore(console, backup):
    target = f"{REALM}-restored"
    admin("DELETE", f"/{target}")
    choice = [("tenant", REALM), ("choice[source]", backup), ("choice[into]", "new"),
              ("choice[new_realm]", target), ("choice[conflicts]", "fail"),
              ("choice[email_users]", "false")]
    ident = call(console, "restores/start", choice)
    row = settle(console, "restores/list", None, ident, ("done", "failed", "interrupted"))
    try:
        assert row["state"] == "done", f"the restore ended {row['state']}: {row.get('error')}"
        return (row["finished_at_ms"] - row["started_at_ms"]) / 1000, row["check"]["matches"]
    finally:
        admin("DELETE", f"/{target}")


def main():
    pid = int(os.environ["CTC_BENCH_CONSOLE_PID"])
    seed()
    console = sign_in()
    # Side by side: the bare reads first (they warm Keycloak for both), then the console.
    bare, read = bare_reads()
    backup, row, took, before, peak = through_console(console, pid)
    restored, matches = restore(console, backup)
    figures = [
        {"figure": "backup_time", "value": round(took, 1), "unit": "s",
         "baseline": "the bare Admin API reads", "baseline_value": round(bare, 1),
         "ratio": round(took / bare, 3)},
        {"figure": "backup_peak_rss_mb", "value": round(peak, 1), "unit": "MB",
         "baseline": "the console before the backup", "baseline_value": round(before, 1),
         "ratio": round(peak / before, 3)},
        {"figure": "restore_time", "value": round(restored, 1), "unit": "s",
         "baseline": "the backup's time", "baseline_value": round(took, 1),
         "ratio": round(restored / took, 3)},
    ]
    print(f"backup of {row['counts'].get('users')} users ({read} read bare), "
          f"{row['counts'].get('groups')} groups, {row['size_bytes']} bytes; "
          f"restore check {'matches' if matches else 'DIFFERS'}")
    print(f"{'figure':<22}{'value':>10}  {'baseline':>10}  {'ratio':>6}")
    goals = {"backup_time": "goal: <= 1.25", "backup_peak_rss_mb": "goal: < 150 MB",
             "restore_time": ""}
    for f in figures:
        print(f"{f['figure']:<22}{f['value']:>10} {f['unit']:<4}{f['baseline_value']:>10}  "
              f"{f['ratio']:>6}   {goals[f['figure']]}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"written {OUT}")


if __name__ == "__main__":
    main()
