# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_api_readings_info against the simulator's default reading: every check holds, nothing is written."""

from __future__ import annotations

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.modules import cmr_api_readings_info as mod


def test_the_default_reading_holds_and_the_probe_writes_nothing(sim: t.Any, run_module: t.Any) -> None:
    user_id = sim.user()
    sim.order(user_id, ["probe-a.com"], {"probe-a.com": ["ann"]})
    before = sim.ready()

    result = run_module(mod, {"user_id": user_id})
    assert result["changed"] is False
    assert result["summary"]["differs"] == 0 and result["summary"]["holds"] > 0
    assert sum(result["summary"].values()) == len(result["checks"]) == len(result["table"]) - 1  # one header line
    assert {check["result"] for check in result["checks"]} <= {"holds", "not checked"}
    # Only reads: GETs, read-only POSTs and OPTIONS (which methods a path allows); the state is as it was.
    assert [write for write in sim.writes() if write[0] != "OPTIONS"] == []
    assert sim.snapshot() == before
    assert sim.control("GET", "error-reports") == []  # an error report would be a POST
