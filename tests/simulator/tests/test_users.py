"""Users: CRUD, validation messages, character rules, uniqueness and the deletion gate."""

from __future__ import annotations

import pytest

from conftest import USER


def test_create_get_roundtrip(sim):
    status, body, _headers = sim.api("POST", "/users", json={**USER, "addressLineTwo": "Suite 400"})
    assert status == 200
    assert body["message"] == "User created"
    user_id = body["data"]["id"]
    assert len(user_id) == 28 and user_id.isupper()

    status, body, _headers = sim.api("GET", "/users", query={"userId": user_id})
    assert status == 200
    user = body["data"]
    assert user["userId"] == user_id
    assert {key: user[key] for key in USER} == USER
    assert user["addressLineTwo"] == "Suite 400"
    assert user["addressLineThree"] is None
    assert user["createdAt"].endswith("Z")
    assert sim.state()["users"] == [user]


@pytest.mark.parametrize("field", ["email", "company", "firstName", "lastName", "country", "state", "city",
                                   "addressLineOne", "postalCode", "languagePreference", "phoneCc", "phone"])
def test_create_requires_field(sim, field):
    body = {key: value for key, value in USER.items() if key != field}
    status, reply, _headers = sim.api("POST", "/users", json=body)
    assert status == 400
    assert reply == {"status": 400, "message": f"{field}: required key not provided", "data": None}
    assert not sim.state()["users"]


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("email", "not-an-email", "email: expected an e-mail address"),
    ("firstName", "", "firstName: must not be empty"),
    ("firstName", 42, "firstName: expected a string"),
    ("firstName", "Jane<script>", "firstName: contains characters that are not allowed"),
    ("company", "ACME; DROP", "company: contains characters that are not allowed: ';'"),
    ("phoneCc", "+1", "phoneCc: contains characters"),
    ("country", "USA", "country: unknown country code 'USA'"),
    ("country", "us", "country: unknown country code 'us'"),
    ("state", "Bavaria", "state: 'Bavaria' is not a state of US"),
    ("addressLineTwo", "a_b", "addressLineTwo: contains characters"),
    ("nickname", "JD", "nickname: extra keys not allowed"),
])
def test_create_validation_names_field(sim, field, value, fragment):
    status, reply, _headers = sim.api("POST", "/users", json={**USER, field: value})
    assert status == 400
    assert fragment in reply["message"]
    assert reply["data"] is None


@pytest.mark.parametrize(("field", "value"), [
    ("lastName", "O&#39;Brien"),
    ("lastName", "O'Brien-Smith"),
    ("company", "Müller & Söhne (Köln) #2 / Nord, Ltd."),
    ("firstName", "José"),
    ("city", "東京"),
    ("addressLineTwo", ""),
])
def test_create_character_rules_accept(sim, field, value):
    status, reply, _headers = sim.api("POST", "/users", json={**USER, field: value})
    assert status == 200, reply
    user = sim.api("GET", "/users", query={"userId": reply["data"]["id"]})[1]["data"]
    assert user[field] == value  # stored as sent, entities not decoded


@pytest.mark.parametrize(("country", "state"), [("US", "NY"), ("US", "new york"), ("CA", "Ontario"), ("CA", "QC"),
                                                ("GB", "SCT"), ("FR", "Île-de-France")])
def test_state_accepts_names_and_codes(sim, country, state):
    status, reply, _headers = sim.api("POST", "/users", json={**USER, "country": country, "state": state})
    assert status == 200, reply


def test_duplicate_email_is_409(sim, make_user):
    make_user(email="dup@example.com")
    status, reply, _headers = sim.api("POST", "/users", json={**USER, "email": "DUP@example.com"})
    assert status == 409
    assert reply["message"] == "A user with this email already exists"
    assert len(sim.state()["users"]) == 1


def test_missing_and_unknown_user(sim):
    status, reply, _headers = sim.api("GET", "/users")
    assert (status, reply["message"]) == (400, "userId must be provided")
    status, reply, _headers = sim.api("GET", "/users", query={"userId": "NOPE"})
    assert (status, reply["message"]) == (404, "The requested user does not exist")
    for method in ("PUT", "DELETE"):
        status, reply, _headers = sim.api(method, "/users", query={"userId": "NOPE"}, json={"city": "Paris"})
        assert status == 404


def test_list_pagination_and_search(sim, make_user):
    ids = [make_user(firstName=f"Person{index:02d}") for index in range(25)]
    make_user(email="special@acme.test", company="Acme Widgets")
    status, reply, _headers = sim.api("GET", "/users/list")
    assert status == 200
    assert [user["userId"] for user in reply["data"]["users"]] == ids[:20]
    assert reply["data"]["pagination"] == {"totalSearchedCount": 26, "currentPage": 1, "nextPage": 2, "totalPages": 2}

    reply = sim.api("GET", "/users/list", query={"page": 2, "limit": 20})[1]
    assert len(reply["data"]["users"]) == 6
    assert reply["data"]["pagination"] == {"totalSearchedCount": 26, "currentPage": 2, "nextPage": None, "totalPages": 2}

    reply = sim.api("GET", "/users/list", query={"search": "ACME widg"})[1]
    assert [user["email"] for user in reply["data"]["users"]] == ["special@acme.test"]
    reply = sim.api("GET", "/users/list", query={"search": "person0", "limit": 100})[1]
    assert reply["data"]["pagination"]["totalSearchedCount"] == 10

    reply = sim.api("GET", "/users/list", query={"search": "nobody"})[1]
    assert reply["data"] == {"users": [], "pagination": {"totalSearchedCount": 0, "currentPage": 1, "nextPage": None, "totalPages": 0}}


@pytest.mark.parametrize(("query", "message"), [({"limit": 101}, "limit: must be between 1 and 100"),
                                                ({"page": 0}, "page: must be at least 1"),
                                                ({"page": "x"}, "page: expected an integer")])
def test_list_rejects_bad_paging(sim, query, message):
    status, reply, _headers = sim.api("GET", "/users/list", query=query)
    assert (status, reply["message"]) == (400, message)


def test_update_partial_and_full(sim, make_user):
    user_id = make_user()
    status, reply, _headers = sim.api("PUT", "/users", query={"userId": user_id}, json={"city": "Buffalo"})
    assert status == 200
    assert reply["data"]["city"] == "Buffalo"
    assert reply["data"]["firstName"] == USER["firstName"]

    full = {**reply["data"], "company": "New Co", "country": "CA", "state": "ON"}
    status, reply, _headers = sim.api("PUT", "/users", query={"userId": user_id}, json=full)
    assert status == 200, reply
    assert (reply["data"]["company"], reply["data"]["country"], reply["data"]["state"]) == ("New Co", "CA", "ON")
    assert sim.api("GET", "/users", query={"userId": user_id})[1]["data"] == reply["data"]


def test_update_validation(sim, make_user):
    user_id = make_user()
    other = make_user(email="other@example.com")
    cases = [
        ({"firstName": ""}, 400, "firstName: must not be empty"),
        ({"country": "CA"}, 400, "state: 'New York' is not a state of CA"),
        ({"email": "other@example.com"}, 409, "A user with this email already exists"),
        ({"userId": other}, 400, "userId: does not match"),
        ({"favourite": 1}, 400, "favourite: extra keys not allowed"),
    ]
    for body, status, fragment in cases:
        got, reply, _headers = sim.api("PUT", "/users", query={"userId": user_id}, json=body)
        assert got == status and fragment in reply["message"], (body, reply)
    assert sim.api("GET", "/users", query={"userId": user_id})[1]["data"]["country"] == "US"


def test_delete_gate_reports_counts(sim, make_user):
    user_id = make_user()
    other = make_user(email="x@example.com")
    sim.control("POST", "seed", {"kind": "domains", "object": {"userId": user_id, "domain": "a.com"}})
    sim.control("POST", "seed", {"kind": "domains", "object": {"userId": user_id, "domain": "b.com"}})
    for index in range(3):
        sim.control("POST", "seed", {"kind": "mailboxes", "object": {"userId": user_id, "email": f"m{index}@a.com"}})
    sim.control("POST", "seed", {"kind": "mailboxes", "object": {"userId": other, "email": "o@c.com"}})

    status, reply, _headers = sim.api("DELETE", "/users", query={"userId": user_id})
    assert status == 409
    assert reply["data"] == {"domainCount": 2, "mailboxCount": 3}
    assert "2 domain(s) and 3 mailbox(es)" in reply["message"]
    assert len(sim.state()["users"]) == 2


def test_delete_removes_user_and_leftovers(sim, make_user):
    user_id = make_user()
    keep = make_user(email="keep@example.com")
    sim.control("POST", "seed", {"kind": "orders", "object": {"userId": user_id, "status": "COMPLETED"}})
    sim.control("POST", "seed", {"kind": "orders", "object": {"userId": keep, "status": "COMPLETED"}})
    status, reply, _headers = sim.api("DELETE", "/users", query={"userId": user_id})
    assert (status, reply) == (200, {"status": 200, "message": "User deleted successfully", "data": None})
    state = sim.state()
    assert [user["userId"] for user in state["users"]] == [keep]
    assert [order["userId"] for order in state["orders"]] == [keep]
    status, reply, _headers = sim.api("DELETE", "/users", query={"userId": user_id})
    assert (status, reply["message"]) == (404, "The requested user does not exist")
    assert sim.api("GET", "/users/list")[1]["data"]["pagination"]["totalSearchedCount"] == 1
