#!/usr/bin/env python3
"""Owns the `scale` realm: a tenant as large as real ones get, for the picker tests and the
benchmarks. It is not part of the demo; the test script creates it after the browser tests and
deletes it at the end.

    server/dev/seed-scale.py create [--groups 18000] [--clients 100] [--users 0]
    server/dev/seed-scale.py add-users N     # bulk-add users up to N in all (partial import)
    server/dev/seed-scale.py delete

Groups: 180 divisions of 99 teams each (18,000 in all). Clients: `app-001`... each with five
roles, the first of them marked privileged (role attribute privileged=true). Users are made-up
(`user000001`...), deterministic, no credentials. Python 3 stdlib only; talks to the demo
Keycloak on 127.0.0.1:8180 as the console's service account.
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

KEYCLOAK = "http://127.0.0.1:8180"
REALM = "scale"
CLIENT_ID = "cloudtrust-console-service"
CLIENT_SECRET = "demo-service-secret"
ROLES = ["privileged-admin", "user", "editor", "viewer", "approver"]
FIRST = "Ada Bo Cai Dana Eli Femi Gus Hana Ivo Jo Kira Lev Mo Nia Oli Pia Quin Ray Sol Tea".split()
LAST = "Amsel Berg Cruz Dalca Eng Fox Gill Hale Ito Juul Kahn Lund Moss Nagy Ortiz".split()


def token():
    data = urllib.parse.urlencode({
        "grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
    }).encode()
    with urllib.request.urlopen(f"{KEYCLOAK}/realms/master/protocol/openid-connect/token", data) as r:
        return json.load(r)["access_token"]


def call(method, path, body=None, timeout=900):
    request = urllib.request.Request(
        f"{KEYCLOAK}/admin/realms{path}", method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token()}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            text = r.read()
            return json.loads(text) if text else None
    except urllib.error.HTTPError as err:
        sys.exit(f"seed-scale: {method} {path} answered {err.code}: {err.read()[:500]!r}")


def exists():
    try:
        call("GET", f"/{REALM}")
        return True
    except SystemExit:
        return False


def representation(groups, clients):
    divisions = max(1, groups // 100)
    per = groups // divisions - 1
    tree = [{"name": f"Division {d:03}", "subGroups": [{"name": f"Team {d:03}-{t:03}"} for t in range(1, per + 1)]}
            for d in range(1, divisions + 1)]
    apps = [f"app-{c:03}" for c in range(1, clients + 1)]
    client_roles = {
        app: [{"name": role, "attributes": {"privileged": ["true"]} if role == "privileged-admin" else {}}
              for role in ROLES]
        for app in apps
    }
    return {
        "realm": REALM, "enabled": True, "displayName": "Scale test tenant",
        "groups": tree,
        "clients": [{"clientId": app, "name": f"Scale App {app[4:]}", "enabled": True,
                     "publicClient": False, "secret": "scale-secret", "standardFlowEnabled": False}
                    for app in apps],
        "roles": {"client": client_roles},
    }


def user(n):
    first, last = FIRST[n % len(FIRST)], LAST[(n // len(FIRST)) % len(LAST)]
    return {"username": f"user{n:06}", "firstName": first, "lastName": f"{last}{n}",
            "email": f"user{n:06}@scale.example", "emailVerified": True, "enabled": True,
            "attributes": {"costCentre": [str(1000 + n % 50)]}}


def add_users(total, batch=2000):
    have = call("GET", f"/{REALM}/users/count")
    start = time.time()
    for first in range(have, total, batch):
        users = [user(n) for n in range(first + 1, min(total, first + batch) + 1)]
        call("POST", f"/{REALM}/partialImport", {"ifResourceExists": "SKIP", "users": users})
        print(f"seed-scale: {first + len(users)} users ({time.time() - start:.0f} s)", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create")
    create.add_argument("--groups", type=int, default=18000)
    create.add_argument("--clients", type=int, default=100)
    create.add_argument("--users", type=int, default=0)
    more = sub.add_parser("add-users")
    more.add_argument("total", type=int)
    sub.add_parser("delete")
    args = parser.parse_args()

    if args.command == "delete":
        if exists():
            call("DELETE", f"/{REALM}")
        return
    if args.command == "create":
        if not exists():
            start = time.time()
            call("POST", "", representation(args.groups, args.clients))
            print(f"seed-scale: realm {REALM} with {args.groups} groups and {args.clients} clients "
                  f"created in {time.time() - start:.0f} s", file=sys.stderr)
        if args.users:
            add_users(args.users)
    if args.command == "add-users":
        add_users(args.total)


if __name__ == "__main__":
    main()
