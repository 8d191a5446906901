# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_prewarmed_domain follows the wallet rule every purchase shares when the wallet cannot be read."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.modules import cmr_prewarmed_domain as mod


@pytest.fixture
def no_wallet(sim: t.Any) -> t.Iterator[t.Any]:
    sim.control("POST", "variants", {"variants": ["wallet-absent"]})
    yield sim
    sim.control("POST", "variants", {"variants": []})


def test_an_unreadable_wallet_stops_without_max_cost_and_goes_ahead_within_it(no_wallet: t.Any, run_module: t.Any) -> None:
    user_id = no_wallet.user()
    package = no_wallet.api("GET", "/pre-warmup")["inventory"][0]
    before = no_wallet.ready()
    args = {"user_id": user_id, "domains": [package["domain"]], "confirm": True, "_ansible_check_mode": True}

    stopped = run_module(mod, args)
    assert stopped["failed"] and "set max_cost" in stopped["msg"]
    planned = run_module(mod, dict(args, max_cost=package["purchasePrice"] + 1))
    assert not planned.get("failed") and planned["changed"] and planned["wallet_balance"] is None
    assert planned["cmr_plan"]["action"] == "purchase"
    # Check mode bought nothing; the only POSTs are the reports of the inferred wallet endpoint's failure.
    assert [write for write in no_wallet.writes() if write != ("POST", "/send-errors")] == []
    assert no_wallet.snapshot() == before
