# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plan callback: fed the way the task queue manager feeds it, it prints and writes the plan."""

from __future__ import annotations

import json
import pathlib
import typing as t

import pytest

from ansible import context
from ansible.module_utils.common.collections import ImmutableDict

from ansible_collections.coldmailreseller.cmr.plugins.callback import plan as plan_callback


class Named:
    def __init__(self, name: str, action: str = "") -> None:
        self.name = name
        self.action = self.resolved_action = action

    def get_name(self) -> str:
        return self.name


class Result:
    def __init__(self, host: str, task: str, result: dict[str, t.Any], action: str = "coldmailreseller.cmr.cmr_user") -> None:
        self._host = Named(host)
        self._task = Named(task, action)
        self._result = result


class Display:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def banner(self, text: str) -> None:
        self.lines.append("BANNER " + text)

    def display(self, text: str) -> None:
        self.lines.append(text)

    def warning(self, text: str) -> None:
        self.lines.append("WARNING " + text)


def callback(check: bool, plan_file: t.Optional[str]) -> plan_callback.CallbackModule:
    context.CLIARGS = ImmutableDict(check=check)
    module = plan_callback.CallbackModule()
    module._display = Display()  # type: ignore[assignment]
    module._plugin_options = {"plan_file": plan_file}  # what set_options() leaves; the option itself is exercised by the integration target
    return module


CREATE_USER = {"cmr_plan": {"action": "create", "resource_type": "user", "key": "a@acme.com", "cost": 0.0, "wallet_balance": None,
                            "check_mode": True, "changes": [{"action": "create", "resource_type": "user", "key": "a@acme.com",
                                                             "cost": 0.0, "fields": []}]}}


@pytest.mark.parametrize("check", [True, False])
def test_the_summary_and_the_file(tmp_path: pathlib.Path, check: bool) -> None:
    target = tmp_path / "plan.json"
    module = callback(check, str(target))
    result = json.loads(json.dumps(CREATE_USER))
    result["cmr_plan"]["check_mode"] = check
    module.v2_runner_on_ok(Result("localhost", "Create the user", result))
    module.v2_runner_on_skipped(Result("localhost", "Rename a mailbox", {}, action="coldmailreseller.cmr.cmr_mailbox"))
    module.v2_runner_on_skipped(Result("localhost", "Say hello", {}, action="ansible.builtin.debug"))
    module.v2_runner_on_failed(Result("localhost", "Order", {"msg": "CMR refused"}), ignore_errors=False)
    module.v2_playbook_on_stats(None)
    lines = module._display.lines  # type: ignore[attr-defined]
    assert lines[0] == ("BANNER CMR PLAN - what a real run would do (check mode: nothing was changed)" if check
                        else "BANNER CMR APPLY - what this run changed")
    assert "  + create   user a@acme.com" in lines
    assert "  localhost | Rename a mailbox" in lines and not any("Say hello" in line for line in lines)
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["mode"] == ("plan" if check else "apply")
    assert document["counts"]["create"] == 1
    assert document["failed"] == [{"host": "localhost", "task": "Order", "message": "CMR refused", "ignored": False}]
    assert lines[-1] == "Plan file: %s" % target


def test_no_file_without_the_option_and_a_warning_when_it_cannot_be_written(tmp_path: pathlib.Path) -> None:
    module = callback(True, None)
    module.v2_playbook_on_stats(None)
    assert list(tmp_path.iterdir()) == []
    module = callback(True, str(tmp_path / "missing" / "plan.json"))
    module.v2_playbook_on_stats(None)
    assert module._display.lines[-1].startswith("WARNING coldmailreseller.cmr.plan could not write the plan file")  # type: ignore[attr-defined]
