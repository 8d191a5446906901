# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.plugin_utils import _webhook

KEY = "partner-key-0123456789abcdef0123456789abcdef"
BODY = b'{"event":"mailbox.created","eventId":"EV1","data":{"email":"jane@a.com","password":"pw"}}'
NOW = 1767225600.0
TS = "1767225600"


def digest(message: bytes, key: str = KEY) -> bytes:
    return hmac.new(key.encode(), message, hashlib.sha256).digest()


# Signatures built independently of _webhook.sign, one per construction CMR may use.
SIGNED = {
    "timestamp.body/hex": digest(TS.encode() + b"." + BODY).hex(),
    "timestamp.body/base64": base64.b64encode(digest(TS.encode() + b"." + BODY)).decode(),
    "body/hex": digest(BODY).hex(),
    "body/base64": base64.b64encode(digest(BODY)).decode(),
}


@pytest.mark.parametrize("scheme", sorted(SIGNED))
def test_each_construction_verifies_and_is_named(scheme: str) -> None:
    result = _webhook.verify(BODY, SIGNED[scheme], TS, KEY, now=NOW + 2)
    assert result == _webhook.Verification(True, "", scheme, 2.0)
    assert _webhook.sign(BODY, TS, KEY, scheme) == SIGNED[scheme]


@pytest.mark.parametrize("variant", [
    lambda s: s.upper(),                                    # hex in capitals
    lambda s: "sha256=" + s,                                # GitHub-style prefix
])
def test_hex_variants(variant) -> None:
    assert _webhook.verify(BODY, variant(SIGNED["timestamp.body/hex"]), TS, KEY, now=NOW).valid


def test_base64_url_safe_and_unpadded() -> None:
    raw = digest(BODY)
    url_safe = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    result = _webhook.verify(BODY, url_safe, TS, KEY, now=NOW)
    assert (result.valid, result.scheme) == (True, "body/base64")


@pytest.mark.parametrize("signature, reason", [
    (digest(BODY, key="another-key").hex(), "the signature does not match the body"),
    (SIGNED["timestamp.body/hex"][:-2] + "00", "the signature does not match the body"),
    ("not a signature", "the signature does not match the body"),
    ("", "the cmr-x-signature header is missing"),
    (None, "the cmr-x-signature header is missing"),
])
def test_bad_signatures(signature, reason: str) -> None:
    assert _webhook.verify(BODY, signature, TS, KEY, now=NOW) == _webhook.Verification(False, reason, None, None)


def test_a_changed_body_does_not_verify() -> None:
    assert not _webhook.verify(BODY.replace(b"jane", b"joan"), SIGNED["timestamp.body/hex"], TS, KEY, now=NOW).valid


def test_timestamp_signed_into_the_message_cannot_be_swapped() -> None:
    assert not _webhook.verify(BODY, SIGNED["timestamp.body/hex"], str(int(NOW) + 1), KEY, now=NOW).valid


@pytest.mark.parametrize("timestamp, reason", [
    (None, "the cmr-x-timestamp header is missing"),
    ("yesterday", "the cmr-x-timestamp header is not a Unix time"),
    ("nan", "the cmr-x-timestamp header is not a Unix time"),
])
def test_bad_timestamps(timestamp, reason: str) -> None:
    assert _webhook.verify(BODY, SIGNED["body/hex"], timestamp, KEY, now=NOW).reason == reason


@pytest.mark.parametrize("offset, valid", [(300, True), (301, False), (-300, True), (-301, False)])
def test_five_minutes_either_way(offset: int, valid: bool) -> None:
    result = _webhook.verify(BODY, SIGNED["timestamp.body/hex"], TS, KEY, now=NOW + offset)
    assert result.valid is valid
    assert result.scheme == "timestamp.body/hex"  # the signature was right; only the age failed
    if not valid:
        assert "301s" in result.reason and "more than 300s" in result.reason


def test_milliseconds_timestamp() -> None:
    ts_ms = TS + "000"
    signature = _webhook.sign(BODY, ts_ms, KEY)
    assert _webhook.verify(BODY, signature, ts_ms, KEY, now=NOW + 1).age == 1.0


def test_no_key_never_verifies() -> None:
    assert _webhook.verify(BODY, SIGNED["body/hex"], TS, "", now=NOW).reason == "no signing key is configured"


def test_unknown_scheme() -> None:
    with pytest.raises(ValueError, match="unknown signature scheme"):
        _webhook.sign(BODY, TS, KEY, "body/base32")


@pytest.mark.parametrize("payload, name", [
    ({"event": "mailbox.created", "eventId": "E1", "data": {"a": 1}}, "mailbox.created"),
    ({"eventType": "mailbox.warmup.started", "eventId": "E1", "data": {"a": 1}}, "mailbox.warmup.started"),
])
def test_parse_event_accepts_event_and_event_type(payload: dict, name: str) -> None:
    assert _webhook.parse_event(json.dumps(payload)) == _webhook.CmrEvent(name, "E1", {"a": 1})


@pytest.mark.parametrize("body, reason", [
    (b"{not json", "the body is not JSON"),
    (b"\xff\xfe", "the body is not JSON"),
    (b"[1, 2]", "the body is not a JSON object"),
    (b'{"eventId": "E1"}', "the body has no event name (event or eventType)"),
    (b'{"event": "", "eventId": "E1"}', "the body has no event name (event or eventType)"),
    (b'{"event": "domain.order.success"}', "the body has no eventId"),
    (b'{"event": "domain.order.success", "eventId": 7}', "the body has no eventId"),
])
def test_parse_event_refuses(body: bytes, reason: str) -> None:
    with pytest.raises(ValueError) as info:
        _webhook.parse_event(body)
    assert str(info.value).startswith(reason)


def test_strip_secrets_removes_credentials_and_names_them() -> None:
    data = {
        "email": "jane@a.com", "password": "pw1", "appPassword": "ap1", "authenticatorSecret": "totp1",
        "mailboxDetails": [{"domain": "a.com", "preWarmedUpMailboxes": [{"email": "x@a.com", "password": "pw2"}]}],
    }
    stripped, removed = _webhook.strip_secrets(data)
    assert stripped == {"email": "jane@a.com",
                        "mailboxDetails": [{"domain": "a.com", "preWarmedUpMailboxes": [{"email": "x@a.com"}]}]}
    assert removed == ["data.password", "data.appPassword", "data.authenticatorSecret",
                       "data.mailboxDetails[0].preWarmedUpMailboxes[0].password"]
    assert "pw1" in json.dumps(data)  # the input is not modified
