# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Users read by ID, and the one funds check every money-spending path shares."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrApiError, CmrResponse
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._errors import CmrModuleError
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._users import get_user
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._wallet import Funds, read_funds


class FakeClient:
    """Answers every call with ``answer`` (raised when it is an exception); counts the calls."""

    def __init__(self, answer: t.Any) -> None:
        self.answer = answer
        self.calls: list[tuple[str, str]] = []

    def call(self, endpoint: _api.Endpoint, query: t.Any = None, body: t.Any = None) -> CmrResponse:
        self.calls.append((endpoint.method, endpoint.path))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


class FakeModule:
    def __init__(self, check_mode: bool) -> None:
        self.check_mode = check_mode
        self.warnings: list[str] = []

    def warn(self, message: str) -> None:
        self.warnings.append(message)


def ok(data: t.Any) -> CmrResponse:
    return CmrResponse(200, "ok", data, None)


def short() -> Funds:
    return Funds(14.5, 10.0, "renewal of acme.com", "renewed")


# --- users ------------------------------------------------------------------------------------

def test_an_unknown_user_is_none_and_other_errors_are_raised() -> None:
    assert get_user(FakeClient(CmrApiError(404, "User not found", "GET", "/users")), "U9") is None  # type: ignore[arg-type]
    with pytest.raises(CmrApiError):
        get_user(FakeClient(CmrApiError(500, "boom", "GET", "/users")), "U9")  # type: ignore[arg-type]
    assert get_user(FakeClient(ok({"userId": "U1", "email": "a@b.c"})), "U1") == {"user_id": "U1", "email": "a@b.c"}  # type: ignore[arg-type]


# --- funds ------------------------------------------------------------------------------------

def test_funds_suffice_when_the_wallet_covers_the_cost_or_nothing_can_be_judged() -> None:
    assert Funds(12.0, 12.0, "order", "ordered").sufficient
    assert not Funds(12.0, 11.99, "order", "ordered").sufficient
    assert Funds(None, 0.0, "renewal", "renewed").sufficient  # CMR gave no price
    assert Funds(0.0, None, "order", "ordered").sufficient  # nothing to buy, the wallet was not read


def test_funds_are_reported_under_the_keys_every_module_returns() -> None:
    assert short().as_result() == {"wallet_balance": 10.0, "sufficient_funds": False}
    assert Funds(0.0, None, "order", "ordered").as_result() == {"wallet_balance": None, "sufficient_funds": True}


def test_check_mode_warns_when_the_wallet_is_short_and_a_real_run_does_not() -> None:
    check = FakeModule(check_mode=True)
    short().warn_if_short(check)
    assert check.warnings == ["the wallet (10.00 USD) cannot pay this renewal of acme.com (14.50 USD); a real run will refuse it"]
    real = FakeModule(check_mode=False)
    short().warn_if_short(real)
    Funds(14.5, 20.0, "renewal", "renewed").warn_if_short(check)
    assert real.warnings == [] and len(check.warnings) == 1


def test_a_short_wallet_is_refused_in_one_line_with_the_details() -> None:
    with pytest.raises(CmrModuleError) as exc:
        short().require(renewal={"price": 14.5})
    assert str(exc.value) == ("nothing was renewed: the renewal of acme.com costs 14.50 USD but the partner wallet holds 10.00 USD; "
                              "top up the wallet and run the task again")
    assert exc.value.details == {"renewal": {"price": 14.5}}
    Funds(14.5, 14.5, "renewal", "renewed").require()  # enough: no error
    Funds(None, 0.0, "renewal", "renewed").require()  # no price to judge: CMR decides


def test_read_funds_reads_the_wallet_once() -> None:
    client = FakeClient(ok({"balance": 25, "currency": "USD"}))
    funds = read_funds(client, 6.0, "renewal", "renewed")  # type: ignore[arg-type]
    assert funds == Funds(6.0, 25.0, "renewal", "renewed")
    assert client.calls == [("GET", _api.WALLET.path)]


def test_a_wallet_without_a_balance_is_an_unexpected_response() -> None:
    with pytest.raises(CmrModuleError, match="^Unexpected response from CMR: the wallet has no numeric balance"):
        read_funds(FakeClient(ok({"currency": "USD"})), 6.0, "renewal", "renewed")  # type: ignore[arg-type]
