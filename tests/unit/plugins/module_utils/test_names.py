# -*- coding: utf-8 -*-
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The names CMR refuses are refused before any request."""

from __future__ import annotations

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._names import (
    domain_name_problem,
    email_problem,
    person_name_problem,
    username_problem,
)


@pytest.mark.parametrize("name", ["jane", "j", "jane.doe", "jane_doe-2", "J4NE", "a" * 64])
def test_usernames_cmr_accepts(name: str) -> None:
    assert username_problem(name) is None


@pytest.mark.parametrize("name", ["", " ", "jöhn", "-jo", "jo-", ".jo", "jo@x", "a b", "a" * 65, "ｊａｎｅ", None, 7])
def test_usernames_cmr_refuses(name: object) -> None:
    assert username_problem(name).startswith("must be a mailbox user name")


@pytest.mark.parametrize("name", ["acme.com", "ACME-outreach.io.", "xn--bcher-kva.com", "a.b.co", "a1-b.example"])
def test_domain_names_cmr_accepts(name: str) -> None:
    assert domain_name_problem(name) is None


@pytest.mark.parametrize("name", ["", "acme", "-acme.com", "acme-.com", "acme..com", "acme.c0m", "a" * 64 + ".com",
                                  ("a" * 60 + ".") * 5 + "com", "ac me.com", None])
def test_domain_names_cmr_refuses(name: object) -> None:
    assert domain_name_problem(name).startswith("must be a domain name")


def test_an_idn_is_told_to_use_its_ascii_form() -> None:
    assert "xn--" in domain_name_problem("bücher.com")


@pytest.mark.parametrize("name, ok", [("Jane", True), ("Zoë Ørsted", True), ("", False), ("   ", False), ("Jo\nX", False), ("Jo\x00", False)])
def test_person_names(name: str, ok: bool) -> None:
    assert (person_name_problem(name) is None) is ok


@pytest.mark.parametrize("address, ok", [
    ("jane@acme.example", True), ("Jane.Doe+tag@acme.co", True),
    ("not-an-address", False), ("@acme.com", False), ("jane@", False), ("ja ne@acme.com", False), ("jane@acme", False), ("", False),
])
def test_email_addresses(address: str, ok: bool) -> None:
    assert (email_problem(address) is None) is ok
