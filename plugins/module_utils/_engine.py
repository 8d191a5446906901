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
from dataclasses import dataclass, field

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import CmrModule, CmrModuleError
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


@dataclass
class Plan:
    """What a run will do. ``before``/``after`` are whole objects; ``changes`` the changed keys."""

    action: str
    before: t.Optional[dict[str, t.Any]] = None
    after: t.Optional[dict[str, t.Any]] = None
    changes: dict[str, t.Any] = field(default_factory=dict)
    extra: dict[str, t.Any] = field(default_factory=dict)  # resource-specific result keys (e.g. cost)

    @property
    def changed(self) -> bool:
        return self.action != NONE

    def diff(self) -> dict[str, dict[str, t.Any]]:
        """Before/after of what changes only (netbox style), secrets stripped."""
        if self.action == CREATE:
            return {"before": {}, "after": strip_secrets(self.after or {})}
        if self.action == DELETE:
            return {"before": strip_secrets(self.before or {}), "after": {}}
        before = self.before or {}
        return {
            "before": strip_secrets({key: before.get(key) for key in self.changes}),
            "after": strip_secrets(dict(self.changes)),
        }


def changed_fields(current: t.Mapping[str, t.Any], desired: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """The desired values that differ from the current ones; None means "not managed"."""
    return {key: value for key, value in desired.items() if value is not None and current.get(key) != value}


class Resource:
    """Base of the resource modules: subclasses implement the hooks, ``run()`` does the rest.

    Hooks work in snake_case objects (translated through ``_api`` field maps):
    ``find()`` returns the current object or None; ``desired()`` the fields the task sets
    (None = leave alone); ``create()``/``update()`` return the object after the write;
    ``delete()`` removes it. Override ``plan()`` for resources with more than one action.
    """

    name = "resource"  # key of the returned object, e.g. "user"
    key_field = "name"  # the field that names the object for people (cmr_plan.key), e.g. "email"

    def __init__(self, module: CmrModule) -> None:
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
            return Plan(DELETE, before=current) if current is not None else Plan(NONE)
        desired = self.desired()
        if current is None:
            return Plan(CREATE, after={key: value for key, value in desired.items() if value is not None})
        changes = self.compare(current, desired)
        if not changes:
            return Plan(NONE, before=current, after=current)
        return Plan(UPDATE, before=current, after={**current, **changes}, changes=changes)

    def apply(self, plan: Plan) -> t.Optional[dict[str, t.Any]]:
        if plan.action == CREATE:
            return self.create(plan.after or {})
        if plan.action == UPDATE:
            return self.update(plan.before or {}, plan.changes)
        if plan.action == DELETE:
            self.delete(plan.before or {})
            return None
        return plan.after

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
        """What the task does, one ``Change`` per resource; override for paid or multi-resource work."""
        fields = tuple(plan.changes) if plan.action == UPDATE else ()
        return [Change(plan.action, self.name, self.natural_key(plan, obj) or "", fields=fields)]

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
        """A write may have landed but its answer was lost: read again instead of sending it again.

        Nothing left to do means the write landed: the run goes on, changed, with a warning.
        Otherwise the state is unknown and the task fails with changed=true (the write may
        still land), telling the user to look before retrying. Other errors are raised as they are.
        """
        if not exc.maybe_applied:
            raise exc
        try:
            again = self.plan()
        except (CmrApiError, CmrModuleError) as reread:
            raise CmrModuleError("state unknown: %s. Reading it again failed too (%s); the request was not sent again" % (exc, reread),
                                 changed=True, maybe_applied=True) from exc
        if again.changed:
            raise CmrModuleError("state unknown: %s. Reading it again does not show the change (yet); the request was not sent again"
                                 % exc, changed=True, maybe_applied=True) from exc
        self.module.warn("the answer to %s %s was lost; reading the state again shows the change applied, so it was not sent again"
                         % (exc.method, exc.path))
        return again

    @classmethod
    def main(cls, argument_spec: dict[str, t.Any], **kwargs: t.Any) -> None:
        """Entry point shared by the resource modules' ``main()``."""
        module = CmrModule(argument_spec, supports_check_mode=True, **kwargs)
        # The resource is built inside run(): a constructor that validates options (e.g. warmup_settings)
        # must fail with one line like every other check, not with a traceback.
        module.run(lambda: cls(module).run())
