"""Helpers shared by the resource tests: place orders, wait for provisioning, read objects."""

from __future__ import annotations

from typing import Any

MS_ROUTE = "https://app.example.org/oauth/microsoft"


def mailbox_spec(username: str, **extra: Any) -> dict[str, Any]:
    return {"username": username, "firstName": username.title(), "lastName": "Tester", **extra}


def order_body(domains: dict[str, list[str]], years: int = 1, confirm: bool = True, provider: str = "GOOGLE", **extra: Any) -> dict[str, Any]:
    """An /orders/json body: ``{"acme.com": ["alice", "bob"]}`` → one domain with two mailboxes."""
    body: dict[str, Any] = {
        "billingCycle": "MONTHLY", "confirm": confirm, "serviceProvider": provider,
        "domains": [{"domain": name, "years": years} for name in domains],
        "mailboxes": {name: [mailbox_spec(user) for user in users] for name, users in domains.items() if users},
    }
    if provider == "MICROSOFT":
        body["microsoftOauthRoute"] = MS_ROUTE
    body.update(extra)
    return body


def place(sim: Any, user_id: str, domains: dict[str, list[str]], **options: Any) -> dict[str, Any]:
    """POST /orders/json and return ``data`` (asserts 200)."""
    status, body, dummy = sim.api("POST", "/orders/json", query={"userId": user_id}, json=order_body(domains, **options))
    assert status == 200, body
    return body["data"]


def order_status(sim: Any, user_id: str, order_id: str) -> str:
    status, body, dummy = sim.api("GET", "/orders/status", query={"userId": user_id, "orderId": order_id})
    assert status == 200, body
    return body["data"]["status"]


def provision(sim: Any, user_id: str, domains: dict[str, list[str]], **options: Any) -> dict[str, Any]:
    """Place an order and wait until it is COMPLETED; returns the order's accepted data."""
    data = place(sim, user_id, domains, **options)
    sim.wait_for(lambda: order_status(sim, user_id, data["orderId"]) == "COMPLETED")
    return data


def domains_of(sim: Any, user_id: str) -> list[dict[str, Any]]:
    status, body, dummy = sim.api("GET", "/domains/by-user", query={"userId": user_id, "limit": 100})
    assert status == 200, body
    return body["data"]


def domain(sim: Any, user_id: str, name: str) -> dict[str, Any] | None:
    return next((d for d in domains_of(sim, user_id) if d["domainName"] == name), None)


def mailboxes_of(sim: Any, user_id: str) -> list[dict[str, Any]]:
    status, body, dummy = sim.api("GET", "/mailboxes/single", query={"userId": user_id, "limit": 100})
    assert status == 200, body
    return body["data"]


def mailbox(sim: Any, email: str) -> dict[str, Any] | None:
    return next((mb for mb in sim.state()["mailboxes"] if mb["email"] == email), None)


def subscriptions(sim: Any, **query: Any) -> list[dict[str, Any]]:
    status, body, dummy = sim.api("GET", "/subscriptions", query={"limit": 100, **query})
    assert status == 200, body
    return body["data"]["subscriptions"]


def subscription(sim: Any, domain_name: str) -> dict[str, Any]:
    """The newest subscription of a domain."""
    return subscriptions(sim, domain=domain_name)[-1]


def wallet(sim: Any) -> float:
    return sim.state()["wallet"]


def clock(sim: Any, days: float) -> None:
    sim.control("POST", "clock", {"advance_days": days})


def events(sim: Any, name: str) -> list[dict[str, Any]]:
    return [hook["data"] for hook in sim.control("GET", "webhooks") if hook["event"] == name]


def multipart(fields: dict[str, Any], boundary: str = "cmrsimBoundary7MA4YWxk") -> tuple[bytes, str]:
    """Encode ``fields`` (str values, or ``(filename, bytes)`` for files) as multipart/form-data."""
    parts = []
    for name, value in fields.items():
        if isinstance(value, tuple):
            filename, content = value
            head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                    "Content-Type: application/octet-stream\r\n\r\n")
            parts.append(head.encode() + content + b"\r\n")
        else:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
