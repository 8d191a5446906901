# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Verification and parsing of CMR webhook deliveries, standard library only.

Shared by the Event-Driven Ansible source ``extensions/eda/plugins/event_source/cmr_webhook.py``
and the filter ``coldmailreseller.cmr.webhook_verify``.

CMR signs each delivery with HMAC-SHA256 keyed with the partner API key and sends the
signature in ``cmr-x-signature`` and the Unix time of sending in ``cmr-x-timestamp``. Its
documentation does not say which string is signed nor how the digest is encoded, so every
plausible construction is accepted: the message is ``"<timestamp>.<raw body>"`` or the raw
body alone, the digest is hex or base64 (standard or URL-safe alphabet, padded or not), with
an optional ``sha256=`` prefix. The result says which one matched, so a deployment can see
what CMR really sends.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import math
import time
import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._secrets import is_secret

SIGNATURE_HEADER = "cmr-x-signature"
TIMESTAMP_HEADER = "cmr-x-timestamp"
# docs/developer/API.md#webhooks: receivers must reject deliveries older than five minutes.
DEFAULT_MAX_AGE = 300.0

# (message construction, digest encoding); the name of a scheme is "<construction>/<encoding>".
MESSAGES = ("timestamp.body", "body")
ENCODINGS = ("hex", "base64")
SCHEMES = tuple(f"{message}/{encoding}" for message in MESSAGES for encoding in ENCODINGS)


class Verification(t.NamedTuple):
    """Outcome of :func:`verify`. ``reason`` is a one-line explanation when ``valid`` is false."""

    valid: bool
    reason: str
    scheme: str | None
    age: float | None

    def as_dict(self) -> dict[str, t.Any]:
        return self._asdict()


class CmrEvent(t.NamedTuple):
    """A parsed delivery body: ``name`` comes from ``event`` (or ``eventType``), ``id`` from ``eventId``."""

    name: str
    id: str
    data: t.Any


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def _message(construction: str, body: bytes, timestamp: str) -> bytes:
    return timestamp.encode("utf-8") + b"." + body if construction == "timestamp.body" else body


def sign(body: str | bytes, timestamp: str, key: str | bytes, scheme: str = "timestamp.body/hex") -> str:
    """The signature of ``body`` in ``scheme`` (one of :data:`SCHEMES`); for senders and tests."""
    construction, encoding = scheme.split("/")
    if construction not in MESSAGES or encoding not in ENCODINGS:
        raise ValueError(f"unknown signature scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")
    digest = hmac.new(_as_bytes(key), _message(construction, _as_bytes(body), timestamp), hashlib.sha256).digest()
    return digest.hex() if encoding == "hex" else base64.b64encode(digest).decode("ascii")


def _decodings(signature: str) -> list[tuple[str, bytes]]:
    """Every reading of the header as a 32-byte digest: ``[(encoding, digest)]``."""
    text = signature.strip()
    if text.lower().startswith("sha256="):
        text = text[len("sha256="):]
    found = []
    if len(text) == 64:
        try:
            found.append(("hex", bytes.fromhex(text)))
        except ValueError:
            pass
    padded = text + "=" * (-len(text) % 4)
    for decoder in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            raw = decoder(padded.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            continue
        if len(raw) == hashlib.sha256().digest_size and ("base64", raw) not in found:
            found.append(("base64", raw))
    return found


def _parse_timestamp(timestamp: str) -> float | None:
    """Unix seconds from the header; milliseconds are recognised by their size."""
    try:
        value = float(timestamp.strip())
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return value / 1000.0 if value > 1e11 else value


def verify(body: str | bytes, signature: str | None, timestamp: str | None, key: str | bytes, *,
           max_age: float = DEFAULT_MAX_AGE, now: float | None = None) -> Verification:
    """Check a delivery's signature and age.

    ``body`` must be the raw body exactly as received. Digests are compared with
    :func:`hmac.compare_digest`, and every candidate is compared (no early exit), so the time
    taken does not depend on how much of a forged signature is right. A delivery whose
    timestamp is more than ``max_age`` seconds away from ``now`` (in either direction: clocks
    drift) is refused even when its signature is right, so that a captured delivery cannot be
    replayed later.
    """
    if not key:
        return Verification(False, "no signing key is configured", None, None)
    if not signature:
        return Verification(False, f"the {SIGNATURE_HEADER} header is missing", None, None)
    if not timestamp:
        return Verification(False, f"the {TIMESTAMP_HEADER} header is missing", None, None)
    sent = _parse_timestamp(timestamp)
    if sent is None:
        return Verification(False, f"the {TIMESTAMP_HEADER} header is not a Unix time", None, None)
    raw_body = _as_bytes(body)
    key_bytes = _as_bytes(key)
    matched = None
    for construction in MESSAGES:
        expected = hmac.new(key_bytes, _message(construction, raw_body, timestamp), hashlib.sha256).digest()
        for encoding, digest in _decodings(signature):
            if hmac.compare_digest(expected, digest) and matched is None:
                matched = f"{construction}/{encoding}"
    if matched is None:
        return Verification(False, "the signature does not match the body", None, None)
    age = round((time.time() if now is None else now) - sent, 3)
    if abs(age) > max_age:
        when = "old" if age > 0 else "in the future"
        return Verification(False, f"the delivery is {abs(age):.0f}s {when}, more than {max_age:.0f}s", matched, age)
    return Verification(True, "", matched, age)


def parse_event(body: str | bytes) -> CmrEvent:
    """The event of a delivery body; ``ValueError`` with a one-line reason when it is not one."""
    try:
        payload = json.loads(_as_bytes(body).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the body is not JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise ValueError("the body is not a JSON object")
    # Two of CMR's own examples use eventType; event is the documented key.
    name = payload.get("event", payload.get("eventType"))
    if not isinstance(name, str) or not name:
        raise ValueError("the body has no event name (event or eventType)")
    event_id = payload.get("eventId")
    if not isinstance(event_id, str) or not event_id:
        raise ValueError("the body has no eventId")
    return CmrEvent(name, event_id, payload.get("data"))


def strip_secrets(obj: t.Any, path: str = "data") -> tuple[t.Any, list[str]]:
    """A copy of ``obj`` without secret fields, and the paths of the fields removed (no values).

    What counts as secret is decided by ``module_utils._secrets`` (passwords, app passwords,
    authenticator secrets, credentials, keys and tokens), the same list the modules use.
    """
    removed: list[str] = []

    def walk(value: t.Any, where: str) -> t.Any:
        if isinstance(value, dict):
            kept = {}
            for name, item in value.items():
                if is_secret(name):
                    removed.append(f"{where}.{name}")
                else:
                    kept[name] = walk(item, f"{where}.{name}")
            return kept
        if isinstance(value, list):
            return [walk(item, f"{where}[{index}]") for index, item in enumerate(value)]
        return value

    return walk(obj, path), removed
