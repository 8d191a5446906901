# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_platform_credential: what a rerun compares, when the password is sent, what a creation needs."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.modules import cmr_platform_credential as mod

CURRENT = {"credential_id": "C1", "app": "EMAILBISON", "email": "John@agency.example",
           "metadata": {"app_base_url": "https://app.emailbison.com", "workspace": "w"}, "org_id": None}


class FakeModule:
    def __init__(self, **params: t.Any) -> None:
        self.client = None
        self.check_mode = False
        self.params = {"state": "present", "user_id": "U1", "credential_id": None, "app": "EMAILBISON", "email": "john@agency.example",
                       "password": "pw", "update_password": "on_create", "metadata": None, "org_id": None, **params}


def resource(**params: t.Any) -> mod.Credential:
    return mod.Credential(FakeModule(**params))


def compare(**params: t.Any) -> dict[str, t.Any]:
    res = resource(**params)
    return res.compare(CURRENT, res.desired())


def test_a_rerun_with_update_password_on_create_changes_nothing() -> None:
    assert compare() == {}
    assert compare(metadata={"workspace": "w", "app_base_url": None, "client_id": None, "app_name": None}) == {}


def test_update_password_always_sends_it_but_never_right_after_a_creation() -> None:
    assert compare(update_password="always") == {"password_update": True}
    res = resource(update_password="always")
    res.create_sent = True
    assert res.compare(CURRENT, res.desired()) == {}


def test_metadata_is_merged_and_org_id_compared() -> None:
    changes = compare(metadata={"workspace": "w2"}, org_id="org-1")
    assert changes == {"metadata": {"app_base_url": "https://app.emailbison.com", "workspace": "w2"}, "org_id": "org-1"}


def test_a_credential_never_changes_its_platform() -> None:
    with pytest.raises(CmrModuleError, match="^app: credential C1 belongs to EMAILBISON and cannot move to SMARTLEAD"):
        compare(credential_id="C1", app="SMARTLEAD")


def test_a_creation_needs_a_password_and_emailbison_its_base_url() -> None:
    with pytest.raises(CmrModuleError, match="^missing options required to store a new credential: password$"):
        mod.check_creation(FakeModule(password=None).params)
    with pytest.raises(CmrModuleError, match="^metadata.app_base_url is required to store an EMAILBISON credential$"):
        mod.check_creation(FakeModule().params)
    mod.check_creation(FakeModule(app="SMARTLEAD").params)


def test_the_credential_is_named_by_app_and_email_or_its_id() -> None:
    with pytest.raises(CmrModuleError, match="^app and email are required unless credential_id is set$"):
        resource(app=None, email=None)
    with pytest.raises(CmrModuleError, match="^email must be an e-mail address"):
        resource(email="not an address")
