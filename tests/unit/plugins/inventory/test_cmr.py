# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The inventory plugin's reading of the account (every page, only the wanted customers) and
the hosts it makes of it (variables, groups, no secrets)."""

from __future__ import annotations

import typing as t

from ansible_collections.coldmailreseller.cmr.plugins.inventory.cmr import (
    InventoryModule,
    build_hosts,
    group_name,
    read_estate,
)
from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _api
from ansible_collections.coldmailreseller.cmr.plugins.module_utils._client import CmrClient, CmrResponse

KEY = "KEY-0123456789-INVENTORY-SECRET"


class PagedClient(CmrClient):
    """The real client (pagination included) over canned lists instead of HTTP.

    ``lists`` maps (path, userId or None) to the full list; each call answers one page of it
    with CMR's ``page``/``limit`` parameters. ``calls`` records (path, userId, page).
    """

    def __init__(self, lists: dict[tuple[str, t.Optional[str]], list]) -> None:
        super().__init__("http://127.0.0.1:9/api/v1/integration", KEY, report_errors=False)
        self.lists = lists
        self.calls: list[tuple[str, t.Optional[str], int]] = []

    def call(self, endpoint: _api.Endpoint, query: t.Any = None, body: t.Any = None) -> CmrResponse:
        query = dict(query or {})
        user_id = query.get(_api.USER_ID)
        page, limit = int(query[_api.PAGE_PARAM]), int(query[_api.LIMIT_PARAM])
        self.calls.append((endpoint.path, user_id, page))
        items = self.lists.get((endpoint.path, user_id), [])[(page - 1) * limit:page * limit]
        data: t.Any = {_api.USERS_LIST_KEY: items} if endpoint == _api.USERS_LIST else items
        return CmrResponse(200, "ok", data, None)


def user(number: int) -> dict[str, t.Any]:
    return {"userId": "U%03d" % number, "email": "Customer%03d@Example.com" % number, "company": "C%d" % number}


def domain(user_id: str, number: int, status: str = "ACTIVE") -> dict[str, t.Any]:
    return {"domainId": "D%s-%03d" % (user_id, number), "domainName": "Site%03d.%s.COM" % (number, user_id.lower()),
            "status": status, "userId": user_id, "serviceProvider": "GOOGLE", "expiryDate": "2027-01-01T00:00:00Z",
            "autoRenew": True}


def mailbox(user_id: str, name: str) -> dict[str, t.Any]:
    return {"mailboxId": "M-" + name, "email": "%s@acme.com" % name, "username": name, "domain": "acme.com",
            "status": "ACTIVE", "serviceProvider": "MICROSOFT", "userId": user_id, "warmupStatus": "ACTIVE",
            "password": "hunter2-password", "appPassword": "app-secret", "authenticatorSecret": "otp-secret"}


def test_every_page_of_customers_and_domains_is_read() -> None:
    users = [user(number) for number in range(150)]
    client = PagedClient({
        (_api.USERS_LIST.path, None): users,
        (_api.DOMAINS_BY_USER.path, "U007"): [domain("U007", number) for number in range(120)],
    })
    estate = read_estate(client, "domains", [])
    assert len(estate["users"]) == 150
    assert len(estate["objects"]["U007"]) == 120
    assert estate["objects"]["U008"] == []
    assert client.calls[:2] == [(_api.USERS_LIST.path, None, 1), (_api.USERS_LIST.path, None, 2)]
    assert [call for call in client.calls if call[1] == "U007"] == [(_api.DOMAINS_BY_USER.path, "U007", 1), (_api.DOMAINS_BY_USER.path, "U007", 2)]
    assert len(client.calls) == 2 + 150 + 1  # customers: 2 pages; one page per customer, two for U007


def test_only_the_wanted_customers_objects_are_read_by_id_or_email() -> None:
    client = PagedClient({(_api.USERS_LIST.path, None): [user(1), user(2), user(3)]})
    estate = read_estate(client, "mailboxes", ["U001", "customer003@example.COM"])
    assert [found["user_id"] for found in estate["users"]] == ["U001", "U003"]
    assert sorted(call[1] for call in client.calls if call[0] == _api.MAILBOXES_BY_USER.path) == ["U001", "U003"]


def test_customers_as_hosts_need_no_further_request() -> None:
    client = PagedClient({(_api.USERS_LIST.path, None): [user(1)]})
    estate = read_estate(client, "users", [])
    assert estate["objects"] == {}
    assert len(client.calls) == 1
    [host] = build_hosts(estate, "users", "/usr/bin/python3")
    assert host.name == "customer001@example.com"
    assert host.groups == ["cmr_users"]
    assert host.variables["cmr_type"] == "user"
    assert host.variables["cmr_user_id"] == "U001"
    assert host.variables["cmr_company"] == "C1"


def test_domain_hosts_carry_cmr_variables_owner_and_groups() -> None:
    client = PagedClient({
        (_api.USERS_LIST.path, None): [user(1)],
        (_api.DOMAINS_BY_USER.path, "U001"): [domain("U001", 2, "GRACE_PERIOD"), domain("U001", 1)],
    })
    hosts = build_hosts(read_estate(client, "domains", []), "domains", "/opt/venv/bin/python")
    assert [host.name for host in hosts] == ["site001.u001.com", "site002.u001.com"]
    first = hosts[0]
    assert first.variables == {
        "cmr_type": "domain",
        "cmr_domain_id": "DU001-001",
        "cmr_name": "Site001.u001.COM",
        "cmr_status": "ACTIVE",
        "cmr_user_id": "U001",
        "cmr_service_provider": "GOOGLE",
        "cmr_expiry_date": "2027-01-01T00:00:00Z",
        "cmr_auto_renew": True,
        "cmr_owner": "Customer001@Example.com",
        "cmr_owner_company": "C1",
        "ansible_connection": "local",
        "ansible_python_interpreter": "/opt/venv/bin/python",
    }
    assert first.groups == ["cmr_domains", "cmr_owner_customer001_example_com", "cmr_status_active", "cmr_provider_google"]
    assert hosts[1].groups[2] == "cmr_status_grace_period"


def test_mailbox_hosts_never_hold_credentials() -> None:
    client = PagedClient({
        (_api.USERS_LIST.path, None): [user(1)],
        (_api.MAILBOXES_BY_USER.path, "U001"): [mailbox("U001", "jane")],
    })
    estate = read_estate(client, "mailboxes", [])
    [host] = build_hosts(estate, "mailboxes", "/usr/bin/python3")
    assert host.name == "jane@acme.com"
    assert host.variables["cmr_mailbox_id"] == "M-jane"
    assert host.variables["cmr_warmup"] == "ACTIVE"
    assert host.groups == ["cmr_mailboxes", "cmr_owner_customer001_example_com", "cmr_status_active", "cmr_provider_microsoft"]
    text = repr(estate) + repr(host)
    for secret in ("hunter2-password", "app-secret", "otp-secret", KEY):
        assert secret not in text


def test_objects_without_a_name_are_not_hosts() -> None:
    estate = {"users": [{"user_id": "U1", "email": "a@b.c"}], "objects": {"U1": [{"domain_id": "D1", "status": "ACTIVE"}]}}
    assert build_hosts(estate, "domains", "python") == []


def test_group_names_are_lowercase_and_safe() -> None:
    assert group_name("cmr_owner_Ops+Team@Acme-Outreach.example") == "cmr_owner_ops_team_acme_outreach_example"
    assert group_name("cmr_status_GRACE_PERIOD") == "cmr_status_grace_period"
    assert group_name("cmr_owner_jürgen@x.de") == "cmr_owner_j_rgen_x_de"


def test_only_cmr_configuration_files_are_accepted(tmp_path: t.Any) -> None:
    plugin = InventoryModule()
    for name, accepted in (("estate.cmr.yml", True), ("cmr.yaml", True), ("hosts.yml", False), ("cmr.yml.bak", False)):
        path = tmp_path / name
        path.write_text("plugin: coldmailreseller.cmr.cmr\n")
        assert plugin.verify_file(str(path)) is accepted, name
