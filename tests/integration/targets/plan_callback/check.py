# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks of the plan_callback target: plan files against their schema and the simulator's state.

    check.py state OUT                       save the simulator's state
    check.py applied PLAN APPLY BEFORE AFTER  the plan equals what the real run did
    check.py empty PLAN                       nothing to do, cost 0
    check.py failed PLAN                      the failed task is listed, the partial apply counted
    check.py drift PLAN                       the drift run lists the record deleted outside Ansible
"""

from __future__ import annotations

import json
import os
import pathlib
import sys
import typing as t
import urllib.request

import jsonschema
import yaml

HERE = pathlib.Path(__file__).resolve().parent
CONFIG = yaml.safe_load((HERE.parents[1] / "integration_config.yml").read_text(encoding="utf-8"))
SCHEMA_PATH = "ansible_collections/coldmailreseller/cmr/docs/plan-file.schema.json"


def find_schema() -> pathlib.Path:
    """The schema the collection under test ships (ansible-test runs targets from a copy without docs/)."""
    roots = [pathlib.Path(p) for p in os.environ.get("ANSIBLE_COLLECTIONS_PATH", "").split(os.pathsep) if p]
    for candidate in [root / SCHEMA_PATH for root in roots] + [HERE.parents[3] / "docs" / "plan-file.schema.json"]:
        if candidate.is_file():
            return candidate
    raise SystemExit("docs/plan-file.schema.json not found under ANSIBLE_COLLECTIONS_PATH")


SCHEMA = json.loads(find_schema().read_text(encoding="utf-8"))


def load_plan(path: str, mode: str) -> dict[str, t.Any]:
    text = pathlib.Path(path).read_text(encoding="utf-8")
    assert CONFIG["cmr_api_key"] not in text, "the API key is in %s" % path
    for mailbox in sim_state()["mailboxes"]:
        for secret in ("password", "appPassword", "authenticatorSecret"):
            assert not mailbox.get(secret) or mailbox[secret] not in text, "a mailbox %s is in %s" % (secret, path)
    plan = json.loads(text)
    jsonschema.validate(plan, SCHEMA)
    assert plan["mode"] == mode, plan["mode"]
    return plan


def sim_state() -> dict[str, t.Any]:
    with urllib.request.urlopen(CONFIG["cmr_sim_url"] + "/_sim/state", timeout=30) as answer:
        return json.load(answer)


def keys(plan: dict[str, t.Any], action: str, resource_type: str) -> set[str]:
    return {c["key"] for c in plan["changes"] if c["action"] == action and c["resource_type"] == resource_type}


def applied(plan_path: str, apply_path: str, before_path: str, after_path: str) -> None:
    plan, done = load_plan(plan_path, "plan"), load_plan(apply_path, "apply")
    before = json.loads(pathlib.Path(before_path).read_text(encoding="utf-8"))
    after = json.loads(pathlib.Path(after_path).read_text(encoding="utf-8"))
    # The plan is what the run then did: the same lines, counts and cost.
    lines = [(c["action"], c["resource_type"], c["key"], c["cost"]) for c in plan["changes"]]
    assert lines == [(c["action"], c["resource_type"], c["key"], c["cost"]) for c in done["changes"]], (plan, done)
    assert plan["counts"] == done["counts"] == {"create": 3, "purchase": 3, "update": 2, "renew": 0, "delete": 0}, plan["counts"]
    assert plan["resources_by_type"] == {"dns_record": 3, "domain": 1, "mailbox": 3, "user": 1}, plan["resources_by_type"]
    assert plan["cost"]["total"] == done["cost"]["total"] > 0
    assert plan["cost"]["wallet_balance"] == before["wallet"] and plan["cost"]["wallet_covers"] is True
    # ... and the simulator shows exactly that.
    assert round(before["wallet"] - after["wallet"], 2) == done["cost"]["total"], (before["wallet"], after["wallet"], done["cost"])
    new_domains = {d["domainName"] for d in after["domains"]} - {d["domainName"] for d in before["domains"]}
    assert new_domains == keys(done, "purchase", "domain") == {"plan-new.com"}, new_domains
    new_mailboxes = {m["email"] for m in after["mailboxes"]} - {m["email"] for m in before["mailboxes"]}
    assert new_mailboxes == keys(done, "purchase", "mailbox") == {"ann@plan-new.com", "bob@plan-owned.com"}, new_mailboxes
    assert len(after["records"]) - len(before["records"]) == len(keys(done, "create", "dns_record")) == 3
    user = after["users"][0]
    assert keys(done, "update", "user") == {user["email"]} and user["phone"] == "5555550199"
    assert keys(done, "update", "mailbox") == {"amy@plan-owned.com"}
    assert [c["fields"] for c in done["changes"] if c["resource_type"] == "mailbox" and c["action"] == "update"] == [["last_name"]]
    assert plan["failed"] == done["failed"] == [] and plan["skipped"] == done["skipped"] == []


def empty(path: str) -> None:
    plan = load_plan(path, "apply")
    assert plan["changes"] == [] and plan["cost"]["total"] == 0, plan
    assert set(plan["counts"].values()) == {0} and plan["unchanged"] == 5, plan


def failed(path: str) -> None:
    plan = load_plan(path, "apply")
    assert [(f["task"], f["ignored"]) for f in plan["failed"]] == [("A mailbox nobody confirmed", False)], plan["failed"]
    assert "confirm: true" in plan["failed"][0]["message"]
    assert [(c["action"], c["key"]) for c in plan["changes"]] == [("create", "plan-owned.com TXT _dmarc v=DMARC1; p=none")], plan["changes"]


def drift(path: str) -> None:
    plan = load_plan(path, "plan")
    assert [(c["action"], c["resource_type"], c["key"]) for c in plan["changes"]] == [
        ("create", "dns_record", "plan-owned.com TXT @ v=spf1 include:_spf.google.com ~all")], plan["changes"]


def main(command: str, *args: str) -> None:
    if command == "state":
        pathlib.Path(args[0]).write_text(json.dumps(sim_state()), encoding="utf-8")
        return
    {"applied": applied, "empty": empty, "failed": failed, "drift": drift}[command](*args)
    print("%s: ok" % command)


if __name__ == "__main__":
    main(*sys.argv[1:])
