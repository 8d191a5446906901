# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Adding up cmr_plan results across tasks, loop items and hosts (the plan callback's arithmetic)."""

from __future__ import annotations

import json
import pathlib
import typing as t

import jsonschema

from ansible_collections.coldmailreseller.cmr.plugins.plugin_utils._plan import RunPlan

SCHEMA = json.loads((pathlib.Path(__file__).parents[4] / "docs" / "plan-file.schema.json").read_text(encoding="utf-8"))


def cmr_plan(*changes: dict[str, t.Any], check_mode: bool = True, wallet: t.Optional[float] = None) -> dict[str, t.Any]:
    return {"cmr_plan": {"action": "x", "resource_type": "t", "key": "k", "cost": sum(c.get("cost", 0.0) for c in changes),
                         "wallet_balance": wallet, "check_mode": check_mode, "changes": list(changes)}}


def change(action: str, resource_type: str, key: str, cost: float = 0.0, fields: t.Sequence[str] = ()) -> dict[str, t.Any]:
    return {"action": action, "resource_type": resource_type, "key": key, "cost": cost, "fields": list(fields)}


ORDER = cmr_plan(change("purchase", "domain", "acme.com", 12.0), change("purchase", "mailbox", "jane@acme.com", 3.0), wallet=100.0)


def test_tasks_loop_items_and_hosts_are_added_up() -> None:
    plan = RunPlan(check_mode=True)
    plan.add_result("localhost", "order", ORDER)
    renamed = cmr_plan(change("update", "mailbox", "jane@acme.com", fields=["first_name"]))
    plan.add_result("localhost", "names", {"results": [renamed, cmr_plan(), {"skipped": True}]})
    plan.add_result("other", "user", cmr_plan(change("create", "user", "b@acme.com")))
    assert plan.counts() == {"create": 1, "purchase": 2, "update": 1, "renew": 0, "delete": 0}
    assert plan.resources_by_type() == {"domain": 1, "mailbox": 1, "user": 1}  # jane: bought then named, one mailbox
    assert plan.total_cost == 15.0
    assert plan.unchanged == 1
    assert plan.wallet_covers() is True


def test_the_same_resource_planned_twice_is_one_line_and_costs_once() -> None:
    plan = RunPlan(check_mode=True)
    plan.add_result("localhost", "preview the order", ORDER)
    plan.add_result("localhost", "order", ORDER)
    assert plan.total_cost == 15.0
    assert [c["tasks"] for c in plan.as_dict()["changes"]] == [["preview the order", "order"]] * 2


def test_a_preview_in_a_real_run_is_not_counted_but_its_wallet_read_is() -> None:
    plan = RunPlan(check_mode=False)
    plan.add_result("localhost", "preview", ORDER)
    plan.add_result("localhost", "order", cmr_plan(change("purchase", "domain", "acme.com", 12.0), check_mode=False, wallet=90.0))
    assert plan.previews == 1
    assert plan.total_cost == 12.0
    assert plan.wallet_balance == 100.0  # the first read: before the run spent anything
    assert plan.summary_lines()[0] == "CMR APPLY - what this run changed"
    assert "Spent: 12.00 USD. Wallet 100.00 USD covers it (88.00 USD left)." in plan.summary_lines()


def test_a_short_wallet_is_said() -> None:
    plan = RunPlan(check_mode=True)
    plan.add_result("localhost", "order", cmr_plan(change("purchase", "domain", "acme.com", 120.0), wallet=100.0))
    assert plan.wallet_covers() is False
    assert "Cost: 120.00 USD. Wallet 100.00 USD does NOT cover it (20.00 USD short)." in plan.summary_lines()


def test_failures_are_listed_with_secrets_masked_and_succeeded_items_still_count() -> None:
    plan = RunPlan(check_mode=False)
    loop = {"failed": True, "results": [cmr_plan(change("create", "user", "a@acme.com"), check_mode=False),
                                        {"failed": True, "msg": "bad request password=hunter2 refused"}]}
    plan.add_failed("localhost", "users", loop)
    plan.add_failed("localhost", "other", {"msg": "x" * 1000}, ignored=True)
    assert plan.counts()["create"] == 1
    assert plan.failed[0] == {"host": "localhost", "task": "users", "message": "bad request password=******** refused", "ignored": False}
    assert len(plan.failed[1]["message"]) == 303 and plan.failed[1]["ignored"] is True
    text = "\n".join(plan.summary_lines())
    assert "Failed tasks (a partial apply):" in text and "hunter2" not in text


def test_secret_fields_never_reach_the_file() -> None:
    plan = RunPlan(check_mode=True)
    leaky = cmr_plan(change("create", "user", "a@acme.com"))
    leaky["cmr_plan"]["changes"][0]["password"] = "hunter2"
    plan.add_result("localhost", "user", leaky)
    assert "hunter2" not in json.dumps(plan.as_dict())


def test_an_empty_plan_says_so_and_costs_nothing() -> None:
    plan = RunPlan(check_mode=True)
    plan.add_result("localhost", "user", cmr_plan())
    lines = plan.summary_lines()
    assert lines[0].startswith("CMR PLAN")
    assert "No changes: the CMR account already matches the playbooks." in lines
    assert "Plan: 0 to create, 0 to purchase, 0 to update, 0 to renew, 0 to delete." in lines
    assert plan.as_dict()["cost"] == {"total": 0.0, "currency": "USD", "wallet_balance": None, "wallet_covers": None}


def test_the_file_matches_its_schema() -> None:
    plan = RunPlan(check_mode=False)
    plan.add_result("localhost", "order", cmr_plan(change("purchase", "domain", "acme.com", 12.0), check_mode=False, wallet=50.0))
    plan.add_failed("localhost", "mailbox", {"msg": "boom"})
    plan.add_skipped("localhost", "dns")
    document = plan.as_dict(["site.yml"], "2026-01-01T00:00:00+00:00", "2026-01-01T00:01:00+00:00")
    jsonschema.validate(document, SCHEMA)
    assert document["format_version"] == 1 and document["mode"] == "apply"
    document["changes"][0]["password"] = "x"
    try:
        jsonschema.validate(document, SCHEMA)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("the schema accepted an undocumented key")


def test_ansible_s_none_for_not_ignored_is_false_in_the_file() -> None:
    plan = RunPlan(check_mode=False)
    plan.add_failed("localhost", "task", {"msg": "boom"}, ignored=None)
    assert plan.failed[0]["ignored"] is False
    jsonschema.validate(plan.as_dict(), SCHEMA)
