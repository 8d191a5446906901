# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_platform_credential_info against the simulator: filters, the connected map, no password, reads only."""

from __future__ import annotations

import json
import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.modules import cmr_platform_credential_info as mod

METADATA = {"appBaseUrl": "https://app.emailbison.com", "clientId": "client_eb_1", "appName": "EmailBison", "workspace": "w"}
PASSWORD = "eb-password-never-shown"


def store(sim: t.Any, user_id: str, email: str) -> str:
    body = {"app": "EMAILBISON", "credentials": {"email": email, "password": PASSWORD}, "metadata": METADATA}
    return sim.api("POST", "/exports/platform-credential", query={"userId": user_id}, body=body)["credentialId"]


def test_lists_filters_and_never_shows_a_password(sim: t.Any, run_module: t.Any) -> None:
    user_id = sim.user()
    first = store(sim, user_id, "john@agency.example")
    store(sim, user_id, "jane@agency.example")
    before = sim.ready()

    everything = run_module(mod, {"user_id": user_id})
    assert everything["changed"] is False
    assert sorted(cred["email"] for cred in everything["credentials"]) == ["jane@agency.example", "john@agency.example"]
    assert everything["connected"]["EMAILBISON"] is True and everything["connected"]["SMARTLEAD"] is False
    assert PASSWORD not in json.dumps(everything)

    by_email = run_module(mod, {"user_id": user_id, "app": "EMAILBISON", "email": "John@Agency.example"})
    assert [cred["credential_id"] for cred in by_email["credentials"]] == [first]
    by_id = run_module(mod, {"user_id": user_id, "credential_id": first})
    assert [cred["credential_id"] for cred in by_id["credentials"]] == [first]
    assert run_module(mod, {"user_id": user_id, "app": "SMARTLEAD"})["credentials"] == []
    sim.assert_untouched(before)


def test_an_empty_credential_id_is_refused_before_any_request(sim: t.Any, run_module: t.Any) -> None:
    user_id = sim.user()
    sim.ready()
    result = run_module(mod, {"user_id": user_id, "credential_id": " "})
    assert result["failed"] and result["msg"].startswith("credential_id is empty")
    assert sim.requests() == []
