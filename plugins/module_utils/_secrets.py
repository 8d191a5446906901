# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""Which fields carry secrets, and how to keep them out of output and error reports.

``redact`` masks secret values (error reports to CMR, diffs); ``strip_secrets`` removes the
keys altogether (objects returned by modules); ``redact_text`` masks them in JSON text that
could not be parsed (a cut-off answer quoted in an error message). Matching ignores case, ``_`` and ``-`` so one
entry covers the snake_case name the collection uses and the camelCase name CMR uses.
"""

from __future__ import annotations

import re
import typing as t

MASK = "********"

# Both spellings are listed so a reader can grep for either; matching goes through _normalise.
SECRET_FIELDS = frozenset((
    "password", "passwords",
    "app_password", "appPassword",
    "authenticator_secret", "authenticatorSecret",
    "client_secret", "clientSecret",
    "credentials",  # platform export credentials objects (docs/developer/API.md#exports-and-platform-credentials)
    "api_key", "apiKey",
    "secret",
    "token",
    "access_token", "accessToken",
    "refresh_token", "refreshToken",
))


def _normalise(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


_NORMALISED = frozenset(_normalise(name) for name in SECRET_FIELDS)


def is_secret(name: t.Any) -> bool:
    """True when a mapping key names a secret field."""
    return isinstance(name, str) and _normalise(name) in _NORMALISED


def redact(obj: t.Any) -> t.Any:
    """Deep copy of ``obj`` with the value of every secret field replaced by ``MASK``."""
    if isinstance(obj, dict):
        return {key: MASK if is_secret(key) else redact(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [redact(item) for item in obj]
    return obj


def strip_secrets(obj: t.Any) -> t.Any:
    """Deep copy of ``obj`` without secret fields (for values a module returns)."""
    if isinstance(obj, dict):
        return {key: strip_secrets(value) for key, value in obj.items() if not is_secret(key)}
    if isinstance(obj, (list, tuple)):
        return [strip_secrets(item) for item in obj]
    return obj


# A secret field's value inside text that is not JSON we could parse (a truncated or broken
# body): "password": "x", password=x, 'appPassword': 'x'. Every spelling of SECRET_FIELDS, with
# "_" or "-" between the words, in any letter case.
_KEY_SPELLINGS = sorted(
    {"[_-]?".join(re.escape(part) for part in re.split(r"[_-]", name)) for name in SECRET_FIELDS},
    key=len, reverse=True,
)
_SECRET_IN_TEXT = re.compile(
    r"""(?P<key>(?<![A-Za-z0-9_])["']?(?:%s)["']?\s*[:=]\s*)(?P<value>"(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,&;}\]]+)"""
    % "|".join(_KEY_SPELLINGS),
    re.IGNORECASE,
)


def redact_text(text: str) -> str:
    """``text`` with the value of every secret field that appears in it replaced by ``MASK``."""
    def mask(match: re.Match) -> str:
        quote = match.group("value")[0]
        return match.group("key") + (quote + MASK + quote if quote in "\"'" else MASK)
    return _SECRET_IN_TEXT.sub(mask, text)
