# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# This file is private to the collection: its content may change at any time without notice.

"""The country and state lists CMR accepts in billing addresses."""

from __future__ import annotations

import re
import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrClient
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError


def as_list(name_to_code: t.Any) -> list[dict[str, str]]:
    """CMR answers a map of names to codes; modules return a sorted list of {name, code}."""
    if not isinstance(name_to_code, dict):
        raise CmrModuleError("Unexpected response from CMR: expected a map of names to codes, got %s" % type(name_to_code).__name__)
    return [{"name": name, "code": code} for name, code in sorted(name_to_code.items())]


def countries(client: CmrClient) -> list[dict[str, str]]:
    return as_list(client.call(_api.GEO_COUNTRIES).data)


def states(client: CmrClient, country_code: str) -> list[dict[str, str]]:
    if not re.match(r"^[A-Za-z]{2}$", country_code):
        raise CmrModuleError("country_code must be a two-letter ISO 3166-1 alpha-2 code such as US, not %r" % country_code)
    return as_list(client.call(_api.GEO_STATES, query={_api.COUNTRY_CODE: country_code.upper()}).data)
