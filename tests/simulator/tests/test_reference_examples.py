"""The request examples of CMR's public documentation, sent as written there and answered in the documented shape.

Bodies and query strings are copied from the documentation's examples (the area, a heading of
``docs/developer/API.md``, is named in each test's docstring); only ``…`` placeholders are filled with the ids
the simulator handed out. Examples already sent verbatim elsewhere: DNS
(``test_dns.py::test_documented_example_verbatim``), the openapi order
(``test_orders.py::test_documented_example_is_accepted``), warm-up settings and status
(``test_mailboxes.py``), placement (``test_exports_prewarmup_placement.py``), platform
credential and exports, the Google pre-warmup order, the sandbox.
"""

from __future__ import annotations

import json

from cmrsim import catalog
from simhelpers import domain, events, mailbox, mailboxes_of, multipart, order_status, provision, subscription, wallet


def test_create_user_with_the_documented_example_values(sim):
    """Users: the field table's example values (US, the full state name, en, phoneCc "1"); data.id is the user id."""
    body = {"email": "jane@acme.com", "company": "Acme", "firstName": "Jane", "lastName": "Doe", "country": "US", "state": "New York",
            "city": "New York", "addressLineOne": "1 Main Street", "addressLineTwo": "Suite 2", "addressLineThree": "Floor 3",
            "postalCode": "10001", "languagePreference": "en", "phoneCc": "1", "phone": "2125550100"}
    status, reply, dummy = sim.api("POST", "/users", json=body)
    assert status == 200
    assert set(reply) == {"status", "message", "data"} and reply["message"] == "User created" and set(reply["data"]) == {"id"}
    stored = sim.api("GET", "/users", query={"userId": reply["data"]["id"]})[1]["data"]
    assert {key: stored[key] for key in body} == body


def test_renewal_price_example(sim, make_user):
    """Domain renewal: ``{"userId": "…", "domains": ["a.com", "b.info"]}`` → one item per name, renewalPrice a string."""
    user_id = make_user()
    provision(sim, user_id, {"a.com": [], "b.info": []})
    status, reply, dummy = sim.api("POST", "/domains/renewal-price", json={"userId": user_id, "domains": ["a.com", "b.info"]})
    assert status == 200 and reply["message"] == "Domain renewal prices fetched successfully"
    assert [(item["domainName"], item["renewalPrice"], item["years"], item["autoRenew"]) for item in reply["data"]] == [
        ("a.com", "14.50", 1, False), ("b.info", "19.00", 1, False)]
    for item in reply["data"]:
        assert set(item) == {"domainName", "domainId", "years", "renewalPrice", "expireOn", "autoRenew"}
        assert item["expireOn"] == domain(sim, user_id, item["domainName"])["expiryDate"]


def test_toggle_auto_renew_example(sim, make_user):
    """Domains, auto-renew: ``{"userId": "…", "domains": ["…"], "autoRenew": true}`` and the documented answer for acme.com."""
    user_id = make_user()
    provision(sim, user_id, {"acme.com": []})
    status, reply, dummy = sim.api("PATCH", "/domains/toggle-auto-renew", json={"userId": user_id, "domains": ["acme.com"], "autoRenew": True})
    assert (status, reply["status"], reply["message"]) == (200, 200, "Auto-renew toggled on for 1 domain.")
    assert reply["data"] == [{"domainName": "acme.com", "domainId": domain(sim, user_id, "acme.com")["domainId"], "autoRenew": True}]


def test_has_workspace_examples(sim):
    """Availability and workspaces: the single and the bulk body as written."""
    status, reply, dummy = sim.api("POST", "/domains/has-workspace", json={"domainName": "acme.com", "serviceProvider": "GOOGLE"})
    assert (status, reply) == (200, {"status": 200, "message": "Workspace not exists", "data": None})
    status, reply, dummy = sim.api("POST", "/domains/has-workspace",
                                   json={"domains": [{"domainName": "a.com", "serviceProvider": "GOOGLE"}, {"domainName": "b.com"}]})
    assert status == 200
    assert reply["data"] == [{"domainName": "a.com", "success": True}, {"domainName": "b.com", "success": True}]


def test_order_json_with_every_documented_field(sim, make_user):
    """Orders: every field of the body table, answered as the HG example."""
    user_id = make_user()
    body = {
        "domains": [{"domain": "alicesender.com", "years": 1, "forwardTo": "https://alice.example.org"}],
        "mailboxes": {"alicesender.com": [{"username": "alice", "firstName": "Alice", "lastName": "Johnson",
                                           "profilePicture": "https://img.example.org/alice.png", "onWarmup": False}]},
        "billingCycle": "MONTHLY", "confirm": True, "serviceProvider": "GOOGLE",
        "google": {"googleOauthRoute": "https://yourapp.com/oauth/google", "clientId": "123-abc.apps.googleusercontent.com",
                   "appName": "YourApp"},
        "autoRenew": False,
    }
    status, reply, dummy = sim.api("POST", "/orders/json", query={"userId": user_id}, json=body)
    assert (status, reply["message"]) == (200, "Order created and queued for processing")
    assert set(reply) == {"status", "message", "data", "actionId"} and reply["actionId"].startswith("ACT_")
    assert reply["data"]["unavailableDomains"] == [] and reply["data"]["orderId"]
    sim.wait_for(lambda: order_status(sim, user_id, reply["data"]["orderId"]) == "COMPLETED")
    assert domain(sim, user_id, "alicesender.com")["domainForwarding"]["forwardTo"] == "https://alice.example.org"
    assert mailbox(sim, "alice@alicesender.com")["profilePicture"] == "https://img.example.org/alice.png"
    assert subscription(sim, "alicesender.com")["autoRenew"] is False


def test_order_json_microsoft_example(sim, make_user):
    """Orders: a MICROSOFT order carries microsoftOauthRoute."""
    user_id = make_user()
    body = {"domains": [{"domain": "bobsender.com", "years": 2}], "billingCycle": "MONTHLY", "serviceProvider": "MICROSOFT",
            "microsoftOauthRoute": "https://yourapp.com/oauth/microsoft",
            "mailboxes": {"bobsender.com": [{"username": "bob", "firstName": "Bob", "lastName": "Smith"}]}}
    status, reply, dummy = sim.api("POST", "/orders/json", query={"userId": user_id}, json=body)
    assert status == 200, reply
    sim.wait_for(lambda: order_status(sim, user_id, reply["data"]["orderId"]) == "COMPLETED")
    assert mailboxes_of(sim, user_id)[0]["serviceProvider"] == "MICROSOFT"


def test_deprecated_multipart_mailbox_order_confirm_false(sim, make_user):
    """Orders, the deprecated multipart mailbox order: subscriptionId, mailboxes, files, confirm=false (process later), google, autoRenew as form fields."""
    user_id = make_user()
    provision(sim, user_id, {"legacy-form.com": ["a"]})
    sub = subscription(sim, "legacy-form.com")
    before = wallet(sim)
    raw, content_type = multipart({
        "subscriptionId": sub["subscriptionId"], "confirm": "false", "autoRenew": "true",
        "mailboxes": json.dumps({"legacy-form.com": [{"username": "b", "firstName": "B", "lastName": "Form"}]}),
        "google": json.dumps({"googleOauthRoute": "https://yourapp.com/oauth/google", "clientId": 123456, "appName": "YourApp"}),
        "files[b@legacy-form.com]": ("b.png", b"\x89PNG"),
    })
    status, reply, dummy = sim.api("POST", "/orders/create-mailbox-order", query={"userId": user_id}, raw=raw,
                                   headers={"Content-Type": content_type})
    assert status == 200, reply
    assert wallet(sim) == before and len(mailboxes_of(sim, user_id)) == 1
    status, reply, dummy = sim.api("POST", "/orders/process", query={"userId": user_id}, json={"orderId": reply["data"]["orderId"]})
    assert status == 200 and wallet(sim) == before - catalog.MAILBOX_PRICE
    sim.wait_for(lambda: (mailbox(sim, "b@legacy-form.com") or {}).get("status") == "ACTIVE")
    assert mailbox(sim, "b@legacy-form.com")["profilePicture"]


def test_renew_two_subscriptions_example(sim, make_user):
    """Subscriptions, renewal: ``{"subscriptionIds": ["…","…"]}`` renews both (all or none) with the documented message."""
    user_id = make_user()
    provision(sim, user_id, {"renew-one.com": ["a"], "renew-two.com": ["b", "c"]}, autoRenew=False)
    ids = [subscription(sim, name)["subscriptionId"] for name in ("renew-one.com", "renew-two.com")]
    sim.control("POST", "clock", {"advance_days": 25})
    before = wallet(sim)
    status, reply, dummy = sim.api("POST", "/subscriptions/renew-subscriptions", json={"subscriptionIds": ids})
    assert status == 200 and reply["actionId"].startswith("ACT_")
    assert reply["message"] == "Subscriptions added for renewal. Please ensure you have enough balance to renew the subscriptions."
    assert wallet(sim) == before - 3 * catalog.MAILBOX_PRICE
    sim.wait_for(lambda: {subscription(sim, name)["subscriptionStatus"] for name in ("renew-one.com", "renew-two.com")} == {"ACTIVE"})
    assert len(events(sim, "subscription.renewal.success")) == 2


def test_placement_reports_query_parameters(sim, make_user):
    """Placement tests: ``GET /placement/reports?userId=`` with the optional ``page`` and ``limit``, newest first."""
    user_id = make_user()
    provision(sim, user_id, {"placed.com": ["a"]})
    box = mailboxes_of(sim, user_id)[0]["mailboxId"]
    orders = [sim.api("POST", "/placement", query={"userId": user_id},
                      json={"mailboxIds": [box], "spamassassin": True, "blacklist": True, "aiInsight": False})[1]["data"]["orderId"]
              for dummy in range(3)]
    first = sim.api("GET", "/placement/reports", query={"userId": user_id, "page": 1, "limit": 2})[1]["data"]
    second = sim.api("GET", "/placement/reports", query={"userId": user_id, "page": 2, "limit": 2})[1]["data"]
    assert [r["orderId"] for r in first + second] == orders[::-1]
    report = first[0]
    assert {"orderId", "status", "spamassassin", "blacklist", "mailboxCount", "mailboxes"} <= set(report)
    assert {"placementOrderId", "fromEmail", "status", "report"} <= set(report["mailboxes"][0])


def test_prewarmup_order_microsoft_example(sim, make_user):
    """Pre-warmed domains: the Microsoft form of the body (microsoftOauthRoute instead of google), answered 201."""
    user_id = make_user()
    status, reply, dummy = sim.api("POST", "/pre-warmup/order", query={"userId": user_id}, json={
        "order": [{"domain": "prewarm-contoso.com"}], "serviceProvider": "MICROSOFT",
        "microsoftOauthRoute": "https://yourapp.com/oauth/microsoft", "autoRenew": True})
    assert (status, reply["status"]) == (201, 201) and reply["actionId"].startswith("ACT_")
    sim.wait_for(lambda: domain(sim, user_id, "prewarm-contoso.com"))
    assert {mb["serviceProvider"] for mb in mailboxes_of(sim, user_id)} == {"MICROSOFT"}


def test_send_errors_documented_example(sim):
    """Error reports: five strings — query, payload (a whole /orders/json body) and response as JSON text — answered ``{}``."""
    payload = {"billingCycle": "MONTHLY", "confirm": True, "serviceProvider": "GOOGLE", "domains": [{"domain": "alicesender.com", "years": 1}],
               "mailboxes": {"alicesender.com": [{"username": "alice", "firstName": "Alice", "lastName": "Johnson", "onWarmup": True}]}}
    report = {"method": "POST", "path": "/api/v1/integration/orders/json", "query": '{"userId": "ADSFRESPBX4XX8HVA3JHJ1BAAAAA"}',
              "payload": json.dumps(payload), "response": '{"status": 500, "message": "Internal server error"}'}
    status, reply, headers = sim.api("POST", "/send-errors", json=report)
    assert (status, reply, headers["Content-Type"]) == (200, {}, "application/json")
    assert sim.control("GET", "error-reports") == [report]
