# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The Terraform-style cycle every resource module shares.

read current -> compare with desired -> plan (create / update / delete / none, with the
before and after of the changed keys only) -> in check mode return the plan, otherwise
apply it -> result. The ``diff`` comes from the same plan, so ``--check --diff`` shows
exactly what a real run would do, and check mode never sends a write.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field, replace

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._paid import settle
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._secrets import strip_secrets

CREATE = "create"
UPDATE = "update"
DELETE = "delete"
NONE = "none"
PURCHASE = "purchase"  # a creation that is paid for (an order, a mailbox)
RENEW = "renew"  # a paid renewal of something that exists

# The result key every resource module returns (documented in doc_fragments/_common.py
# PLAN_RETURN); the coldmailreseller.cmr.plan callback adds it up across a whole run.
RESULT_KEY = "cmr_plan"
# When one task does several things, the one its cmr_plan.action names (the costliest first).
ACTION_ORDER = (PURCHASE, RENEW, DELETE, CREATE, UPDATE)


@dataclass(frozen=True)
class Change:
    """One resource a task creates, changes, deletes, buys or renews: a line of the run's plan.

    ``key`` is the resource's natural key (an e-mail address, a domain name, a DNS record);
    ``fields`` names (never values: secrets stay out) the settings an update changes.
    """

    action: str
    resource_type: str
    key: str
    cost: float = 0.0
    fields: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, t.Any]:
        return {"action": self.action, "resource_type": self.resource_type, "key": self.key,
                "cost": round(self.cost + 1e-9, 2), "fields": sorted(self.fields)}


def plan_report(resource_type: str, key: t.Optional[str], changes: t.Sequence[Change], check_mode: bool,
                wallet_balance: t.Optional[float] = None) -> dict[str, t.Any]:
    """The ``cmr_plan`` result value: what the task plans (check mode) or did, and what it costs."""
    actions = {change.action for change in changes}
    action = next((name for name in ACTION_ORDER if name in actions), NONE)
    return {
        "action": action,
        "resource_type": resource_type,
        "key": key,
        "cost": round(sum(change.cost for change in changes) + 1e-9, 2),
        "wallet_balance": wallet_balance,
        "check_mode": check_mode,
        "changes": [change.as_dict() for change in changes],
    }


@dataclass(frozen=True)
class Action:
    """One step a plan takes when applied: the plan line it is (what, on what, at what cost)
    and how to do it. ``apply`` gets the object as the steps before it left it and returns it
    as this step leaves it (None once it is gone)."""

    change: Change
    apply: t.Callable[[t.Optional[dict[str, t.Any]]], t.Optional[dict[str, t.Any]]]
    also: tuple[Change, ...] = ()  # what the step does to other resources (the mailboxes a cancellation deletes)


@dataclass
class Plan:
    """What a run will do.

    ``before``/``after`` are whole objects and ``changes`` the changed settings: they make the
    diff. ``actions`` are the steps a real run takes, in order; check mode and the real run
    come from the same plan, and a plan without actions changes nothing. ``expected`` holds
    what the actions change besides settings, as (before, after) pairs (a renewal's expiry
    date, the mailboxes a cancellation deletes): shown in the diff, never sent. ``extra``
    holds resource-specific result keys (a price, a reason).
    """

    action: str
    before: t.Optional[dict[str, t.Any]] = None
    after: t.Optional[dict[str, t.Any]] = None
    changes: dict[str, t.Any] = field(default_factory=dict)
    extra: dict[str, t.Any] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    expected: dict[str, tuple[t.Any, t.Any]] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.actions)

    def diff(self) -> dict[str, dict[str, t.Any]]:
        """Before/after of what changes only (netbox style), secrets stripped."""
        if self.action == CREATE:
            return {"before": {}, "after": strip_secrets(self.after or {})}
        if self.action == DELETE:
            return {"before": strip_secrets(self.before or {}), "after": {}}
        before = self.before or {}
        return {
            "before": strip_secrets({**{key: before.get(key) for key in self.changes}, **{key: old for key, (old, _new) in self.expected.items()}}),
            "after": strip_secrets({**self.changes, **{key: new for key, (_old, new) in self.expected.items()}}),
        }


def changed_fields(current: t.Mapping[str, t.Any], desired: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The desired values that differ from the current ones; None means "not managed"."""
    return {key: value for key, value in desired.items() if value is not None and current.get(key) != value}


class ModuleContext(t.Protocol):
    """What a resource needs from its module: the engine never sees AnsibleModule itself."""

    client: CmrClient
    params: dict[str, t.Any]

    @property
    def check_mode(self) -> bool:
        """Whether the task runs in check mode."""

    def warn(self, message: str) -> None:
        """Add a warning to the task's result."""


class Resource:
    """Base of the resource modules: subclasses implement the hooks, ``run()`` does the rest.

    Hooks work in snake_case objects (translated through ``_api`` field maps):
    ``find()`` returns the current object or None; ``desired()`` the fields the task sets
    (None = leave alone); ``create()``/``update()`` return the object after the write;
    ``delete()`` removes it. Override ``plan()`` for resources with more than one action.
    """

    name = "resource"  # key of the returned object, e.g. "user"
    key_field = "name"  # the field that names the object for people (cmr_plan.key), e.g. "email"

    def __init__(self, module: ModuleContext) -> None:
        self.module = module
        self.client = module.client
        self.params = module.params

    # --- hooks -----------------------------------------------------------------------
    def find(self) -> t.Optional[dict[str, t.Any]]:
        raise NotImplementedError

    def desired(self) -> dict[str, t.Any]:
        raise NotImplementedError

    def create(self, desired: dict[str, t.Any]) -> dict[str, t.Any]:
        raise NotImplementedError

    def update(self, current: dict[str, t.Any], changes: dict[str, t.Any]) -> dict[str, t.Any]:
        raise NotImplementedError

    def delete(self, current: dict[str, t.Any]) -> None:
        raise NotImplementedError

    def compare(self, current: dict[str, t.Any], desired: dict[str, t.Any]) -> dict[str, t.Any]:
        return changed_fields(current, desired)

    # --- the cycle ---------------------------------------------------------------------
    @property
    def wanted_state(self) -> str:
        return self.params.get("state") or "present"

    def plan(self) -> Plan:
        current = self.find()
        if self.wanted_state == "absent":
            return self.plan_delete(current) if current is not None else Plan(NONE)
        desired = self.desired()
        if current is None:
            return self.plan_create({key: value for key, value in desired.items() if value is not None})
        changes = self.compare(current, desired)
        if not changes:
            return Plan(NONE, before=current, after=current)
        return self.plan_update(current, changes)

    # The three plain plans; resources add or replace actions (a renewal, a purchase) around them.
    def plan_create(self, desired: dict[str, t.Any]) -> Plan:
        # The steps read the plan when they run, so a resource may still complete plan.after
        # or plan.changes after this (e.g. the defaults a creation sends).
        plan = Plan(CREATE, after=desired)
        key = str(desired.get(self.key_field) or self.params.get(self.key_field) or "")
        plan.actions.append(Action(Change(CREATE, self.name, key), lambda _obj: self.create(plan.after or {})))
        return plan

    def plan_update(self, current: dict[str, t.Any], changes: dict[str, t.Any]) -> Plan:
        plan = Plan(UPDATE, before=current, after={**current, **changes}, changes=changes)
        change = Change(UPDATE, self.name, self.key_of(current), fields=tuple(changes))
        plan.actions.append(Action(change, lambda obj: self.update(obj or current, plan.changes)))
        return plan

    def plan_delete(self, current: dict[str, t.Any]) -> Plan:
        def delete(obj: t.Optional[dict[str, t.Any]]) -> None:
            self.delete(obj or current)

        return Plan(DELETE, before=current, actions=[Action(Change(DELETE, self.name, self.key_of(current)), delete)])

    def key_of(self, obj: t.Optional[t.Mapping[str, t.Any]]) -> str:
        return str((obj or {}).get(self.key_field) or self.params.get(self.key_field) or "")

    def apply(self, plan: Plan) -> t.Optional[dict[str, t.Any]]:
        """Take the plan's steps in order; each gets the object as the one before left it."""
        obj = plan.before
        for action in plan.actions:
            obj = action.apply(obj)
        return obj

    def result(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
        result = {"changed": plan.changed, self.name: strip_secrets(obj or {}), "diff": plan.diff()}
        result.update(plan.extra)
        result[RESULT_KEY] = self.plan_result(plan, obj)
        return result

    # --- the plan line(s) of the task (cmr_plan) ------------------------------------------------
    def plan_result(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
        changes = self.plan_changes(plan, obj) if plan.changed else []
        return plan_report(self.name, self.natural_key(plan, obj), changes, self.module.check_mode, self.wallet_balance())

    def plan_changes(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> list[Change]:
        """The plan's lines: one ``Change`` per action, keyed by the object's natural key once known."""
        key = self.natural_key(plan, obj) or ""
        lines = [action.change if action.change.key else replace(action.change, key=key) for action in plan.actions]
        return lines + [change for action in plan.actions for change in action.also]

    def natural_key(self, plan: Plan, obj: t.Optional[dict[str, t.Any]]) -> t.Optional[str]:
        for source in (obj, plan.after, plan.before, self.params):
            value = (source or {}).get(self.key_field)
            if value:
                return str(value)
        return None

    def wallet_balance(self) -> t.Optional[float]:
        """The wallet balance the task read while planning (None: it read none)."""
        return None

    def run(self) -> dict[str, t.Any]:
        plan = self.plan()
        obj = plan.after
        if plan.changed and not self.module.check_mode:
            try:
                obj = self.apply(plan)
            except CmrApiError as exc:
                obj = self.settle_lost_answer(exc).after
        return self.result(plan, obj)

    def settle_lost_answer(self, exc: CmrApiError) -> Plan:
        """A write may have landed but its answer was lost: plan again instead of sending it again.

        Nothing left to do means the write landed: the run goes on, changed, with a warning.
        Otherwise the state is unknown and the task fails with changed=true (the write may
        still land), telling the user to look before retrying. Other errors are raised as they are.
        """
        replanned: list[Plan] = []

        def nothing_left() -> bool:
            replanned.append(self.plan())
            return not replanned[-1].changed

        what = "the request %s %s for %s %s" % (exc.method, exc.path, self.name, self.natural_key(Plan(NONE), None) or "")
        settle(exc, what.rstrip(), nothing_left, "the %s with the matching _info module" % self.name, self.module.warn)
        return replanned[-1]
