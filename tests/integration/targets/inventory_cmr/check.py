"""Assertions of runme.sh on ansible-inventory output and the simulator.

    python check.py WORK COMMAND [ARGS...]

WORK holds state.json (the simulator's state after setup.yml) and sim.env. Each command exits
non-zero with a message when its assertion fails.
"""

from __future__ import annotations

import json
import os
import re
import sys
import typing as t
import urllib.request

SIM_URL = os.environ["SIM_URL"]
API_KEY = os.environ.get("CMR_API_KEY") or ""
SECRET_NAMES = re.compile(r"password|secret|api_?key|token|credential", re.IGNORECASE)


def sim(method: str, path: str) -> t.Any:
    with urllib.request.urlopen(urllib.request.Request(SIM_URL + path, method=method)) as answer:
        body = answer.read()
    return json.loads(body) if body else None


def load(path: str) -> dict[str, t.Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def plain(value: t.Any) -> t.Any:
    """ansible-inventory 2.19+ writes inventory strings as {"__ansible_unsafe": "..."}."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def inventory(path: str) -> tuple[dict[str, dict[str, t.Any]], dict[str, set[str]]]:
    """(hostvars by host, hosts by group) of an `ansible-inventory --list` output."""
    data = plain(load(path))
    hostvars = data.get("_meta", {}).get("hostvars", {})
    groups = {name: set(group.get("hosts") or []) for name, group in data.items() if name != "_meta"}
    return hostvars, groups


def expect(condition: bool, message: str) -> None:
    if not condition:
        sys.exit("check failed: " + message)


def state(work: str) -> dict[str, t.Any]:
    return load(os.path.join(work, "state.json"))


# --- commands -------------------------------------------------------------------------------

def clear_requests(_work: str) -> None:
    sim("DELETE", "/_sim/requests")


def requests(_work: str, count: str, *expected: str) -> None:
    """Exactly `count` CMR requests since the last clear (in this order when listed); then clear."""
    log = sim("GET", "/_sim/requests")
    seen = ["%s %s" % (entry["method"], entry["path"].split("/api/v1/integration", 1)[-1]) for entry in log]
    expect(len(seen) == int(count), "expected %s requests, CMR got %d: %s" % (count, len(seen), seen))
    if expected:
        expect(seen == list(expected), "requests %s, expected %s" % (seen, list(expected)))
    sim("DELETE", "/_sim/requests")


def graph(_work: str, path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    groups = set(re.findall(r"@([\w]+):", text))
    wanted = {
        "cmr_domains", "cmr_owner_ops_acme_example", "cmr_owner_sales_globex_example",
        "cmr_status_active", "cmr_status_expired", "cmr_provider_google", "cmr_provider_microsoft",
        "acme_com_domains",
    }
    expect(wanted <= groups, "groups missing from --graph: %s (got %s)" % (sorted(wanted - groups), sorted(groups)))
    for host in ("acme-one.com", "acme-two.com", "globex-one.net", "globex-old.net"):
        expect("--" + host in text, "%s missing from --graph" % host)


def domains(work: str, path: str) -> None:
    hostvars, groups = inventory(path)
    simulated = {domain["domainName"]: domain for domain in state(work)["domains"]}
    users = {user["userId"]: user for user in state(work)["users"]}
    expect(set(hostvars) == set(simulated), "hosts %s, domains %s" % (sorted(hostvars), sorted(simulated)))
    for name, variables in hostvars.items():
        domain = simulated[name]
        owner = users[domain["userId"]]
        want = {
            "cmr_type": "domain",
            "cmr_name": name,
            "cmr_domain_id": domain["domainId"],
            "cmr_user_id": domain["userId"],
            "cmr_owner": owner["email"],
            "cmr_owner_company": owner["company"],
            "cmr_status": domain["status"],
            "cmr_expiry_date": domain["expiryDate"],
            "cmr_service_provider": domain["serviceProvider"],
            "cmr_auto_renew": domain["autoRenew"],
            "ansible_connection": "local",
            "renewal_owner": owner["email"].upper(),  # compose
        }
        wrong = {key: (variables.get(key), value) for key, value in want.items() if variables.get(key) != value}
        expect(not wrong, "%s: host variables (got, expected): %s" % (name, wrong))
        expect(os.path.isabs(variables.get("ansible_python_interpreter") or ""), "%s: no ansible_python_interpreter" % name)
    expect(groups["cmr_status_active"] == {"acme-one.com", "acme-two.com", "globex-one.net"}, "cmr_status_active: %s" % groups["cmr_status_active"])
    expect(groups["cmr_status_expired"] == {"globex-old.net"}, "cmr_status_expired: %s" % groups["cmr_status_expired"])
    expect(groups["cmr_owner_ops_acme_example"] == {"acme-one.com", "acme-two.com"}, "owner group: %s" % groups["cmr_owner_ops_acme_example"])
    expect(groups["cmr_provider_microsoft"] == {"globex-one.net", "globex-old.net"}, "provider group: %s" % groups["cmr_provider_microsoft"])
    expect(groups["acme_com_domains"] == {"acme-one.com", "acme-two.com"}, "groups: %s" % groups["acme_com_domains"])
    for year in {domain["expiryDate"][:4] for domain in simulated.values()}:
        members = {name for name, domain in simulated.items() if domain["expiryDate"].startswith(year)}
        expect(groups.get("expires_" + year) == members, "keyed group expires_%s: %s" % (year, groups.get("expires_" + year)))


def mailboxes(work: str, path: str) -> None:
    hostvars, groups = inventory(path)
    expect(set(hostvars) == {"jane@acme-one.com", "john@acme-one.com"}, "hosts: %s" % sorted(hostvars))
    simulated = {mailbox["email"]: mailbox for mailbox in state(work)["mailboxes"]}
    for email, variables in hostvars.items():
        mailbox = simulated[email]
        want = {"cmr_type": "mailbox", "cmr_mailbox_id": mailbox["mailboxId"], "cmr_email": email,
                "cmr_domain": "acme-one.com", "cmr_status": "ACTIVE", "cmr_owner": "ops@acme.example",
                "cmr_user_id": mailbox["userId"], "cmr_service_provider": "GOOGLE", "ansible_connection": "local"}
        wrong = {key: (variables.get(key), value) for key, value in want.items() if variables.get(key) != value}
        expect(not wrong, "%s: host variables (got, expected): %s" % (email, wrong))
    expect(groups["cmr_mailboxes"] == set(hostvars), "cmr_mailboxes: %s" % groups["cmr_mailboxes"])
    expect(groups["domain_acme_one_com"] == set(hostvars), "keyed group: %s" % groups.get("domain_acme_one_com"))


def users(work: str, path: str) -> None:
    hostvars, groups = inventory(path)
    expect(set(hostvars) == {"ops@acme.example", "sales@globex.example"}, "hosts: %s" % sorted(hostvars))
    ids = {user["email"]: user["userId"] for user in state(work)["users"]}
    for email, variables in hostvars.items():
        expect(variables.get("cmr_user_id") == ids[email] and variables.get("cmr_type") == "user", "%s: %s" % (email, variables))
        expect(variables.get("cmr_email") == email and variables.get("ansible_connection") == "local", "%s: %s" % (email, variables))
    expect(groups["cmr_users"] == set(hostvars), "cmr_users: %s" % groups["cmr_users"])


def active(_work: str, path: str) -> None:
    hostvars, _groups = inventory(path)
    expect(set(hostvars) == {"acme-one.com", "acme-two.com", "globex-one.net"}, "filters kept %s" % sorted(hostvars))


def same(_work: str, first: str, second: str) -> None:
    expect(load(first) == load(second), "%s and %s differ" % (first, second))


def no_secrets(work: str, *paths: str) -> None:
    """Neither the API key nor any mailbox credential of the simulator, nor a secret-looking name."""
    values = {API_KEY} if API_KEY else set()
    for mailbox in state(work)["mailboxes"]:
        values.update(str(value) for key, value in mailbox.items() if SECRET_NAMES.search(key) and value)
    files = []
    for path in paths:
        if os.path.isdir(path):
            files.extend(os.path.join(root, name) for root, _dirs, names in os.walk(path) for name in names)
        else:
            files.append(path)
    expect(files, "nothing to check in %s" % (paths,))
    for path in files:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        leaked = [value[:4] + "..." for value in values if value in text]
        expect(not leaked, "%s holds secret values: %s" % (path, leaked))
        names = sorted(set(re.findall(r'"(\w+)":', text)))
        expect(not [name for name in names if SECRET_NAMES.search(name)], "%s has secret-looking keys: %s" % (path, names))


def baseline(work: str, log: str) -> None:
    with open(log, encoding="utf-8") as handle:
        text = handle.read()
    for host in ("acme-one.com", "acme-two.com", "globex-one.net"):
        expect(re.search(r"^%s\s+: ok=1\s+changed=1\s+unreachable=0\s+failed=0" % re.escape(host), text, re.M),
               "%s: no ok=1 changed=1 in the recap" % host)
    expect("globex-old.net" not in text, "the EXPIRED domain was in the play")
    records = sim("GET", "/_sim/state")["records"]
    for host in ("acme-one.com", "acme-two.com", "globex-one.net"):
        kinds = sorted((record["recordType"], record["host"]) for record in records if record.get("domain") == host)
        expect(("MX", "@") in kinds and ("TXT", "_dmarc") in kinds and ("CNAME", "track") in kinds, "%s records: %s" % (host, kinds))


COMMANDS: dict[str, t.Callable[..., None]] = {
    "clear-requests": clear_requests,
    "requests": requests,
    "graph": graph,
    "domains": domains,
    "mailboxes": mailboxes,
    "users": users,
    "active": active,
    "same": same,
    "no-secrets": no_secrets,
    "baseline": baseline,
}

if __name__ == "__main__":
    COMMANDS[sys.argv[2]](sys.argv[1], *sys.argv[3:])
