# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The run's plan: the ``cmr_plan`` results of every task, loop item and host, added up.

The ``coldmailreseller.cmr.plan`` callback feeds task results in and prints ``summary_lines()``
and writes ``as_dict()`` (the plan file, described by docs/plan-file.schema.json). Nothing here
depends on Ansible's callback classes, so the unit tests drive it with plain dictionaries.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._secrets import redact_text, strip_secrets

FORMAT_VERSION = 1
RESULT_KEY = "cmr_plan"  # module_utils/_engine.py RESULT_KEY: kept apart so the callback never imports the engine
ACTIONS = ("create", "purchase", "update", "renew", "delete")
SYMBOLS = {"create": "+", "purchase": "$", "update": "~", "renew": "R", "delete": "-"}
PAST = {"create": "created", "purchase": "purchased", "update": "updated", "renew": "renewed", "delete": "deleted"}
MAX_MESSAGE = 300  # a failed task's message is cut here: the plan names the failure, the task output has it whole


@dataclass
class RunPlan:
    """Everything the run planned (``check_mode=True``) or did, keyed by resource."""

    check_mode: bool
    changes: dict[tuple[str, str, str], dict[str, t.Any]] = field(default_factory=dict)
    unchanged: int = 0
    previews: int = 0
    wallet_balance: t.Optional[float] = None
    failed: list[dict[str, t.Any]] = field(default_factory=list)
    skipped: list[dict[str, t.Any]] = field(default_factory=list)

    # --- feeding -------------------------------------------------------------------------------
    def add_result(self, host: str, task: str, result: t.Mapping[str, t.Any]) -> None:
        """A task's result, or each item's result of a loop."""
        for item in each_result(result):
            plan = item.get(RESULT_KEY)
            if isinstance(plan, dict):
                self.add_plan(host, task, plan)

    def add_plan(self, host: str, task: str, plan: t.Mapping[str, t.Any]) -> None:
        plan = strip_secrets(plan)  # modules never put secrets here; this keeps a stray one out of the file
        if self.wallet_balance is None and isinstance(plan.get("wallet_balance"), (int, float)):
            self.wallet_balance = float(plan["wallet_balance"])  # the first read: the balance before this run spent anything
        if bool(plan.get("check_mode")) and not self.check_mode:
            self.previews += 1  # a check_mode task inside a real run (a preview): it changed nothing
            return
        changes = [change for change in plan.get("changes") or [] if isinstance(change, dict)]
        if not changes:
            self.unchanged += 1
        for change in changes:
            self.add_change(host, task, bool(plan.get("check_mode")), change)

    def add_change(self, host: str, task: str, check_mode: bool, change: t.Mapping[str, t.Any]) -> None:
        # One resource is bought or deleted once, however many tasks (a preview, then the real
        # task) or hosts plan it: the same (action, type, key) is one line, its tasks listed.
        identity = (str(change.get("action")), str(change.get("resource_type")), str(change.get("key")))
        known = self.changes.get(identity)
        if known is not None:
            known["fields"] = sorted(set(known["fields"]) | set(change.get("fields") or []))
            if task not in known["tasks"]:
                known["tasks"].append(task)
            return
        self.changes[identity] = {
            "action": identity[0], "resource_type": identity[1], "key": identity[2],
            "cost": round(float(change.get("cost") or 0.0), 2), "fields": sorted(change.get("fields") or []),
            "host": host, "tasks": [task], "check_mode": check_mode,
        }

    def add_failed(self, host: str, task: str, result: t.Mapping[str, t.Any], ignored: t.Optional[bool] = False) -> None:
        """A failed (or unreachable) task; the items of a loop that did succeed still count."""
        self.add_result(host, task, result)
        failures = [item for item in each_result(result) if item.get("failed") or item.get("unreachable")] or [result]
        for item in failures:
            message = redact_text(str(item.get("msg") or item.get("message") or "failed"))
            if len(message) > MAX_MESSAGE:
                message = message[:MAX_MESSAGE] + "..."
            self.failed.append({"host": host, "task": task, "message": message, "ignored": bool(ignored)})  # Ansible passes None for "not ignored"

    def add_skipped(self, host: str, task: str) -> None:
        self.skipped.append({"host": host, "task": task})

    # --- reading -------------------------------------------------------------------------------
    @property
    def total_cost(self) -> float:
        return round(sum(change["cost"] for change in self.changes.values()) + 1e-9, 2)

    def counts(self) -> dict[str, int]:
        counts = {action: 0 for action in ACTIONS}
        for change in self.changes.values():
            counts[change["action"]] = counts.get(change["action"], 0) + 1
        return counts

    def resources_by_type(self) -> dict[str, int]:
        """How many distinct resources of each type the run touches (a mailbox bought then updated is one)."""
        by_type: dict[str, int] = {}
        for resource_type, _key in {(change["resource_type"], change["key"]) for change in self.changes.values()}:
            by_type[resource_type] = by_type.get(resource_type, 0) + 1
        return dict(sorted(by_type.items()))

    def wallet_covers(self) -> t.Optional[bool]:
        return None if self.wallet_balance is None else self.wallet_balance + 1e-9 >= self.total_cost

    def as_dict(self, playbooks: t.Sequence[str] = (), started: str = "", finished: str = "") -> dict[str, t.Any]:
        """The plan file (format_version 1, docs/plan-file.schema.json)."""
        return {
            "format_version": FORMAT_VERSION,
            "mode": "plan" if self.check_mode else "apply",
            "playbooks": list(playbooks),
            "started": started,
            "finished": finished,
            "counts": self.counts(),
            "resources_by_type": self.resources_by_type(),
            "cost": {"total": self.total_cost, "currency": "USD", "wallet_balance": self.wallet_balance,
                     "wallet_covers": self.wallet_covers()},
            "changes": sorted(self.changes.values(), key=change_order),
            "unchanged": self.unchanged,
            "previews": self.previews,
            "failed": list(self.failed),
            "skipped": list(self.skipped),
        }

    def summary_lines(self) -> list[str]:
        """The Terraform-style text printed at the end of the run."""
        counts = self.counts()
        lines = [self.title()]
        width = max([len(change["resource_type"]) for change in self.changes.values()] + [4])
        for change in self.as_dict()["changes"]:
            lines.append(change_line(change, width))
        if self.changes:
            lines.append("")
        else:
            lines.append("No changes: the CMR account already matches the playbooks." if self.check_mode else "No changes were made.")
        if self.check_mode:
            lines.append("Plan: " + ", ".join("%d to %s" % (counts[action], action) for action in ACTIONS) + ".")
        else:
            lines.append("Applied: " + ", ".join("%d %s" % (counts[action], PAST[action]) for action in ACTIONS) + ".")
        if self.changes:
            lines.append("Resources: " + ", ".join("%s %d" % item for item in self.resources_by_type().items()) + ".")
        lines.append(self.cost_line())
        lines.append("%d task result(s) with nothing to do%s." % (
            self.unchanged, "; %d check-mode preview(s) not counted" % self.previews if self.previews else ""))
        lines.extend(self.problem_lines())
        return lines

    def title(self) -> str:
        if self.check_mode:
            return "CMR PLAN - what a real run would do (check mode: nothing was changed)"
        return "CMR APPLY - what this run changed"

    def cost_line(self) -> str:
        verb = "Cost" if self.check_mode else "Spent"
        line = "%s: %.2f USD." % (verb, self.total_cost)
        if self.wallet_balance is not None:
            left = self.wallet_balance - self.total_cost
            if self.wallet_covers():
                line += " Wallet %.2f USD covers it (%.2f USD left)." % (self.wallet_balance, left)
            else:
                line += " Wallet %.2f USD does NOT cover it (%.2f USD short)." % (self.wallet_balance, -left)
        return line

    def problem_lines(self) -> list[str]:
        lines = []
        if self.failed:
            lines.append("Failed tasks (%s):" % ("the plan is incomplete" if self.check_mode else "a partial apply"))
            lines += ["  %s | %s: %s%s" % (f["host"], f["task"], f["message"], " (ignored)" if f["ignored"] else "") for f in self.failed]
        if self.skipped:
            lines.append("Skipped CMR tasks:")
            lines += ["  %s | %s" % (s["host"], s["task"]) for s in self.skipped]
        return lines


def change_order(change: t.Mapping[str, t.Any]) -> tuple[int, str, str]:
    """Create, purchase, update, renew, delete; then by type and key."""
    rank = ACTIONS.index(change["action"]) if change["action"] in ACTIONS else len(ACTIONS)
    return rank, change["resource_type"], change["key"]


def change_line(change: t.Mapping[str, t.Any], width: int) -> str:
    line = "  %s %-8s %-*s %s" % (SYMBOLS.get(change["action"], "?"), change["action"], width, change["resource_type"], change["key"])
    if change["fields"]:
        line += " (%s)" % ", ".join(change["fields"])
    if change["cost"]:
        line += "  %.2f USD" % change["cost"]
    return line


def each_result(result: t.Mapping[str, t.Any]) -> list[t.Mapping[str, t.Any]]:
    """The results of a loop's items, or the task's own result."""
    items = result.get("results")
    if isinstance(items, list) and items and all(isinstance(item, dict) for item in items):
        return items
    return [result]
