# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._secrets import MASK, SECRET_FIELDS, is_secret, redact, redact_text, strip_secrets

ORDER = {
    "userId": "U1",
    "domains": [{"domain": "a.com", "mailboxes": [{"username": "x", "password": "pw1", "app_password": "ap1"}]}],
    "google": {"clientId": "123", "clientSecret": "cs1"},
    "credentials": {"apiKey": "k1", "login": "bob"},
    "authenticatorSecret": "totp1",
    "keyword": "not a secret",
    "update_password": "always",
}


@pytest.mark.parametrize("name", ["password", "appPassword", "app_password", "authenticatorSecret", "authenticator_secret",
                                  "clientSecret", "client_secret", "credentials", "api_key", "apiKey", "secret", "token", "Password"])
def test_secret_names(name: str) -> None:
    assert is_secret(name)


@pytest.mark.parametrize("name", ["keyword", "update_password", "key", "passwordless", "client_id", "tokens_used", 3, None])
def test_not_secret_names(name: object) -> None:
    assert not is_secret(name)


def test_both_spellings_are_listed() -> None:
    for snake, camel in (("app_password", "appPassword"), ("authenticator_secret", "authenticatorSecret"), ("client_secret", "clientSecret")):
        assert {snake, camel} <= SECRET_FIELDS


def test_redact_masks_values_deeply_and_copies() -> None:
    redacted = redact(ORDER)
    mailbox = redacted["domains"][0]["mailboxes"][0]
    assert mailbox == {"username": "x", "password": MASK, "app_password": MASK}
    assert redacted["google"] == {"clientId": "123", "clientSecret": MASK}
    assert redacted["credentials"] == MASK
    assert redacted["authenticatorSecret"] == MASK
    assert redacted["keyword"] == "not a secret" and redacted["update_password"] == "always"
    assert ORDER["domains"][0]["mailboxes"][0]["password"] == "pw1"  # the original is untouched
    for secret in ("pw1", "ap1", "cs1", "k1", "totp1"):
        assert secret not in repr(redacted)


def test_strip_secrets_removes_keys() -> None:
    stripped = strip_secrets(ORDER)
    assert stripped["domains"][0]["mailboxes"][0] == {"username": "x"}
    assert "credentials" not in stripped and "authenticatorSecret" not in stripped
    assert stripped["google"] == {"clientId": "123"}
    assert ORDER["google"]["clientSecret"] == "cs1"


@pytest.mark.parametrize("value", [None, 1, "text", [], {}])
def test_scalars_and_empty_values_pass_through(value: object) -> None:
    assert redact(value) == value and strip_secrets(value) == value


def test_tuples_become_lists() -> None:
    assert redact(({"token": "t"},)) == [{"token": MASK}]


@pytest.mark.parametrize("text, secret", [
    ('{"password": "pw-1", "x": 1}', "pw-1"),
    ('{"appPassword":"pw-2"', "pw-2"),
    ("app_password=pw-3&next=1", "pw-3"),
    ("{'authenticatorSecret': 'pw-4'}", "pw-4"),
    ('"password": "pw-5 cut in the midd', "pw-5"),
    ('"clientSecret" : "pw-\\"6"', 'pw-\\"6'),
])
def test_redact_text_masks_secret_values_in_text(text: str, secret: str) -> None:
    redacted = redact_text(text)
    assert secret not in redacted
    assert MASK in redacted


def test_redact_text_leaves_other_words_alone() -> None:
    assert redact_text('{"compassword": "x", "email": "a@b.c"}') == '{"compassword": "x", "email": "a@b.c"}'


@pytest.mark.parametrize(("text", "expected"), [
    # A cut-off answer: the value ends where the snippet ends, without its closing quote.
    ('{"data":{"email":"a@b.com","password":"pw\\"1","appPassword": "ap-cut', '{"data":{"email":"a@b.com","password":"%s","appPassword": "%s"' % (MASK, MASK)),
    ('{"authenticator_secret":"TOTP","note":"password"}', '{"authenticator_secret":"%s","note":"password"}' % MASK),
    ('{"password":', '{"password":'),
    ('not json at all', 'not json at all'),
])
def test_redact_text(text: str, expected: str) -> None:
    assert redact_text(text) == expected
