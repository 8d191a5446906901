# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""cmr_placement_test_info against the simulator: reports by user, order and mailbox, reads only."""

from __future__ import annotations

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.modules import cmr_placement_test_info as mod


def test_reports_by_user_order_and_mailbox(sim: t.Any, run_module: t.Any) -> None:
    user_id = sim.user()
    sim.order(user_id, ["place-a.com"], {"place-a.com": ["ann", "bob"]})
    ann, bob = sim.mailbox("ann@place-a.com")["mailboxId"], sim.mailbox("bob@place-a.com")["mailboxId"]
    first = sim.api("POST", "/placement", query={"userId": user_id}, body={"mailboxIds": [ann, bob]})["orderId"]
    second = sim.api("POST", "/placement", query={"userId": user_id}, body={"mailboxIds": [ann]})["orderId"]
    before = sim.ready()

    everything = run_module(mod, {"user_id": user_id})
    assert everything["changed"] is False
    assert sorted(report["order_id"] for report in everything["reports"]) == sorted([first, second])
    of_order = run_module(mod, {"user_id": user_id, "order_id": second})["reports"]
    assert [report["order_id"] for report in of_order] == [second]
    of_bob = run_module(mod, {"user_id": user_id, "mailbox_id": bob})["reports"]
    assert [report["order_id"] for report in of_bob] == [first]
    sim.assert_untouched(before)
