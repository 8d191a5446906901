# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Platform credentials (found, never duplicated, passwords never read), export choice, validation."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrResponse
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._exports import (
    add_credential,
    list_credentials,
    matching_credentials,
    pick_mailboxes,
    platform_exports,
    refuse_inactive,
    update_credential,
    validate_mailbox,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError


class ScriptedClient:
    """Answers calls in order from ``answers``; records (method, path, query, body)."""

    def __init__(self, *answers: t.Any) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, str, t.Any, t.Any]] = []

    def call(self, endpoint: _api.Endpoint, query: t.Any = None, body: t.Any = None) -> CmrResponse:
        self.calls.append((endpoint.method, endpoint.path, query, body))
        return CmrResponse(200, "ok", self.answers.pop(0), None)


LISTING = {
    "EMAILBISON": {"connected": True, "credentials": [
        {"credentialId": "C1", "email": "John@agency.example", "connectedAt": "2024-05-01T10:00:00Z",
         "metadata": {"appBaseUrl": "https://app.emailbison.com", "workspace": "w"}, "password": "never-here"}]},
    "INSTANTLY": {"connected": True, "credentials": [{"credentialId": "C2", "email": "ops@agency.example", "orgId": "org-1"}]},
    "SMARTLEAD": {"connected": False, "credentials": []},
}


def test_credentials_are_listed_per_app_in_snake_case_and_without_passwords() -> None:
    creds = list_credentials(ScriptedClient(LISTING), "U1")  # type: ignore[arg-type]
    assert [(c["app"], c["credential_id"]) for c in creds] == [("EMAILBISON", "C1"), ("INSTANTLY", "C2")]
    assert creds[0]["metadata"] == {"app_base_url": "https://app.emailbison.com", "workspace": "w"}
    assert creds[1]["org_id"] == "org-1" and creds[1]["metadata"] == {}
    assert "never-here" not in repr(creds)


def test_an_empty_listing_checks_that_the_user_exists() -> None:
    client = ScriptedClient({"SMARTLEAD": {"connected": False, "credentials": []}}, {"userId": "U1", "email": "a@b.example"})
    assert list_credentials(client, "U1") == []  # type: ignore[arg-type]
    assert [call[1] for call in client.calls] == ["/exports/platform-credentials", "/users"]


def test_a_listing_that_is_not_an_object_is_one_clear_error() -> None:
    with pytest.raises(CmrModuleError, match="not an object"):
        list_credentials(ScriptedClient(["x"]), "U1")  # type: ignore[arg-type]


def test_credentials_match_by_id_or_by_app_and_email_without_letter_case() -> None:
    creds = list_credentials(ScriptedClient(LISTING), "U1")  # type: ignore[arg-type]
    assert [c["credential_id"] for c in matching_credentials(creds, app="EMAILBISON", email="john@AGENCY.example")] == ["C1"]
    assert [c["credential_id"] for c in matching_credentials(creds, credential_id="C2", app="EMAILBISON")] == ["C2"]
    assert matching_credentials(creds, app="SMARTLEAD", email="john@agency.example") == []


def test_a_new_credential_sends_the_login_and_camel_case_metadata() -> None:
    client = ScriptedClient({"credentialId": "NEW"})
    new_id = add_credential(client, "U1", "EMAILBISON", "j@a.example", "pw", {"app_base_url": "https://x", "workspace": None}, None)  # type: ignore[arg-type]
    assert new_id == "NEW"
    assert client.calls[0][3] == {"app": "EMAILBISON", "credentials": {"email": "j@a.example", "password": "pw"},
                                  "metadata": {"appBaseUrl": "https://x"}}


def test_a_new_credential_without_id_in_the_answer_fails_as_changed() -> None:
    with pytest.raises(CmrModuleError) as caught:
        add_credential(ScriptedClient({}), "U1", "SMARTLEAD", "j@a.example", "pw", None, None)  # type: ignore[arg-type]
    assert caught.value.details == {"changed": True}


def test_an_update_sends_only_what_changes_and_the_password_only_when_asked() -> None:
    client = ScriptedClient(None, None)
    update_credential(client, "U1", "C1", {"metadata": {"workspace": "w2"}}, None)  # type: ignore[arg-type]
    update_credential(client, "U1", "C1", {"org_id": "o"}, "secret")  # type: ignore[arg-type]
    assert client.calls[0][3] == {"credentialId": "C1", "metadata": {"workspace": "w2"}}
    assert client.calls[1][3] == {"credentialId": "C1", "credentials": {"password": "secret"}, "orgId": "o"}
    assert all(call[:2] == ("PUT", "/exports/platform-credential") for call in client.calls)


MAILBOXES = [
    ({"mailbox_id": "M1", "email": "jane@acme.com", "status": "ACTIVE"}, {"platformExports": [{"credentialId": "C1", "status": "COMPLETED"}]}),
    ({"mailbox_id": "M2", "email": "john@acme.com", "status": "IN_PROGRESS"}, {}),
]


def test_mailboxes_are_picked_by_address_or_id_once_each() -> None:
    picked = pick_mailboxes(MAILBOXES, ["JANE@acme.com", "M2", "M1"], "U1")
    assert [mailbox["mailbox_id"] for mailbox, _raw in picked] == ["M1", "M2"]
    with pytest.raises(CmrModuleError, match=r"^mailboxes\[1\]: user U1 has no mailbox nobody@acme.com$"):
        pick_mailboxes(MAILBOXES, ["M1", "nobody@acme.com"], "U1")


def test_only_active_mailboxes_are_exported() -> None:
    refuse_inactive([MAILBOXES[0][0]], "an export")
    with pytest.raises(CmrModuleError, match="john@acme.com is IN_PROGRESS"):
        refuse_inactive([MAILBOXES[0][0], MAILBOXES[1][0]], "an export")


def test_platform_exports_are_read_only_where_cmr_reports_them() -> None:
    assert platform_exports(MAILBOXES[0][1]) == [{"export_id": None, "credential_id": "C1", "app": None, "status": "COMPLETED", "exported_at": None}]
    assert platform_exports(MAILBOXES[1][1]) is None


def test_validation_reads_valid_and_the_checks() -> None:
    client = ScriptedClient({"valid": False, "checks": {"smtp": False, "mx": True}})
    result = validate_mailbox(client, "U1", "M1")  # type: ignore[arg-type]
    assert result == {"valid": False, "checks": {"smtp": False, "mx": True}, "message": "ok"}
    assert client.calls[0][:4] == ("POST", "/mailboxes/validate-mailbox", {"userId": "U1"}, {"mailboxId": "M1"})
    assert _api.MAILBOX_VALIDATE.reads and _api.MAILBOX_VALIDATE.safe_to_repeat


def test_writes_that_store_or_queue_are_never_repeated_by_the_client() -> None:
    for endpoint in (_api.PLATFORM_CREDENTIAL_ADD, _api.PLATFORM_EXPORT, _api.MAILBOX_OAUTH_EXPORT, _api.PREWARMUP_ORDER):
        assert not endpoint.safe_to_repeat
    assert _api.PLATFORM_CREDENTIAL_UPDATE.safe_to_repeat and _api.PLATFORM_CREDENTIAL_REMOVE.safe_to_repeat
