# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plan/check/diff cycle: what check mode returns is exactly what a real run does."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._engine import (
    CREATE,
    DELETE,
    NONE,
    PURCHASE,
    RENEW,
    UPDATE,
    Action,
    Change,
    Plan,
    Resource,
    changed_fields,
    plan_report,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError


class FakeModule:
    def __init__(self, params: dict[str, t.Any], check_mode: bool = False) -> None:
        self.params = params
        self.check_mode = check_mode
        self.client = None
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)


class Widget(Resource):
    """A resource kept in a dict, recording every write."""

    name = "widget"

    def __init__(self, module: FakeModule, stored: t.Optional[dict[str, t.Any]]) -> None:
        super().__init__(module)  # type: ignore[arg-type]
        self.stored = stored
        self.writes: list[str] = []

    def find(self):
        return None if self.stored is None else dict(self.stored)

    def desired(self):
        return {"size": self.params.get("size"), "colour": self.params.get("colour"), "password": self.params.get("password")}

    def create(self, desired):
        self.writes.append("create")
        self.stored = dict(desired, widget_id="W1")
        return dict(self.stored)

    def update(self, current, changes):
        self.writes.append("update")
        self.stored = {**current, **changes}
        return dict(self.stored)

    def delete(self, current):
        self.writes.append("delete")
        self.stored = None


def run(params: dict[str, t.Any], stored: t.Optional[dict[str, t.Any]], check_mode: bool = False) -> tuple[dict[str, t.Any], Widget]:
    widget = Widget(FakeModule(params, check_mode), stored)
    return widget.run(), widget


def test_changed_fields_ignores_unmanaged_options() -> None:
    assert changed_fields({"a": 1, "b": 2}, {"a": 1, "b": None, "c": 3}) == {"c": 3}


@pytest.mark.parametrize("check_mode", [True, False])
def test_update_diff_lists_only_changed_keys(check_mode: bool) -> None:
    result, widget = run({"size": 3, "colour": "red"}, {"widget_id": "W1", "size": 2, "colour": "red"}, check_mode)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"size": 2}, "after": {"size": 3}}
    assert result["widget"] == {"widget_id": "W1", "size": 3, "colour": "red"}
    assert widget.writes == ([] if check_mode else ["update"])


def test_check_mode_predicts_what_the_real_run_returns() -> None:
    predicted = run({"size": 3, "colour": "blue"}, {"widget_id": "W1", "size": 2, "colour": "red"}, check_mode=True)[0]
    applied = run({"size": 3, "colour": "blue"}, {"widget_id": "W1", "size": 2, "colour": "red"})[0]
    assert predicted["cmr_plan"].pop("check_mode") is True and applied["cmr_plan"].pop("check_mode") is False
    assert predicted == applied


def test_no_change_is_not_changed_and_writes_nothing() -> None:
    result, widget = run({"size": 2}, {"widget_id": "W1", "size": 2, "colour": "red"})
    assert result["changed"] is False
    assert result["diff"] == {"before": {}, "after": {}}
    assert widget.writes == []


def test_create_and_secrets_never_reach_the_result() -> None:
    result, widget = run({"size": 1, "password": "hunter2"}, None)
    assert widget.writes == ["create"]
    assert result["diff"]["before"] == {}
    assert "password" not in result["diff"]["after"]
    assert "password" not in result["widget"]
    assert "hunter2" not in repr(result)


def test_delete_and_absent_is_idempotent() -> None:
    result, widget = run({"state": "absent"}, {"widget_id": "W1", "size": 2})
    assert (result["changed"], widget.writes, result["widget"]) == (True, ["delete"], {})
    assert result["diff"] == {"before": {"widget_id": "W1", "size": 2}, "after": {}}
    again, widget = run({"state": "absent"}, None)
    assert (again["changed"], widget.writes) == (False, [])


def test_a_plan_changes_something_only_through_its_actions() -> None:
    assert not Plan(NONE).changed
    assert not Plan(UPDATE, before={"size": 1}, changes={"size": 2}).changed  # settings alone are only a diff
    widget = Widget(FakeModule({"name": "blue", "size": 3}), {"widget_id": "W1", "name": "blue", "size": 2})
    plan = widget.plan()
    assert [action.change for action in plan.actions] == [Change(UPDATE, "widget", "blue", fields=("size",))]
    assert widget.writes == []  # planning sends nothing


def test_apply_takes_the_actions_in_order_each_on_the_object_the_previous_left() -> None:
    seen: list[t.Any] = []

    def step(name: str) -> Action:
        def apply(obj: t.Optional[dict[str, t.Any]]) -> dict[str, t.Any]:
            seen.append((name, dict(obj or {})))
            return dict(obj or {}, **{name: True})
        return Action(Change(UPDATE, "widget", "blue"), apply)

    widget = Widget(FakeModule({}), None)
    final = widget.apply(Plan(UPDATE, before={"size": 1}, actions=[step("first"), step("second")]))
    assert seen == [("first", {"size": 1}), ("second", {"size": 1, "first": True})]
    assert final == {"size": 1, "first": True, "second": True}


def test_the_plan_lines_are_the_actions_and_what_they_do_to_other_resources() -> None:
    widget = Widget(FakeModule({"name": "blue"}), None)
    also = (Change(DELETE, "mailbox", "a@blue.com"),)
    plan = Plan(UPDATE, before={"name": "blue"}, actions=[Action(Change(RENEW, "widget", "", cost=2.0), lambda obj: obj, also=also)])
    assert widget.plan_changes(plan, None) == [Change(RENEW, "widget", "blue", cost=2.0), also[0]]


def test_expected_effects_show_in_the_diff_only() -> None:
    plan = Plan(UPDATE, before={"expiry": "2026"}, changes={"auto": True}, expected={"expiry": ("2026", "2027")})
    assert plan.diff() == {"before": {"auto": None, "expiry": "2026"}, "after": {"auto": True, "expiry": "2027"}}


# --- a write whose answer is lost ----------------------------------------------------------------

class LossyWidget(Widget):
    """Applies (or not) the write, then loses the answer the way a dropped connection does."""

    def __init__(self, module: FakeModule, stored: t.Optional[dict[str, t.Any]], lands: bool, status: t.Optional[int] = None) -> None:
        super().__init__(module, stored)
        self.lands = lands
        self.status = status

    def create(self, desired):
        if self.lands:
            super().create(desired)
        else:
            self.writes.append("create")
        raise CmrApiError(self.status, "no answer", "POST", "/widgets", maybe_applied=self.status is None)


def test_a_lost_answer_whose_write_shows_is_a_change_with_a_warning() -> None:
    module = FakeModule({"size": 3})
    widget = LossyWidget(module, None, lands=True)
    result = widget.run()
    assert result["changed"] is True
    assert result["widget"]["widget_id"] == "W1"
    assert widget.writes == ["create"]  # never sent twice
    assert len(module.warnings) == 1 and "was lost" in module.warnings[0]


def test_a_lost_answer_whose_write_does_not_show_is_state_unknown_and_changed() -> None:
    widget = LossyWidget(FakeModule({"size": 3}), None, lands=False)
    with pytest.raises(CmrModuleError, match="^state unknown: .*the request was NOT sent again: check .* before retrying$") as caught:
        widget.run()
    assert caught.value.details == {"changed": True, "maybe_applied": True}
    assert widget.writes == ["create"]


def test_an_error_that_is_not_a_lost_answer_is_raised_as_it_is() -> None:
    widget = LossyWidget(FakeModule({"size": 3}), None, lands=False, status=400)
    with pytest.raises(CmrApiError, match="no answer"):
        widget.run()


# --- cmr_plan: the uniform plan line every resource module returns -------------------------------

@pytest.mark.parametrize("check_mode", [True, False])
def test_cmr_plan_of_a_creation_is_the_same_in_check_mode_and_for_real(check_mode: bool) -> None:
    result, _widget = run({"name": "blue", "size": 3, "password": "hunter2"}, None, check_mode=check_mode)
    assert result["cmr_plan"] == {
        "action": CREATE, "resource_type": "widget", "key": "blue", "cost": 0.0, "wallet_balance": None, "check_mode": check_mode,
        "changes": [{"action": CREATE, "resource_type": "widget", "key": "blue", "cost": 0.0, "fields": []}],
    }
    assert "hunter2" not in repr(result["cmr_plan"])


def test_cmr_plan_of_an_update_names_the_changed_fields_not_their_values() -> None:
    result, _widget = run({"name": "blue", "size": 4, "password": "hunter2"}, {"name": "blue", "size": 3, "widget_id": "W1"})
    assert result["cmr_plan"]["action"] == UPDATE
    assert result["cmr_plan"]["changes"][0]["fields"] == ["password", "size"]
    assert "hunter2" not in repr(result["cmr_plan"])


def test_cmr_plan_of_nothing_to_do_has_no_changes() -> None:
    result, _widget = run({"name": "blue", "size": 3}, {"name": "blue", "size": 3, "widget_id": "W1"})
    assert result["cmr_plan"]["action"] == NONE
    assert result["cmr_plan"]["changes"] == []
    assert result["cmr_plan"]["key"] == "blue"


def test_cmr_plan_of_a_deletion_keys_on_what_existed() -> None:
    result, _widget = run({"widget_id": "W1", "state": "absent"}, {"name": "blue", "size": 3, "widget_id": "W1"})
    assert result["cmr_plan"]["changes"] == [{"action": DELETE, "resource_type": "widget", "key": "blue", "cost": 0.0, "fields": []}]


def test_plan_report_names_the_costliest_action_and_adds_the_costs() -> None:
    changes = [Change(CREATE, "dns_record", "a"), Change(PURCHASE, "domain", "acme.com", cost=12.1), Change(PURCHASE, "mailbox", "j@acme.com", cost=3.2)]
    report = plan_report("order", "user U1", changes, check_mode=True, wallet_balance=20.0)
    assert report["action"] == PURCHASE
    assert report["cost"] == 15.3
    assert report["wallet_balance"] == 20.0
    assert plan_report("order", None, [Change(UPDATE, "x", "k"), Change(RENEW, "domain", "d", cost=1.0)], False)["action"] == RENEW
