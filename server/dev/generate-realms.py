#!/usr/bin/env python3
"""Owns server/dev/realms/*.json: the demo realm import files (console, acme, globex).

Deterministic (fixed seed, fixed time anchor, no ids): rerunning rewrites byte-identical files.
Python 3 stdlib only. Run from anywhere: python3 server/dev/generate-realms.py
"""
import json
import random
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parent / "realms"
SEED = 20261201
ANCHOR_MS = 1796083200000  # 2026-12-01T00:00:00Z: "now" for generated createdTimestamps
DAY_MS = 86_400_000
DEMO_PASSWORD = "demo"
APP_SECRET = "demo-app-secret"

FIRST = """Adele Ahmed Aino Alba Amara Anouk Arjun Aurelien Beatriz Benoit Birgit Bruno Camille Carmen
Chiara Chloe Dario Deniz Diego Elif Elena Emeka Emil Esther Fatima Felix Freya Gaspard Greta Hamza
Hannah Ines Ingrid Isaac Jana Javier Joon Julia Jurgen Kai Kamal Karin Laila Lars Leon Lina Lucas
Luisa Malik Marek Maria Mateo Maya Mei Milan Mira Nadia Niko Nina Noor Olga Omar Oskar Paola Pavel
Priya Rafael Rania Rosa Sami Sara Sofia Soren Tariq Teresa Theo Tomas Ulla Valentin Vera Wei Yara
Yusuf Zoe Zofia""".split()
# A few accented spellings so search and sorting meet non-ASCII names.
FIRST += ["Zoé", "Jürgen", "Inès", "Søren", "Aurélien", "Chloé"]
LAST = """Abbott Achterberg Alvarez Andersen Bauer Becker Bianchi Bjork Brandt Carvalho Castillo Chen
Costa Dahl Delacroix Dimitrov Dubois Eriksen Esposito Falk Ferreira Fischer Fontaine Garcia Gruber
Haas Hansen Herrera Horvat Huber Ivanova Jansen Kaya Keller Kim Kowalski Kruger Lambert Larsen
Lindqvist Lopez Marchetti Martin Meier Moreau Muller Nakamura Navarro Nielsen Novak Okafor Olsen
Ortega Petrov Popescu Quinn Rahman Ramos Reyes Richter Rossi Sato Schmid Schneider Silva Sousa
Steiner Svensson Tanaka Torres Vargas Vasquez Vogel Wagner Weber Wolff Yilmaz Zimmermann""".split()
LAST += ["Müller", "Søndergaard", "Gonçalves", "Lefèvre"]

# department -> (subgroups, cost-centre base, job titles, group client-role mappings)
DEPARTMENTS = {
    "Engineering": (["Platform", "Product", "Quality"], 1100,
                    ["Software Engineer", "Senior Software Engineer", "Engineering Manager", "SRE", "QA Analyst"],
                    {"wiki": ["user"], "ticketing": ["user"]}),
    "Sales": (["EMEA", "Americas"], 1200,
              ["Account Executive", "Sales Manager", "Sales Development Rep"], {"crm": ["user"]}),
    "Marketing": ([], 1300, ["Marketing Specialist", "Content Writer", "Marketing Manager"], {"wiki": ["user"]}),
    "Finance": (["Accounting", "Controlling"], 1400,
                ["Accountant", "Financial Controller", "Finance Manager"], {"erp": ["user"], "expenses": ["approver"]}),
    "Human Resources": ([], 1500, ["HR Generalist", "Recruiter", "HR Manager"], {"hr-portal": ["admin"]}),
    "Operations": ([], 1600, ["Operations Analyst", "Logistics Coordinator", "Operations Manager"], {"erp": ["user"]}),
    "Legal": ([], 1700, ["Legal Counsel", "Paralegal"], {}),
    "Customer Support": (["Tier 1", "Tier 2"], 1800,
                         ["Support Agent", "Support Engineer", "Support Team Lead"], {"ticketing": ["agent"]}),
}
DEPT_WEIGHTS = [30, 18, 8, 10, 5, 12, 3, 14]

# clientId -> (display name, public client?, licence roles)
APPS = {
    "crm": ("Pipewick CRM", False, ["user", "admin"]),
    "erp": ("Ledgerloom ERP", False, ["user", "power-user", "admin"]),
    "wiki": ("Quillnest Wiki", True, ["user", "admin"]),
    "hr-portal": ("Peoplefold HR Portal", False, ["user", "admin"]),
    "expenses": ("Tallyleaf Expenses", False, ["user", "approver", "admin"]),
    "ticketing": ("Helmdesk Ticketing", True, ["user", "agent", "admin"]),
}
# direct (non-group) licence grants: (client, role, share of users)
DIRECT_GRANTS = [("expenses", "user", 0.35), ("hr-portal", "user", 0.30), ("wiki", "user", 0.20),
                 ("crm", "user", 0.05), ("erp", "power-user", 0.04), ("ticketing", "user", 0.10)]
REQUIRED_ACTIONS = [["UPDATE_PASSWORD"], ["VERIFY_EMAIL"], ["CONFIGURE_TOTP"], ["UPDATE_PASSWORD", "VERIFY_EMAIL"]]


def ascii_slug(name):
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def password():
    return [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}]


def realm_base(name, display):
    return {
        "realm": name,
        "displayName": display,
        "enabled": True,
        "sslRequired": "external",
        "registrationAllowed": False,
        "loginWithEmailAllowed": True,
        "duplicateEmailsAllowed": False,
        "resetPasswordAllowed": True,
        "bruteForceProtected": True,
        "permanentLockout": False,
        "failureFactor": 5,
        "waitIncrementSeconds": 60,
        "maxFailureWaitSeconds": 900,
        "quickLoginCheckMilliSeconds": 1000,
        "minimumQuickLoginWaitSeconds": 60,
        "maxDeltaTimeSeconds": 43200,
        "eventsEnabled": True,
        "eventsExpiration": 2592000,
        "eventsListeners": ["jboss-logging"],
        "adminEventsEnabled": True,
        "adminEventsDetailsEnabled": True,
    }


def user_profile(extra):
    """Default Keycloak 26 user profile plus the declared custom attributes."""
    def attr(name, display, validations, required=True, edit_user=True):
        a = {"name": name, "displayName": display}
        if required:
            a["required"] = {"roles": ["user"]}
        a["permissions"] = {"view": ["admin", "user"], "edit": ["admin", "user"] if edit_user else ["admin"]}
        a["validations"] = validations
        return a
    attrs = [
        attr("username", "${username}", {"length": {"min": 3, "max": 255}, "username-prohibited-characters": {},
                                         "up-username-not-idn-homograph": {}}, required=False),
        attr("email", "${email}", {"email": {}, "length": {"max": 255}}),
        attr("firstName", "${firstName}", {"length": {"max": 255}, "person-name-prohibited-characters": {}}),
        attr("lastName", "${lastName}", {"length": {"max": 255}, "person-name-prohibited-characters": {}}),
    ]
    for name, display in extra:
        a = attr(name, display, {"length": {"max": 255}}, required=False, edit_user=False)
        a["group"] = "employment"
        attrs.append(a)
    config = {"attributes": attrs, "groups": [
        {"name": "user-metadata", "displayHeader": "User metadata",
         "displayDescription": "Attributes, which refer to user metadata"},
        {"name": "employment", "displayHeader": "Employment", "displayDescription": "HR master data"},
    ]}
    return {"org.keycloak.userprofile.UserProfileProvider": [{
        "providerId": "declarative-user-profile", "subComponents": {},
        "config": {"kc.user.profile.config": [json.dumps(config, separators=(",", ":"))]}}]}


def console_realm():
    realm = realm_base("console", "CloudTrust Console")
    local = ["http://127.0.0.1:3000", "http://localhost:3000"]
    realm["clients"] = [{
        "clientId": "cloudtrust-console",
        "name": "CloudTrust Console",
        "enabled": True,
        "protocol": "openid-connect",
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "secret": "demo-console-secret",
        "standardFlowEnabled": True,
        "implicitFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "serviceAccountsEnabled": False,
        "redirectUris": [u + "/auth/callback" for u in local],
        "webOrigins": local,
        "attributes": {
            "pkce.code.challenge.method": "S256",
            "post.logout.redirect.uris": "##".join(u + "/*" for u in local),
        },
        "protocolMappers": [{
            "name": "console_access",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-group-membership-mapper",
            "consentRequired": False,
            "config": {"claim.name": "console_access", "full.path": "true", "id.token.claim": "true",
                       "access.token.claim": "true", "userinfo.token.claim": "true",
                       "introspection.token.claim": "true"},
        }],
    }]
    roles = [{"name": n} for n in ("tenant-admins", "helpdesk", "auditors")]
    realm["groups"] = [
        {"name": "platform-admins"},
        {"name": "tenants", "subGroups": [{"name": t, "subGroups": roles} for t in ("acme", "globex")]},
    ]
    people = [("alice.admin", "Alice", "Admin", ["/tenants/acme/tenant-admins"]),
              ("hugo.helpdesk", "Hugo", "Helpdesk", ["/tenants/acme/helpdesk"]),
              ("aude.auditor", "Aude", "Auditor", ["/tenants/acme/auditors", "/tenants/globex/auditors"]),
              ("gina.globex", "Gina", "Globex", ["/tenants/globex/tenant-admins"]),
              ("pat.platform", "Pat", "Platform", ["/platform-admins"]),
              ("nora.norole", "Nora", "Norole", [])]
    realm["users"] = [{
        "username": u, "enabled": True, "emailVerified": True, "firstName": f, "lastName": l,
        "email": u + "@console.example", "createdTimestamp": ANCHOR_MS - 400 * DAY_MS,
        "credentials": password(), "groups": g} for u, f, l, g in people]
    return realm


def tenant_realm(name, display, domain, seed, count=300, demo_logins=40):
    rng = random.Random(seed)
    realm = realm_base(name, display)
    realm["components"] = user_profile([("department", "Department"), ("jobTitle", "Job title"),
                                        ("employeeNumber", "Employee number"), ("costCenter", "Cost centre")])
    realm["clients"] = []
    for cid, (label, public, roles) in APPS.items():
        c = {"clientId": cid, "name": label, "description": f"{label} (demo business application)",
             "enabled": True, "protocol": "openid-connect", "publicClient": public,
             "standardFlowEnabled": True, "directAccessGrantsEnabled": True,
             "redirectUris": [f"https://{cid}.{domain}/*"], "webOrigins": [f"https://{cid}.{domain}"]}
        if not public:
            c.update({"clientAuthenticatorType": "client-secret", "secret": APP_SECRET})
        realm["clients"].append(c)
    realm["roles"] = {"client": {cid: [{"name": r, "description": f"{label} {r} licence", "clientRole": True}
                                       for r in roles] for cid, (label, _, roles) in APPS.items()}}
    realm["groups"] = [{"name": d, "subGroups": [{"name": s} for s in subs], "clientRoles": maps}
                       for d, (subs, _, _, maps) in DEPARTMENTS.items()]

    users, taken = [], set()
    admins = {cid: set(rng.sample(range(count), 2)) for cid in APPS}
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        base = f"{ascii_slug(first)}.{ascii_slug(last)}"
        username, n = base, 1
        while username in taken:
            n += 1
            username = f"{base}{n}"
        taken.add(username)
        dept = rng.choices(list(DEPARTMENTS), DEPT_WEIGHTS)[0]
        subs, cc, titles, _ = DEPARTMENTS[dept]
        group = f"/{dept}/{rng.choice(subs)}" if subs else f"/{dept}"
        roles = {}
        for cid, role, share in DIRECT_GRANTS:
            if rng.random() < share:
                roles.setdefault(cid, []).append(role)
        for cid, idx in admins.items():
            if i in idx:
                roles.setdefault(cid, []).append("admin")
        u = {
            "username": username,
            "enabled": True,
            "emailVerified": rng.random() > 0.1,
            "firstName": first,
            "lastName": last,
            "email": f"{username}@{domain}",
            "createdTimestamp": ANCHOR_MS - rng.randint(1, 730) * DAY_MS + rng.randint(0, DAY_MS - 1),
            "attributes": {"department": [dept], "jobTitle": [rng.choice(titles)],
                           "employeeNumber": [f"{name[0].upper()}{10000 + i * 7 + rng.randint(0, 6)}"],
                           "costCenter": [f"CC-{cc + rng.randint(0, 3) * 10}"]},
            "groups": [group],
        }
        if roles:
            u["clientRoles"] = {cid: sorted(r) for cid, r in sorted(roles.items())}
        users.append(u)

    # ~3 % disabled, a few with required actions, 40 sign-in users (enabled, no required actions)
    order = list(range(count))
    rng.shuffle(order)
    for i in order[:9]:
        users[i]["enabled"] = False
    for k, i in enumerate(order[9:21]):
        users[i]["requiredActions"] = REQUIRED_ACTIONS[k % len(REQUIRED_ACTIONS)]
    for i in sorted(order[21:21 + demo_logins]):
        users[i]["emailVerified"] = True
        users[i]["credentials"] = password()
    realm["users"] = users
    return realm


def main():
    OUT.mkdir(exist_ok=True)
    realms = [console_realm(), tenant_realm("acme", "ACME Corporation", "acme.example", SEED + 1),
              tenant_realm("globex", "Globex Inc.", "globex.example", SEED + 2)]
    for realm in realms:
        path = OUT / f"{realm['realm']}-realm.json"
        text = json.dumps(realm, indent=2, ensure_ascii=False) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")


if __name__ == "__main__":
    main()
