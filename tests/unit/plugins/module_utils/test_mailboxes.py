# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Mailbox normalisation, warm-up transitions, warm-up settings and the 24-hour removal rule."""

from __future__ import annotations

import datetime
import typing as t

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrResponse
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._mailboxes import (
    ENROL,
    PAUSE,
    RESUME,
    STOP,
    belongs_to,
    normalise_mailbox,
    on_domain,
    pick_mailbox,
    removal_refusal,
    remove,
    settings_changes,
    split_address,
    validate_warmup_settings,
    warmup_action,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError

NOW = datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.timezone.utc)


def test_mailboxes_are_snake_case_and_credentials_only_on_request() -> None:
    obj = {"mailboxId": "M1", "email": "jane@acme.com", "userName": "jane", "warmupStatus": "ACTIVE", "password": "s3cret"}
    mailbox = normalise_mailbox(obj)
    assert mailbox["mailbox_id"] == "M1" and mailbox["username"] == "jane" and mailbox["warmup"] == "ACTIVE"
    assert "password" not in mailbox
    assert normalise_mailbox(obj, credentials=True)["password"] == "s3cret"


def test_unreported_warmup_settings_are_absent_not_empty() -> None:
    assert "warmup_settings" not in normalise_mailbox({"mailboxId": "M1"})
    assert normalise_mailbox({"mailboxId": "M1", "warmupSettings": None})["warmup_settings"] is None
    reported = normalise_mailbox({"mailboxId": "M1", "warmupSettings": {"warmupLimit": 40}})
    assert reported["warmup_settings"] == {"warmup_limit": 40}


def test_addresses_match_without_letter_case() -> None:
    mailboxes = [{"email": "Jane@Acme.com", "mailbox_id": "M1"}, {"email": "ops@beta.com", "mailbox_id": "M2"}]
    assert pick_mailbox(mailboxes, "jane@ACME.com.")["mailbox_id"] == "M1"  # type: ignore[index]
    assert [mb["mailbox_id"] for mb in on_domain(mailboxes, "ACME.COM")] == ["M1"]


@pytest.mark.parametrize(("current", "desired", "action"), [
    (None, "active", ENROL),
    ("STOPPED", "active", ENROL),
    ("PENDING", "active", None),
    ("ACTIVE", "active", None),
    ("PAUSED", "active", RESUME),
    ("ACTIVE", "paused", PAUSE),
    ("PENDING", "paused", PAUSE),
    ("PAUSED", "paused", None),
    ("ACTIVE", "stopped", STOP),
    ("PAUSED", "stopped", STOP),
    (None, "stopped", None),
    ("STOPPED", "stopped", None),
    ("ACTIVE", None, None),
])
def test_warmup_moves_through_explicit_calls(current: str, desired: str, action: str) -> None:
    assert warmup_action(current, desired) == action


@pytest.mark.parametrize("current", [None, "STOPPED"])
def test_pausing_a_mailbox_that_is_not_enrolled_is_refused_not_paid_for(current: str) -> None:
    with pytest.raises(CmrModuleError, match="set warmup: active first"):
        warmup_action(current, "paused")


def test_removal_is_refused_within_24_hours_of_expiry() -> None:
    assert removal_refusal("2026-01-02T12:00:01Z", NOW) is None
    refusal = removal_refusal("2026-01-02T12:00:00Z", NOW)
    assert refusal is not None and "24 hours" in refusal
    assert removal_refusal(None, NOW) is None  # unknown expiry: CMR decides


def test_a_mailbox_whose_subscription_lapsed_can_be_removed() -> None:
    # EXPIRED: the subscription ended without renewal, so there is no expiry ahead to be 24 hours before.
    assert removal_refusal("2025-12-01T00:00:00Z", NOW, status="EXPIRED") is None
    assert removal_refusal("2025-12-01T00:00:00Z", NOW, status="ACTIVE") is not None


def test_warmup_settings_are_checked_and_coerced() -> None:
    assert validate_warmup_settings({"warmup_limit": "40", "warmup_reply_rate": 0.3, "warmup_on_weekdays": "yes"}) == {
        "warmup_limit": 40, "warmup_reply_rate": 0.3, "warmup_on_weekdays": True,
    }
    assert validate_warmup_settings(None) is None


@pytest.mark.parametrize(("settings", "message"), [
    ({"warmup_reply_rate": 1.5}, "warmup_settings.warmup_reply_rate: expected a number between 0 and 1"),
    ({"warmup_limt": 4}, "warmup_settings.warmup_limt: extra keys not allowed"),
    ({"warmup_limit": -1}, "warmup_settings.warmup_limit: expected a whole number"),
    ({"minimum_delay_between_warmup_emails": 300, "maximum_delay_between_warmup_emails": 60}, "is larger than maximum_delay"),
    ({"minimum_warmup_limit": 50, "warmup_limit": 40}, "minimum_warmup_limit \\(50\\) is larger than warmup_limit"),
])
def test_bad_warmup_settings_are_one_clear_error(settings: dict, message: str) -> None:
    with pytest.raises(CmrModuleError, match=message):
        validate_warmup_settings(settings)


def test_only_differing_settings_are_sent() -> None:
    desired = {"warmup_limit": 40, "warmup_reply_rate": 0.3}
    assert settings_changes({"warmup_limit": 40, "warmup_reply_rate": 0.2}, desired) == {"warmup_reply_rate": 0.3}
    assert settings_changes(None, desired) == desired
    assert settings_changes({"warmup_limit": 40, "warmup_reply_rate": 0.3, "increase_per_day": 2}, desired) == {}


def test_addresses_are_split_and_canonical() -> None:
    assert split_address(" Jane@Acme.COM. ") == ("jane", "acme.com")


@pytest.mark.parametrize("email", ["not-an-email", "@acme.com", "jane@", "a@b@acme.com", "ja ne@acme.com"])
def test_a_bad_address_is_one_line_naming_the_option(email: str) -> None:
    with pytest.raises(CmrModuleError, match="^email must give a mailbox address"):
        split_address(email)
    with pytest.raises(CmrModuleError, match="^username and domain must"):
        split_address(email, "username and domain")


def test_a_mailbox_read_by_id_belongs_to_its_owner_only() -> None:
    assert belongs_to({"user_id": "U1"}, "U1")
    assert not belongs_to({"user_id": "U2"}, "U1")
    assert belongs_to({"user_id": None}, "U1")  # CMR did not say: the ID itself was given by the task
    assert belongs_to({"user_id": "U2"}, None)


class OneAnswer:
    """A client whose every call gets ``answer`` (raised when it is an exception)."""

    def __init__(self, answer: t.Any) -> None:
        self.answer = answer
        self.calls: list[tuple[str, t.Any, t.Any]] = []

    def call(self, endpoint: _api.Endpoint, query: t.Any = None, body: t.Any = None) -> CmrResponse:
        self.calls.append((endpoint.path, query, body))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def test_removing_a_mailbox_that_is_already_gone_is_not_an_error() -> None:
    done = OneAnswer(CmrResponse(200, "Mailbox removed", None, "ACT_1"))
    assert remove(done, "U1", "M1") is True  # type: ignore[arg-type]
    assert done.calls == [(_api.MAILBOX_REMOVE.path, {_api.USER_ID: "U1"}, {_api.MAILBOX_ID: "M1"})]
    assert remove(OneAnswer(CmrApiError(404, "Mailbox not found", "DELETE", "/mailboxes")), "U1", "M1") is False  # type: ignore[arg-type]
    with pytest.raises(CmrApiError):
        remove(OneAnswer(CmrApiError(400, "Too close to expiry", "DELETE", "/mailboxes")), "U1", "M1")  # type: ignore[arg-type]
