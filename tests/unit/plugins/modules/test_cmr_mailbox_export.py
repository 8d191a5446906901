# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_mailbox_export: which mailboxes are exported, validation before any export, one request each."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrResponse
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.modules import cmr_mailbox_export as mod

GOOGLE = {"oauth_route": "https://r.example", "client_id": "1.apps.googleusercontent.com", "app_name": None}


class FakeClient:
    def __init__(self, mailboxes: list[dict[str, t.Any]], valid: bool = True, export_error: t.Optional[Exception] = None) -> None:
        self.mailboxes = mailboxes
        self.valid = valid
        self.export_error = export_error
        self.export_lands = False
        self.calls: list[tuple[str, t.Any]] = []

    def get_all(self, endpoint: t.Any, query: t.Any, items_key: t.Any) -> list[dict[str, t.Any]]:
        return self.mailboxes

    def call(self, endpoint: t.Any, query: t.Any = None, body: t.Any = None) -> CmrResponse:
        self.calls.append((endpoint.path, body))
        if endpoint.path == "/mailboxes/validate-mailbox":
            return CmrResponse(200, "Mailbox is not ready for export", {"valid": self.valid, "checks": {"smtp": self.valid, "mx": True}}, None)
        if self.export_error:
            if self.export_lands:
                self.mailboxes[0]["exportStatus"] = "IN_PROGRESS"
            raise self.export_error
        return CmrResponse(200, "queued", None, "ACT_1")


class FakeModule:
    def __init__(self, client: FakeClient, check_mode: bool = False, **params: t.Any) -> None:
        self.client = client
        self.check_mode = check_mode
        self.params = {"user_id": "U1", "mailboxes": ["jane@acme.com"], "google": GOOGLE, "microsoft": None, "force": False, **params}
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def box(email: str, status: str = "ACTIVE", provider: str = "GOOGLE", export: t.Optional[str] = None) -> dict[str, t.Any]:
    return {"mailboxId": "ID-" + email, "email": email, "status": status, "serviceProvider": provider, "exportStatus": export}


def test_an_exported_mailbox_is_left_out_unless_forced_and_one_in_progress_always() -> None:
    assert mod.outcome({"exportStatus": "EXPORTED"}, False) == mod.ALREADY
    assert mod.outcome({"exportStatus": "EXPORTED"}, True) == mod.QUEUED
    assert mod.outcome({"exportStatus": "IN_PROGRESS"}, True) == mod.IN_PROGRESS
    assert mod.outcome({}, False) == mod.QUEUED


def test_the_provider_block_follows_the_mailbox() -> None:
    module = FakeModule(FakeClient([]))
    assert mod.oauth_settings(module, {"service_provider": "GOOGLE"}) == {  # type: ignore[arg-type]
        "google": {"googleOauthRoute": "https://r.example", "clientId": "1.apps.googleusercontent.com"}}
    with pytest.raises(CmrModuleError, match="^microsoft is required: x@acme.com is a Microsoft mailbox$"):
        mod.oauth_settings(module, {"service_provider": "MICROSOFT", "email": "x@acme.com"})  # type: ignore[arg-type]
    module.params["microsoft"] = {"oauth_route": "https://m.example"}
    settings = mod.oauth_settings(module, {"service_provider": "MICROSOFT"})  # type: ignore[arg-type]
    assert settings == {"microsoft": {"microsoftOauthRoute": "https://m.example"}}


def test_a_failed_validation_stops_the_task_before_any_export() -> None:
    client = FakeClient([box("jane@acme.com")], valid=False)
    with pytest.raises(CmrModuleError, match=r"^nothing was exported: CMR's validation of jane@acme.com failed \(Mailbox is not ready for export: smtp\)"):
        mod.run(FakeModule(client))  # type: ignore[arg-type]
    assert [path for path, _body in client.calls] == ["/mailboxes/validate-mailbox"]


def test_check_mode_validates_but_never_exports() -> None:
    client = FakeClient([box("jane@acme.com")])
    result = mod.run(FakeModule(client, check_mode=True))  # type: ignore[arg-type]
    assert result["changed"] and result["exports"][0]["outcome"] == "queued"
    assert [path for path, _body in client.calls] == ["/mailboxes/validate-mailbox"]


def test_a_real_run_exports_each_mailbox_once() -> None:
    client = FakeClient([box("jane@acme.com"), box("john@acme.com", export="IN_PROGRESS")])
    result = mod.run(FakeModule(client, mailboxes=["jane@acme.com", "john@acme.com"]))  # type: ignore[arg-type]
    assert [entry["outcome"] for entry in result["exports"]] == ["queued", "in_progress"]
    assert [path for path, _body in client.calls] == ["/mailboxes/validate-mailbox", "/mailboxes/oauth"]
    assert result["exports"][0]["action_id"] == "ACT_1"
    assert result["cmr_plan"]["changes"][0]["key"] == "jane@acme.com"


def test_a_lost_answer_is_state_unknown_and_never_sent_again() -> None:
    lost = CmrApiError(None, "connection lost", "POST", "/mailboxes/oauth", maybe_applied=True)
    client = FakeClient([box("jane@acme.com")], export_error=lost)
    with pytest.raises(CmrModuleError, match="^state unknown") as caught:
        mod.run(FakeModule(client))  # type: ignore[arg-type]
    assert caught.value.details == {"changed": True, "maybe_applied": True}
    assert [path for path, _body in client.calls].count("/mailboxes/oauth") == 1


def test_a_mailbox_that_is_not_active_is_refused_before_any_request_but_reads() -> None:
    client = FakeClient([box("jane@acme.com", status="IN_PROGRESS")])
    with pytest.raises(CmrModuleError, match="jane@acme.com is IN_PROGRESS"):
        mod.run(FakeModule(client))  # type: ignore[arg-type]
    assert client.calls == []


def test_a_lost_answer_whose_export_shows_is_a_warning_not_a_second_request() -> None:
    lost = CmrApiError(None, "connection lost", "POST", "/mailboxes/oauth", maybe_applied=True)
    client = FakeClient([box("jane@acme.com")], export_error=lost)
    client.export_lands = True
    module = FakeModule(client)
    result = mod.run(module)  # type: ignore[arg-type]
    assert result["changed"] and result["exports"][0]["action_id"] is None
    assert len(module.warnings) == 1 and "was lost" in module.warnings[0]
    assert [path for path, _body in client.calls].count("/mailboxes/oauth") == 1
