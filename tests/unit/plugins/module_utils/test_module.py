# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The input rules every module gets from CmrModule, before any request."""

from __future__ import annotations

import pathlib
import re

import pytest
import yaml

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._module import (
    IDENTIFIER_OPTIONS,
    MAX_WAIT_TIMEOUT,
    cap,
    empty_identifiers,
    non_finite_numbers,
    wait_timeout_problem,
)

MODULES = pathlib.Path(__file__).resolve().parents[4] / "plugins" / "modules"


@pytest.mark.parametrize("params, problems", [
    ({"user_id": "", "email": "x"}, ["user_id"]),
    ({"user_id": " \t", "domain": ""}, ["domain", "user_id"]),
    ({"names": ["a.com", ""]}, ["names[1]"]),
    ({"user_id": None, "email": "a@b.c", "first_name": ""}, []),  # not an identifier: CMR's own rules apply
])
def test_empty_identifiers_are_named(params: dict, problems: list) -> None:
    found = list(empty_identifiers(params))
    assert [message.split(" ", 1)[0] for message in found] == problems
    assert all(" is empty: give a value or leave the option out" in message for message in found)


@pytest.mark.parametrize("params, where", [
    ({"timeout": float("inf")}, "timeout"),
    ({"records": [{"type": "MX", "priority": float("nan")}]}, "records[0].priority"),
    ({"warmup_settings": {"daily_limit": float("-inf")}}, "warmup_settings.daily_limit"),
    ({"max_cost": 10.0, "timeout": 30.0}, None),
])
def test_non_finite_numbers_are_named_with_their_path(params: dict, where: str) -> None:
    found = list(non_finite_numbers(params))
    assert found == ([] if where is None else ["%s must be a finite number, got %s" % (where, found[0].rsplit(" ", 1)[-1])])


@pytest.mark.parametrize("timeout, wait, ok", [(300, True, True), (0, True, False), (-1, True, False), (MAX_WAIT_TIMEOUT + 1, True, False),
                                               (0, False, True), (None, True, True)])
def test_wait_timeout(timeout: object, wait: bool, ok: bool) -> None:
    assert (wait_timeout_problem({"wait_timeout": timeout, "wait": wait}) is None) is ok


def test_cap_says_how_much_was_cut() -> None:
    assert cap("short", 10) == "short"
    assert cap("x" * 25, 10) == "x" * 10 + "... (15 more characters)"


# Options named like identifiers that set a value instead of selecting an object.
SETTINGS_NAMED_LIKE_IDS = frozenset({"google_client_id"})


def identifier_like(name: str) -> bool:
    if name in SETTINGS_NAMED_LIKE_IDS:
        return False
    return name.endswith("_id") or name in ("email", "domain", "name", "names", "username", "search", "keyword", "country_code")


def test_every_identifier_option_of_every_module_is_covered() -> None:
    """A new module that takes an identifier gets the rule without a line of its own."""
    missing = []
    for path in sorted(MODULES.glob("*.py")):
        doc = yaml.safe_load(re.search(r'DOCUMENTATION = r"""(.*?)"""', path.read_text(), re.S).group(1))
        for option in doc.get("options") or {}:
            if identifier_like(option) and option not in IDENTIFIER_OPTIONS:
                missing.append("%s: %s" % (path.stem, option))
    assert missing == []
    assert len(list(MODULES.glob("*.py"))) >= 16
