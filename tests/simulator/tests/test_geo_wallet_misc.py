"""Geo reference data, the wallet and /send-errors."""

from __future__ import annotations

import json

import pytest

from cmrsim import geo

REPORT = {"method": "POST", "path": "/api/v1/integration/orders/json", "query": json.dumps({"userId": "U1"}),
          "payload": json.dumps({"domains": []}), "response": json.dumps({"status": 500, "message": "Internal server error"})}


def test_countries(sim):
    status, reply, _headers = sim.api("GET", "/geo/countries")
    assert status == 200
    countries = reply["data"]
    assert countries["United States"] == "US" and countries["Canada"] == "CA" and countries["Germany"] == "DE"
    assert len(countries) >= 190
    assert all(len(code) == 2 and code.isupper() for code in countries.values())
    assert len(set(countries.values())) == len(countries)


STATE_SAMPLES = [("US", "New York", "NY"), ("CA", "Ontario", "ON"), ("GB", "Scotland", "SCT"), ("DE", "Bavaria", "BY"),
                 ("AU", "Victoria", "VIC"), ("IN", "Karnataka", "KA"), ("us", "Texas", "TX")]


@pytest.mark.parametrize(("code", "name", "state_code"), STATE_SAMPLES)
def test_states(sim, code, name, state_code):
    status, reply, _headers = sim.api("GET", "/geo/states", query={"countryCode": code})
    assert status == 200
    assert reply["data"][name] == state_code
    assert reply["data"] == geo.STATES[code.upper()]


def test_states_errors(sim):
    assert sim.api("GET", "/geo/states")[0] == 400
    status, reply, _headers = sim.api("GET", "/geo/states", query={"countryCode": "USA"})
    assert status == 400 and "countryCode" in reply["message"]
    status, reply, _headers = sim.api("GET", "/geo/states", query={"countryCode": "QQ"})
    assert status == 404 and reply["data"] is None
    assert sim.api("GET", "/geo/states", query={"countryCode": "FR"})[1]["data"] == {}


def test_wallet(sim):
    expected = {"status": 200, "message": "Wallet details fetched successfully", "data": {"balance": 1000.0, "currency": "USD"}}
    assert sim.api("GET", "/wallet").body == expected
    sim.control("POST", "wallet", {"balance": 12.345})
    assert sim.api("GET", "/wallet")[1]["data"] == {"balance": 12.35, "currency": "USD"}
    sim.reset(wallet=5)
    assert sim.api("GET", "/wallet")[1]["data"]["balance"] == 5


def test_wallet_start_option(sim_factory):
    server = sim_factory(wallet=42.5)
    assert server.api("GET", "/wallet")[1]["data"]["balance"] == 42.5
    server.reset()
    assert server.state()["wallet"] == 42.5


def test_send_errors_recorded(sim):
    status, reply, _headers = sim.api("POST", "/send-errors", json=REPORT)
    assert (status, reply) == (200, {})
    second = {**REPORT, "payload": "{}"}
    sim.api("POST", "/send-errors", json=second)
    assert sim.control("GET", "error-reports") == [REPORT, second]
    assert sim.requests()[0]["path"] == "/send-errors"
    sim.reset()
    assert sim.control("GET", "error-reports") == []


@pytest.mark.parametrize("change", [{"query": ""}, {"payload": ""}, {"response": "<html>"}, {"method": "", "path": ""}])
def test_send_errors_takes_any_string(sim, change):
    """The contract types every field as a string and forbids no value: empty and non-JSON text are stored as sent."""
    status, reply, _headers = sim.api("POST", "/send-errors", json={**REPORT, **change})
    assert (status, reply) == (200, {})
    assert sim.control("GET", "error-reports") == [{**REPORT, **change}]


@pytest.mark.parametrize(("change", "message"), [
    ({"payload": {"domains": []}}, "payload: expected a string"),
    ({"query": None}, "query: expected a string"),
    ({"method": 1}, "method: expected a string"),
    ({"extra": "x"}, "extra: extra keys not allowed"),
])
def test_send_errors_validation(sim, change, message):
    status, reply, _headers = sim.api("POST", "/send-errors", json={**REPORT, **change})
    assert (status, reply["message"]) == (400, message)
    assert sim.control("GET", "error-reports") == []


@pytest.mark.parametrize("field", sorted(REPORT))
def test_send_errors_requires_every_field(sim, field):
    body = {key: value for key, value in REPORT.items() if key != field}
    status, reply, _headers = sim.api("POST", "/send-errors", json=body)
    assert (status, reply["message"]) == (400, f"{field}: required key not provided")
