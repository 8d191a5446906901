"""Every module fed random parameter sets ends in exit_json or a one-line fail_json.

For each module in plugins/modules/ (found on disk: a new module joins by existing), the
argument spec is read from the module itself, and hypothesis (derandomized) draws parameter
sets from it: plausible values (known IDs, domains and e-mails of a seeded account, the
documented choices) mixed with hostile ones — wrong types, unicode and emoji, 10,000-character
strings, negative and huge numbers, inf/nan, invalid and internationalised domain names,
e-mails without ``@``, DNS values with quotes and newlines, unknown keys inside list-of-dict
options and at the top level, nulls — in normal, check and diff mode.

The module runs in-process (``patch_module_args``) against a simulator subprocess; the client
is made fast (no pacing, no real waits) and every connection to anything but loopback is
refused, so a default ``api_url`` could never reach the real service. The run must end in
``SystemExit`` with one JSON result: success, or ``failed`` with a non-empty one-line ``msg``;
the API key appears nowhere in it. Any other exception is a bug in the module.
"""

from __future__ import annotations

import importlib
import json
import os
import time
import typing as t
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.coldmailreseller.cmr.plugins.module_utils import _module
from modrun import MODULE_PACKAGE, in_process, run_module

MODULES_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "plugins", "modules")
EXAMPLES = 250  # per module: 16 modules -> 4,000 cases, about two minutes on 2 cores
RESEED_EVERY = 60  # fresh account every N cases, so removals early in a run do not starve later cases
CASES: dict[str, int] = {}
SUCCEEDED: dict[str, int] = {}  # cases that ended in exit_json: how many got past validation and the API


def module_names() -> list[str]:
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith(".py") and not name.startswith("_"))


class _Captured(Exception):
    pass


def argument_spec(name: str) -> tuple[dict[str, t.Any], dict[str, t.Any]]:
    """(the module's own options, AnsibleModule keyword arguments), read by running main() up to AnsibleModule()."""
    module = importlib.import_module(MODULE_PACKAGE + name)

    def capture(self: t.Any, argument_spec: dict, **kwargs: t.Any) -> t.NoReturn:  # pylint: disable=redefined-outer-name
        raise _Captured(argument_spec, kwargs)

    original = _module.CmrModule.__init__
    _module.CmrModule.__init__ = capture
    try:
        module.main()
    except _Captured as captured:
        return captured.args[0], captured.args[1]
    finally:
        _module.CmrModule.__init__ = original
    raise AssertionError(f"{name}: main() did not build a CmrModule")


# --- values ---------------------------------------------------------------------------------

LONG = "x" * 10_000
HOSTILE_TEXT = st.sampled_from([
    "", " ", LONG, "a" * 254 + ".com", "😀" * 40, "ünïcødé-ñame", "\u202eevil", "\x00nul", "line\nbreak", "tab\there",
    "bücher.example", "xn--bcher-kva.example", "例え.テスト", "-bad-.com", "a..b.com", ".com", "com.", "taken.com",
    "has-google.com", "user.example.com", "no-at-sign.example.com", "two@@at.com", "@example.com", "jane@", "a@b",
    'v=spf1 "quoted" include:_spf.example.com ~all', "v=DMARC1; p=none\nrua=mailto:x@y.com", "'; DROP TABLE users; --",
    "{{ lookup('env', 'HOME') }}", "${jndi:ldap://127.0.0.1/x}", "../../etc/passwd", "null", "None", "true", "-1", "1e400",
    ".inf", ".nan", "NaN", "0x10", "ACTIVE", "present", "GOOGLE",
]) | st.text(max_size=40)
HOSTILE_NUMBER = st.sampled_from([0, -1, -(2 ** 63), 2 ** 63, 2 ** 100, 10 ** 400 // 10 ** 300, 0.0, -0.5, 1e-300, 1e308,
                                  float("inf"), float("-inf"), float("nan")]) | st.integers() | st.floats()
HOSTILE_SCALAR = st.none() | st.booleans() | HOSTILE_NUMBER | HOSTILE_TEXT
HOSTILE = st.recursive(HOSTILE_SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(HOSTILE_TEXT, inner, max_size=3),
                       max_leaves=6)


class Pools:
    """Valid identifiers of the seeded account, refreshed after every reseed."""

    user_ids: list[str] = ["UNKNOWNUSER000000000000000000"]
    domains: list[str] = ["example.com"]
    emails: list[str] = ["jane@example.com"]
    mailbox_ids: list[str] = ["UNKNOWNMAILBOX00000000000000"]
    subscription_ids: list[str] = ["UNKNOWNSUB"]
    order_ids: list[str] = ["UNKNOWNORDER"]


def pool(attribute: str) -> st.SearchStrategy:
    return st.integers(0, 50).map(lambda index: (getattr(Pools, attribute) or ["none"])[index % max(1, len(getattr(Pools, attribute)))])


DOMAIN = pool("domains") | st.from_regex(r"\A[a-z][a-z0-9-]{0,12}\.(com|net|org|io)\Z") | HOSTILE_TEXT
EMAIL = pool("emails") | st.builds("{}@{}".format, st.from_regex(r"\A[a-z]{1,8}\Z"), pool("domains")) | HOSTILE_TEXT
DNS_RECORD = st.fixed_dictionaries(
    {"type": st.sampled_from(["A", "AAAA", "CAA", "CNAME", "MX", "NS", "SRV", "TXT", "txt", "BOGUS"]) | HOSTILE_SCALAR},
    optional={
        "host": st.sampled_from(["@", "www", "_dmarc", "mail", "*"]) | HOSTILE_TEXT,
        "value": st.sampled_from(["1.2.3.4", "::1", "mx.example.com.", 'v=spf1 include:"x" ~all', "v=DMARC1; p=none",
                                  "line1\nline2", '"quoted"']) | HOSTILE_TEXT,
        "priority": st.integers(-5, 70000) | HOSTILE_SCALAR,
        "ttl": HOSTILE_SCALAR,
        "unknown_key": HOSTILE,
    },
)
MAILBOX_SPEC = st.fixed_dictionaries({}, optional={
    "username": st.from_regex(r"\A[a-z]{1,8}\Z") | HOSTILE_TEXT, "first_name": HOSTILE_TEXT, "last_name": HOSTILE_TEXT,
    "profile_picture": HOSTILE_TEXT, "bogus": HOSTILE,
})
NAMED = {  # option name -> plausible values (hostile values are added to every option anyway)
    "user_id": pool("user_ids"), "domain": DOMAIN, "name": DOMAIN, "names": st.lists(DOMAIN, max_size=4),
    "email": EMAIL, "mailbox_id": pool("mailbox_ids"), "subscription_id": pool("subscription_ids"),
    "order_id": pool("order_ids"), "records": st.lists(DNS_RECORD, max_size=4),
    "keep": st.lists(DNS_RECORD, max_size=2), "tlds": st.lists(st.sampled_from(["com", ".net", "io", "", "xn--p1ai", "😀"]), max_size=3),
    "mailboxes": st.dictionaries(DOMAIN, st.lists(MAILBOX_SPEC, max_size=3) | HOSTILE, max_size=2),
    "warmup_settings": st.dictionaries(st.sampled_from(["dailyLimit", "rampUp", "replyRate", "bogus"]), HOSTILE_SCALAR, max_size=3),
    "country_code": st.sampled_from(["US", "us", "DE", "QQ", "USA"]) | HOSTILE_TEXT,
    "max_cost": st.floats(min_value=0, max_value=1000) | HOSTILE_NUMBER,
    "wait_timeout": st.integers(1, 5) | HOSTILE_NUMBER,
}


SAFE_TEXT = st.from_regex(r"\A[A-Z][a-z]{1,10}( [A-Z][a-z]{1,10})?\Z")
SAFE_DOMAIN = pool("domains") | st.from_regex(r"\A[a-z][a-z0-9]{2,12}\.(com|net|org)\Z")
CALM = {  # option name -> values a careful user would write (the "calm" half of the cases)
    "user_id": pool("user_ids"), "domain": SAFE_DOMAIN, "name": SAFE_DOMAIN, "names": st.lists(SAFE_DOMAIN, min_size=1, max_size=3),
    "email": pool("emails") | st.builds("{}@{}".format, st.from_regex(r"\A[a-z]{1,8}\Z"), pool("domains")),
    "mailbox_id": pool("mailbox_ids"), "subscription_id": pool("subscription_ids"), "order_id": pool("order_ids"),
    "username": st.from_regex(r"\A[a-z]{2,8}\Z"),
    "records": st.lists(st.fixed_dictionaries({"type": st.sampled_from(["TXT", "CNAME", "MX"]), "host": st.sampled_from(["@", "www", "mail"]),
                                               "value": st.sampled_from(["v=spf1 ~all", "mx.example.com.", "target.example.com"])},
                                              optional={"priority": st.integers(1, 20)}), max_size=3),
    "keep": st.just([]), "tlds": st.lists(st.sampled_from(["com", "net", "io"]), max_size=2),
    "mailboxes": st.dictionaries(SAFE_DOMAIN, st.lists(st.fixed_dictionaries(
        {"username": st.from_regex(r"\A[a-z]{2,8}\Z"), "first_name": SAFE_TEXT, "last_name": SAFE_TEXT}), min_size=1, max_size=2), max_size=2),
    "warmup_settings": st.just({}), "country_code": st.sampled_from(["US", "DE", "GB"]), "keyword": st.from_regex(r"\A[a-z]{3,10}\Z"),
    "max_cost": st.floats(min_value=0, max_value=1000), "wait_timeout": st.integers(1, 5), "years": st.integers(1, 3),
    "priority": st.integers(1, 20), "forward_to": st.just("https://example.com"), "profile_picture": st.just(""),
    "phone": st.from_regex(r"\A[0-9]{10}\Z"), "phone_cc": st.just("1"), "postal_code": st.just("10001"),
    "country": st.just("US"), "state_province": st.just("New York"), "language_preference": st.just("en"),
}


def plausible(name: str, option: dict[str, t.Any], calm: bool = False) -> st.SearchStrategy:
    """Values of the option's type (the documented choices, the known IDs); ``calm``: only careful ones."""
    if name in (CALM if calm else NAMED):
        return (CALM if calm else NAMED)[name]
    kind, choices = option.get("type", "str"), option.get("choices")
    if choices and kind != "list":
        return st.sampled_from(list(choices))
    if kind == "bool":
        return st.booleans() if calm else st.booleans() | st.sampled_from(["yes", "no", "on", "1", 0])
    if kind == "int":
        return st.integers(0, 10) if calm else st.integers(-3, 1000)
    if kind == "float":
        return st.floats(min_value=0 if calm else -1, max_value=1e6, allow_nan=False)
    if kind == "list":
        return st.lists(element(option, calm), max_size=4)
    if kind == "dict":
        if option.get("options"):
            return suboptions(option["options"], calm)
        return st.just({}) if calm else st.dictionaries(HOSTILE_TEXT, HOSTILE_SCALAR, max_size=3)
    return SAFE_TEXT if calm else HOSTILE_TEXT


def element(option: dict[str, t.Any], calm: bool = False) -> st.SearchStrategy:
    if option.get("elements") == "dict":
        if option.get("options"):
            return suboptions(option["options"], calm)
        return st.just({}) if calm else st.dictionaries(HOSTILE_TEXT, HOSTILE, max_size=3)
    if option.get("choices"):
        return st.sampled_from(list(option["choices"])) if calm else st.sampled_from(list(option["choices"])) | HOSTILE_SCALAR
    return SAFE_TEXT if calm else HOSTILE_TEXT


def suboptions(options: dict[str, dict[str, t.Any]], calm: bool = False) -> st.SearchStrategy:
    """A dict of the suboptions, sometimes with an unknown key (AnsibleModule must refuse it in one line)."""
    values = {key: value_of(key, option, calm) for key, option in options.items()}
    required = {key: values.pop(key) for key in list(values) if calm and options[key].get("required")}
    return st.fixed_dictionaries(required, optional=values if calm else {**values, "unknown_key": HOSTILE})


def value_of(name: str, option: dict[str, t.Any], calm: bool = False) -> st.SearchStrategy:
    if calm:
        return plausible(name, option, calm=True)
    # Two plausible draws for one hostile one, so that wild runs also get past validation now and then.
    return st.one_of(plausible(name, option), plausible(name, option), HOSTILE)


def parameters(spec: dict[str, dict[str, t.Any]]) -> st.SearchStrategy:
    """Half the cases calm (careful values: they reach the API and the module's logic), half wild."""
    def draw(calm: bool) -> st.SearchStrategy:
        required = {key: value_of(key, option, calm) for key, option in spec.items() if option.get("required")}
        optional = {key: value_of(key, option, calm) for key, option in spec.items() if not option.get("required")}
        # A required option is left out now and then: the missing-option error must be one line too.
        twist = st.just("calm") if calm else st.sampled_from(["keep", "keep", "keep", "keep", "drop-one", "add-unknown"])
        return st.tuples(st.fixed_dictionaries(required), st.fixed_dictionaries({}, optional=optional), twist)
    return st.one_of(draw(True), draw(False))


def common_options(sim_url: str) -> st.SearchStrategy:
    """Connection options: mostly the simulator with hostile numbers, or a hostile URL with sane numbers.

    A hostile URL never leaves loopback (the socket guard refuses other hosts anyway).
    """
    good = st.fixed_dictionaries({"api_url": st.just(sim_url)}, optional={
        "timeout": st.sampled_from([1e-9, 0.001, 5, 30, 0, -1, 1e308, 2 ** 70]) | HOSTILE_SCALAR,
        "api_retries": st.sampled_from([0, 1, -1, 2 ** 40]) | HOSTILE_SCALAR,
        "api_retry_timeout": st.sampled_from([0, 0.5, -1, 1e308]) | HOSTILE_SCALAR,
        "sandbox": st.booleans() | HOSTILE_SCALAR, "validate_certs": st.booleans() | HOSTILE_SCALAR,
        "report_errors": st.booleans() | HOSTILE_SCALAR,
    })
    hostile_url = st.sampled_from([
        "", "not a url", "ftp://127.0.0.1/x", "http://", "http://127.0.0.1:1/api/v1/integration", "https://127.0.0.1:1",
        "http://[::1", "http://127.0.0.1:99999", "http://user:pw@127.0.0.1:1/", "http://bücher.example/api", "javascript:alert(1)",
        sim_url + "/../../_sim/state", sim_url + "?x=1#frag", sim_url.replace("/api/v1/integration", ""), LONG,
    ]) | HOSTILE_SCALAR
    bad = st.fixed_dictionaries({"api_url": hostile_url, "api_retries": st.integers(0, 2), "api_retry_timeout": st.just(1.0)})
    return st.one_of(good, good, good, bad)


@pytest.fixture(scope="module")
def sim(start_sim: t.Any) -> t.Any:
    server = start_sim("--wallet", "100000")
    return server


@pytest.fixture(autouse=True)
def _in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    in_process(monkeypatch)


def seed(sim: t.Any) -> None:
    """Reset the simulator and build one account: a user, two domains with mailboxes, their subscriptions."""
    sim.control("POST", "reset", {"wallet": 100000})
    user = {"email": "fuzz-owner@example.com", "company": "Fuzz Corp", "firstName": "Fuzz", "lastName": "Owner", "country": "US",
            "state": "New York", "city": "New York", "addressLineOne": "1 Main Street", "postalCode": "10001",
            "languagePreference": "en", "phoneCc": "1", "phone": "2125551234"}
    user_id = api(sim, "POST", "/users", user)["data"]["id"]
    order = {"billingCycle": "MONTHLY", "confirm": True, "serviceProvider": "GOOGLE",
             "domains": [{"domain": "fuzz-one.com", "years": 1}, {"domain": "fuzz-two.net", "years": 1}],
             "mailboxes": {"fuzz-one.com": [{"username": "jane", "firstName": "Jane", "lastName": "Doe"}],
                           "fuzz-two.net": [{"username": "max", "firstName": "Max", "lastName": "Doe"}]}}
    api(sim, "POST", f"/orders/json?userId={user_id}", order)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        state = sim.control("GET", "state")
        if state["mailboxes"] and all(mailbox["status"] == "ACTIVE" for mailbox in state["mailboxes"]):
            break
        time.sleep(0.05)
    state = sim.control("GET", "state")
    Pools.user_ids = [user["userId"] for user in state["users"]] + ["UNKNOWNUSER000000000000000000"]
    Pools.domains = [domain["domainName"] for domain in state["domains"]] + ["unknown-domain.com"]
    Pools.emails = [mailbox["email"] for mailbox in state["mailboxes"]] + ["nobody@fuzz-one.com"]
    Pools.mailbox_ids = [mailbox["mailboxId"] for mailbox in state["mailboxes"]] + ["UNKNOWNMAILBOX00000000000000"]
    Pools.subscription_ids = [sub["subscriptionId"] for sub in state["subscriptions"]] + ["UNKNOWNSUB"]
    Pools.order_ids = [order["orderId"] for order in state["orders"]] + ["UNKNOWNORDER"]


def api(sim: t.Any, method: str, path: str, body: t.Any) -> t.Any:
    request = urllib.request.Request(sim.api_url + path, data=json.dumps(body).encode(), method=method,
                                     headers={"Content-Type": "application/json", "cmr-x-api-key": sim.api_key})
    with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310 - loopback only
        return json.loads(answer.read())


def assemble(drawn: tuple, common: dict[str, t.Any], api_key: str, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    required, optional, twist = drawn
    args = {**required, **optional}
    if twist == "drop-one" and required:
        args.pop(sorted(required)[0])
    elif twist == "add-unknown":
        args["no_such_option"] = "x"
    return {**args, "api_key": api_key, **common, "_ansible_check_mode": check_mode, "_ansible_diff": diff}


@pytest.mark.parametrize("name", module_names())
def test_module_ends_in_exit_or_one_line_failure(name: str, sim: t.Any, record_property: t.Any) -> None:
    spec, _kwargs = argument_spec(name)
    CASES[name] = SUCCEEDED[name] = 0
    seed(sim)

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
    @given(drawn=parameters(spec), wild_common=common_options(sim.api_url), check_mode=st.booleans(), diff=st.booleans())
    def fuzz(drawn: tuple, wild_common: dict[str, t.Any], check_mode: bool, diff: bool) -> None:
        common = {"api_url": sim.api_url} if drawn[2] == "calm" else wild_common
        CASES[name] += 1
        if CASES[name] % RESEED_EVERY == 0:
            seed(sim)
        args = assemble(drawn, common, sim.api_key, check_mode, diff)
        code, result = run_module(name, args)
        dumped = json.dumps(result)
        assert sim.api_key not in dumped, f"the API key is in the result of {name}"
        if code == 0:
            assert not result.get("failed"), result
            SUCCEEDED[name] += 1
            return
        message = result.get("msg")
        assert result.get("failed") and isinstance(message, str) and message.strip(), result
        assert "\n" not in message.strip(), f"{name} failed with a message of several lines: {message[:3000]}"
        assert "Traceback" not in dumped, result

    try:
        fuzz()  # pylint: disable=no-value-for-parameter
    finally:
        record_property("generated_cases", CASES[name])
        record_property("exit_json_cases", SUCCEEDED[name])
    assert sim.proc.poll() is None, sim.log()[-3000:]
