# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The customer_declaration filter: what export_estate.yml writes for one customer."""

from __future__ import annotations

import copy
import re
import typing as t

import pytest
import yaml

from ansible.errors import AnsibleFilterError
from ansible.utils.unsafe_proxy import AnsibleUnsafeText

from ansible_collections.coldmailreseller.cmr.plugins.filter.customer_declaration import FilterModule, customer_declaration
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._dns import validate_items
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._orders import parse_mailboxes

USER_ID = "U1"
DMARC = "v=DMARC1; p=none; rua=mailto:r@acme.com; ruf=mailto:r@acme.com; fo=0; rf=afrf; ri=604800; pct=100; sp=reject; aspf=r; adkim=r"
SECRETS = ("Secret-Passw0rd!1", "abcdefghijklmnop", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")


def domain(name: str, **settings: t.Any) -> dict[str, t.Any]:
    reported = {"forward_to": None, "mask_forwarding": None, "email_forward_to": None, "google_client_id": None, "google_app_name": None}
    return {"name": name, "status": "ACTIVE", "service_provider": "GOOGLE", "auto_renew": False, **reported, **settings}


def mailbox(email: str, first: str, last: str, warmup: t.Optional[str] = None, **extra: t.Any) -> dict[str, t.Any]:
    return {"email": email, "username": email.split("@")[0], "first_name": first, "last_name": last, "warmup": warmup, "status": "ACTIVE", **extra}


def estate() -> dict[str, t.Any]:
    return {
        "user": {"user_id": USER_ID, "email": "Ops@Acme.example", "first_name": "Jane", "last_name": "Doe", "company": "Acme",
                 "country": "US", "state_province": "New York", "city": "New York", "address_line_one": "1 Main Street",
                 "postal_code": "10001", "phone_cc": "1", "phone": "5555550100", "language_preference": "en", "created_at": "2026-01-01"},
        "domains": [domain("acme.net"), domain("acme.com", auto_renew=True, forward_to="https://acme.example", mask_forwarding=False)],
        "records": {
            "acme.com": [
                {"record_id": "r3", "type": "TXT", "host": "_dmarc", "value": DMARC},
                {"record_id": "r1", "type": "MX", "host": "@", "value": "smtp.google.com", "priority": 1},
                {"record_id": "r2", "type": "TXT", "host": "@", "value": "v=spf1 include:_spf.google.com ~all"},
            ],
            "acme.net": [],
        },
        "mailboxes": [
            mailbox("john@acme.com", "Johnny", "Smith", "PAUSED", password=SECRETS[0], app_password=SECRETS[1], authenticator_secret=SECRETS[2]),
            mailbox("jane@acme.com", "Jane", "Doe", "PENDING", profile_picture="https://pictures.example/jane.png"),
            mailbox("info@acme.net", "Info", "Desk"),
        ],
        "subscriptions": [
            {"subscription_id": "S1", "domain": "acme.com", "user_id": USER_ID, "status": "ACTIVE", "auto_renew": False},
            {"subscription_id": "S0", "domain": "acme.net", "user_id": USER_ID, "status": "CANCELLED", "auto_renew": True},
            {"subscription_id": "S9", "domain": "other.com", "user_id": "U2", "status": "ACTIVE", "auto_renew": True},
        ],
    }


def render(data: t.Optional[dict[str, t.Any]] = None, **kwargs: t.Any) -> tuple[str, dict[str, t.Any]]:
    text = customer_declaration(estate() if data is None else data, **kwargs)
    return text, yaml.safe_load(text)


def test_the_file_has_every_section_in_the_playbooks_shape() -> None:
    text, data = render()
    assert text.startswith("---\n")
    assert data["customer"]["email"] == "Ops@Acme.example"
    assert "created_at" not in data["customer"] and "user_id" not in data["customer"]
    assert data["customer"]["postal_code"] == "10001"  # stays a string
    assert data["customer_domains"] == [{"name": "acme.com"}, {"name": "acme.net"}]
    assert data["service_provider"] == "GOOGLE"
    assert data["customer_domain_settings"] == {
        "acme.com": {"auto_renew": True, "forward_to": "https://acme.example", "mask_forwarding": False},
        "acme.net": {"auto_renew": False},
    }
    assert data["customer_mailboxes"] == {
        "acme.com": [
            {"username": "jane", "first_name": "Jane", "last_name": "Doe", "profile_picture": "https://pictures.example/jane.png"},
            {"username": "john", "first_name": "Johnny", "last_name": "Smith"},
        ],
        "acme.net": [{"username": "info", "first_name": "Info", "last_name": "Desk"}],
    }
    # PENDING is an enrolment under way; never enrolled reads as stopped (neither asks for a change).
    assert data["customer_mailbox_warmup"] == {"info@acme.net": "stopped", "jane@acme.com": "active", "john@acme.com": "paused"}
    assert data["dns_purge"] is False
    assert [r["type"] for r in data["customer_dns_records"]["acme.com"]] == ["MX", "TXT", "TXT"]
    assert data["customer_dns_records"]["acme.net"] == []


def test_the_output_is_what_the_modules_accept() -> None:
    _text, data = render()
    for name, records in data["customer_dns_records"].items():
        validate_items(records, name, "present")  # cmr_dns_records' own validation
    assert set(parse_mailboxes(data["customer_mailboxes"])) == {"acme.com", "acme.net"}  # cmr_order's


def test_no_secret_reaches_the_file() -> None:
    text, _data = render()
    for secret in SECRETS:
        assert secret not in text
    assert not re.search(r"^\s*(password|app_password|authenticator_secret|api_key):", text, re.M)


def test_the_dmarc_value_is_written_as_stored_with_a_note() -> None:
    text, data = render()
    dmarc = [r for r in data["customer_dns_records"]["acme.com"] if r["host"] == "_dmarc"][0]
    assert dmarc["value"] == DMARC
    assert "# acme.com: the DMARC value on _dmarc holds tags CMR adds by itself to a value that lacks them" in text


def test_excluded_dmarc_tags_are_kept_and_not_called_appended() -> None:
    data = estate()
    data["records"]["acme.com"] = [{"type": "TXT", "host": "_dmarc", "value": "v=DMARC1; p=none; rua=mailto:x@acme.com", "excluded_dmarc_tags": ["ruf"]}]
    text, parsed = render(data)
    assert parsed["customer_dns_records"]["acme.com"][0]["excluded_dmarc_tags"] == ["ruf"]
    assert "(rua)" in text


def test_settings_cmr_does_not_report_are_left_out_and_named() -> None:
    data = estate()
    for key in ("forward_to", "mask_forwarding", "email_forward_to", "google_client_id", "google_app_name"):
        del data["domains"][0][key]  # acme.net: the answer lacks them
    text, parsed = render(data)
    assert parsed["customer_domain_settings"]["acme.net"] == {"auto_renew": False}
    assert ("# acme.net: CMR did not report email_forward_to, forward_to, google_app_name, google_client_id, mask_forwarding,"
            in text)
    assert "# acme.com: CMR did not report" not in text
    assert "Warm-up settings (cmr_mailbox's warmup_settings) are write-only" in text


def test_settings_are_written_only_in_the_combinations_cmr_domain_accepts() -> None:
    data = estate()
    data["domains"] = [domain("acme.com", mask_forwarding=True, google_client_id="1-x.apps.googleusercontent.com")]
    _text, parsed = render(data)
    assert parsed["customer_domain_settings"]["acme.com"] == {"auto_renew": False}
    data["domains"] = [domain("acme.com", google_client_id="1-x.apps.googleusercontent.com", google_app_name="Acme", email_forward_to="in@acme.example")]
    _text, parsed = render(data)
    assert parsed["customer_domain_settings"]["acme.com"] == {
        "auto_renew": False, "email_forward_to": "in@acme.example", "google_client_id": "1-x.apps.googleusercontent.com", "google_app_name": "Acme"}


def test_only_running_subscriptions_of_this_customer_are_declared() -> None:
    text, data = render()
    assert data["customer_subscriptions"] == {"acme.com": {"auto_renew": False}}
    assert "# Not declared, no running subscription: acme.net (CANCELLED)." in text
    assert "other.com" not in text


def test_a_live_subscription_wins_over_an_ended_one_of_the_same_domain() -> None:
    data = estate()
    data["subscriptions"].append({"domain": "acme.net", "user_id": USER_ID, "status": "PAST_DUE", "auto_renew": True})
    text, parsed = render(data)
    assert parsed["customer_subscriptions"]["acme.net"] == {"auto_renew": True}
    assert "Not declared" not in text


def test_records_that_cannot_be_declared_are_named() -> None:
    data = estate()
    data["records"]["acme.net"] = [{"type": "MX", "host": "@", "value": "mx.acme.net", "priority": None}, {"type": "A", "host": "www", "value": ""}]
    data["disabled_records"] = {"acme.net": [{"type": "A", "host": "old", "value": "192.0.2.1"}]}
    text, parsed = render(data)
    assert parsed["customer_dns_records"]["acme.net"] == []
    assert "# acme.net: the MX record mx.acme.net has no readable priority: left out." in text
    assert "# acme.net: the A record on www has no value: left out." in text
    assert "# acme.net: 1 record(s) CMR lists as disabled are not declared." in text


def test_mixed_providers_and_unknown_warmup_are_explained() -> None:
    data = estate()
    data["domains"][0]["service_provider"] = "MICROSOFT"
    data["domains"].append(domain("acme.org", service_provider="MICROSOFT"))
    data["mailboxes"][2]["warmup"] = "SOMETHING_NEW"
    text, parsed = render(data)
    assert parsed["service_provider"] == "MICROSOFT"
    assert "# The domains use GOOGLE, MICROSOFT; the most common one is written." in text
    assert parsed["customer_mailbox_warmup"]["info@acme.net"] == "stopped"
    assert "# Unknown warm-up status, written as stopped: info@acme.net." in text


def test_a_customer_without_anything_gets_empty_sections() -> None:
    data = {"user": estate()["user"], "domains": [], "records": {}, "mailboxes": [], "subscriptions": []}
    _text, parsed = render(data)
    assert parsed["customer_domains"] == []
    assert parsed["service_provider"] == "GOOGLE"
    for key in ("customer_domain_settings", "customer_subscriptions", "customer_mailboxes", "customer_mailbox_warmup", "customer_dns_records"):
        assert parsed[key] == {}, key


def test_output_is_deterministic_and_purge_is_an_option() -> None:
    shuffled = estate()
    shuffled["domains"].reverse()
    shuffled["mailboxes"].reverse()
    shuffled["records"]["acme.com"].reverse()
    assert render()[0] == render(shuffled)[0]
    assert render(dns_purge=True)[1]["dns_purge"] is True


def test_templated_strings_are_accepted() -> None:
    data = estate()
    data["user"] = {key: AnsibleUnsafeText(value) for key, value in data["user"].items()}
    assert render(data)[1]["customer"]["company"] == "Acme"


def test_the_input_is_not_modified() -> None:
    data = estate()
    before = copy.deepcopy(data)
    render(data)
    assert data == before


@pytest.mark.parametrize("bad, message", [
    ("text", "expects a dictionary"),
    ({"user": {"email": "a@b.example"}}, "needs an email and a user_id"),
])
def test_bad_input_is_one_clear_error(bad: t.Any, message: str) -> None:
    with pytest.raises(AnsibleFilterError, match=message):
        customer_declaration(bad)


def test_the_filter_is_registered() -> None:
    assert FilterModule().filters()["customer_declaration"] is customer_declaration
