#!/usr/bin/env python
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fault matrix: every resource module's write path through every kind of fault.

    matrix.py CONFIG setup KIND DIR   reset the simulator, prepare each case's objects, put the fault
                                      rules of KIND on every write path; write DIR/inventory.json
    matrix.py CONFIG check KIND DIR   check each case's result (DIR/results.json, written by matrix.yml)
                                      against /_sim/state, /_sim/requests and /_sim/error-reports
    matrix.py CONFIG summary DIR      print (and write to cmr_figures_dir) the figures of every kind

Per case, whatever the fault: the task ends with the desired state, or it fails with one clear
line (no traceback, no second line, no API key); nothing is applied twice (objects, orders,
wallet); /send-errors receives exactly one well-formed report for each unexpected failure the
client gave up on, and none for a failure caused by the request (4xx).

Issue 12 adds pre-warmed purchases and placement tests: each gets a Case in CASES (its write
path, whether that path may be repeated, how to prepare it and what its desired state is).
"""

from __future__ import annotations

import json
import os
import sys
import time
import typing as t
import urllib.request
from dataclasses import dataclass

import yaml

# What each fault kind puts on a write path: the simulator's rules (tests/simulator/README.md).
# "timeout" pairs a delay with the module option timeout=1.
FAULTS: dict[str, list[dict[str, t.Any]]] = {
    "429_burst": [{"status": 429, "retry_after": 1, "times": 2}],
    # Each write path gets 500, 502 and 503 in a row, in an order that starts with another status
    # for each module: a write that is repeated meets all three, one that is not meets its first.
    "5xx": [{"status": status, "times": 1} for status in (500, 502, 503)],
    "timeout": [{"delay": 2, "times": 1}],
    "drop": [{"drop": True, "times": 1}],
    "malformed": [{"malformed": True, "times": 1}],
    "apply_then_drop": [{"apply_then_drop": True, "times": 1}],
    "user_error": [{"status": 422, "message": "Simulated refusal of the request", "times": 1}],
}
TIMEOUT = 1  # the module's timeout option in the "timeout" kind; the rule's delay is longer
ORDER_PRICE = 12.0 + 3.0  # one .com for a year and one mailbox's first month (tests/simulator/README.md)

USER = {"company": "Faults Inc.", "first_name": "Fay", "last_name": "Ult", "country": "US", "state_province": "New York",
        "city": "New York", "address_line_one": "1 Main Street", "postal_code": "10001", "phone_cc": "1", "phone": "5555550100"}


@dataclass
class Case:
    """One resource module's write: which request it makes, and how to tell that it landed."""

    module: str
    method: str
    path: str
    repeatable: bool  # the client may send it again after a lost answer (PUT, PATCH, DELETE)
    args: t.Callable[[dict], dict]  # the module's options, from the prepared objects
    landed: t.Callable[[dict, dict], bool]  # the desired state is in /_sim/state
    copies: t.Callable[[dict, dict], int]  # how many times it is there (more than 1: applied twice)
    # The path is a guess from incomplete docs (marked inferred in plugins/module_utils/_api.py): a 4xx
    # may mean the guess is wrong, so the client reports even that one (docs/developer/API_READINGS.md).
    inferred: bool = False


def _records(state: dict, ctx: dict, value: str) -> list:
    return [r for r in state["records"] if r["domain"] == ctx["domain"] and r["value"] == value]


def _mailbox(state: dict, ctx: dict) -> dict:
    return next(m for m in state["mailboxes"] if m["mailboxId"] == ctx["mailbox_id"])


def _domain(state: dict, ctx: dict) -> dict:
    return next(d for d in state["domains"] if d["domainName"] == ctx["domain"])


def _subscription(state: dict, ctx: dict) -> dict:
    return next(s for s in state["subscriptions"] if s.get("domain") == ctx["domain"])


def _ordered(state: dict) -> list:
    return [o for o in state["orders"] if "fault-order.com" in json.dumps(o)]


CASES: dict[str, Case] = {case.module: case for case in (
    Case("cmr_user", "POST", "/users", False,
         lambda ctx: {**USER, "email": "new-customer@faults.example"},
         lambda state, ctx: any(u["email"] == "new-customer@faults.example" for u in state["users"]),
         lambda state, ctx: sum(u["email"] == "new-customer@faults.example" for u in state["users"])),
    Case("cmr_dns_records", "POST", "/dns", False,
         lambda ctx: {"user_id": ctx["user_id"], "domain": ctx["domain"], "records": [
             {"type": "TXT", "host": "@", "value": "fault-txt"}, {"type": "A", "host": "fault", "value": "192.0.2.77"}]},
         lambda state, ctx: bool(_records(state, ctx, "fault-txt") and _records(state, ctx, "192.0.2.77")),
         lambda state, ctx: max(len(_records(state, ctx, "fault-txt")), len(_records(state, ctx, "192.0.2.77")))),
    Case("cmr_dns_record", "PUT", "/dns", True,
         lambda ctx: {"user_id": ctx["user_id"], "domain": ctx["domain"], "type": "CNAME", "host": "track", "value": "new.track.example"},
         lambda state, ctx: bool(_records(state, ctx, "new.track.example")),
         lambda state, ctx: len([r for r in state["records"] if r["domain"] == ctx["domain"] and r["host"] == "track"])),
    Case("cmr_domain", "PATCH", "/domains/toggle-auto-renew", True,
         lambda ctx: {"user_id": ctx["user_id"], "name": ctx["domain"], "auto_renew": True},
         lambda state, ctx: _domain(state, ctx)["autoRenew"] is True,
         lambda state, ctx: sum(d["domainName"] == ctx["domain"] for d in state["domains"])),
    Case("cmr_mailbox", "PATCH", "/mailboxes/update-mailbox-details", True,
         lambda ctx: {"user_id": ctx["user_id"], "mailbox_id": ctx["mailbox_id"], "first_name": "Renamed"},
         lambda state, ctx: _mailbox(state, ctx)["firstName"] == "Renamed",
         lambda state, ctx: sum(m["email"] == _mailbox(state, ctx)["email"] for m in state["mailboxes"])),
    Case("cmr_subscription", "POST", "/subscriptions/toggle-autorenewal", False,
         lambda ctx: {"user_id": ctx["user_id"], "domain": ctx["domain"], "auto_renew": False},
         lambda state, ctx: _subscription(state, ctx)["autoRenew"] is False,
         lambda state, ctx: sum(s.get("domain") == ctx["domain"] for s in state["subscriptions"]), inferred=True),
    Case("cmr_order", "POST", "/orders/json", False,
         lambda ctx: {"user_id": ctx["user_id"], "domains": [{"name": "fault-order.com"}],
                      "mailboxes": {"fault-order.com": [{"username": "ann", "first_name": "Ann", "last_name": "Order"}]},
                      "confirm": True, "max_cost": 20},
         lambda state, ctx: len(_ordered(state)) == 1,
         lambda state, ctx: len(_ordered(state))),
)}


class Sim:
    def __init__(self, config_path: str) -> None:
        with open(config_path, encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
        self.api_url, self.key, self.root = config["cmr_api_url"], config["cmr_api_key"], config["cmr_sim_url"]
        self.figures = config.get("cmr_figures_dir")

    def _send(self, method: str, url: str, body: t.Any = None, headers: dict | None = None) -> t.Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)

    def control(self, method: str, path: str, body: t.Any = None) -> t.Any:
        return self._send(method, self.root + "/_sim/" + path, body)

    def api(self, method: str, path: str, body: t.Any = None) -> t.Any:
        return self._send(method, self.api_url + path, body, {"cmr-x-api-key": self.key})


# --- setup -----------------------------------------------------------------------------------

def setup(sim: Sim, kind: str, folder: str) -> None:
    sim.control("POST", "reset", {})
    user = sim.api("POST", "/users", {
        "email": "owner@faults.example", "company": "Faults Inc.", "firstName": "Fay", "lastName": "Ult", "country": "US",
        "state": "New York", "city": "New York", "addressLineOne": "1 Main Street", "postalCode": "10001", "phoneCc": "1",
        "phone": "5555550100", "languagePreference": "en"})
    ctx = {"user_id": user["data"]["id"], "domain": "fault-owned.com"}
    sim.api("POST", "/orders/json?userId=" + ctx["user_id"], {
        "domains": [{"domain": ctx["domain"], "years": 1}],
        "mailboxes": {ctx["domain"]: [{"username": "mia", "firstName": "Mia", "lastName": "Box"}]},
        "serviceProvider": "GOOGLE", "confirm": True})
    state = wait_for(sim, lambda s: s["mailboxes"] and s["mailboxes"][0]["status"] == "ACTIVE" and s["domains"][0]["status"] == "ACTIVE")
    ctx["mailbox_id"] = state["mailboxes"][0]["mailboxId"]
    sim.api("POST", "/dns?userId=" + ctx["user_id"], {"domain": ctx["domain"], "records": [
        {"recordType": "CNAME", "host": "track", "value": "old.track.example"}]})
    ctx["wallet"] = sim.control("GET", "state")["wallet"]
    sim.control("DELETE", "requests")
    rules = []
    for index, case in enumerate(CASES.values()):
        shift = index % len(FAULTS[kind])
        rules.extend({"method": case.method, "path": case.path, **rule} for rule in FAULTS[kind][shift:] + FAULTS[kind][:shift])
    sim.control("POST", "faults", {"rules": rules})
    with open(os.path.join(folder, "context.json"), "w", encoding="utf-8") as handle:
        json.dump(ctx, handle)
    hosts = {}
    for name, case in CASES.items():
        args = {**case.args(ctx), "api_url": sim.api_url, "api_key": sim.key}
        if kind == "timeout":
            args["timeout"] = TIMEOUT
        hosts[name] = {}
        task = [{"name": "Run %s through the fault" % case.module, "coldmailreseller.cmr.%s" % case.module: args,
                 "register": "case_result", "ignore_errors": True}]
        with open(os.path.join(folder, name + ".yml"), "w", encoding="utf-8") as handle:
            json.dump(task, handle)  # the options as written values, not a template
    inventory = {"cases": {"hosts": hosts, "vars": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable, "results_dir": folder}}}
    with open(os.path.join(folder, "inventory.json"), "w", encoding="utf-8") as handle:
        json.dump(inventory, handle)  # JSON is YAML: the yaml inventory plugin reads it


def wait_for(sim: Sim, predicate: t.Callable[[dict], t.Any], timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = sim.control("GET", "state")
        if predicate(state):
            return state
        if time.monotonic() > deadline:
            sys.exit("timed out waiting for the simulator's state")
        time.sleep(0.2)


# --- checks ----------------------------------------------------------------------------------

def expected_reports(kind: str, case: Case) -> int:
    """Reports /send-errors must receive: one per unexpected failure the client gave up on.

    A 429 proves the request was not received, so it is sent again; a repeatable write is
    sent again after a 5xx, a timeout or a lost connection; only the last outcome of a request
    is reported. A write that may not be repeated stops at the first unexpected failure (and
    the module reads the state instead). An unreadable 2xx answer is reported either way; a
    4xx is the request's own fault and is not reported, unless the endpoint itself is a guess.
    """
    if kind == "user_error":
        return 1 if case.inferred else 0
    if kind == "429_burst":
        return 0
    if kind == "malformed":
        return 1
    return 0 if case.repeatable else 1


def one_clear_line(result: dict, key: str) -> str | None:
    message = result.get("msg")
    if not isinstance(message, str) or not message:
        return "failed without a message: %s" % json.dumps(result)[:300]
    if "\n" in message or "Traceback" in message or "module_stderr" in result or key in json.dumps(result):
        return "not one clear line: %r" % message[:300]
    return None


def well_formed(report: dict, key: str) -> bool:
    fields = ("method", "path", "query", "payload", "response")
    if not isinstance(report, dict) or not all(isinstance(report.get(name), str) for name in fields) or key in json.dumps(report):
        return False
    try:
        for name in ("query", "payload", "response"):
            json.loads(report[name])
    except ValueError:
        return False
    return True


def check(sim: Sim, kind: str, folder: str) -> None:
    with open(os.path.join(folder, "context.json"), encoding="utf-8") as handle:
        ctx = json.load(handle)
    if kind == "timeout":
        time.sleep(FAULTS["timeout"][0]["delay"])  # the delayed requests land after the clients gave up on them
    state, log = sim.control("GET", "state"), sim.control("GET", "requests")
    reports = sim.control("GET", "error-reports")
    problems, rows = [], []
    with open(os.path.join(folder, "results.json"), encoding="utf-8") as handle:
        results = json.load(handle)
    for name, case in CASES.items():
        result = results[name]
        writes = [entry for entry in log if entry["method"] == case.method and entry["path"] == case.path]
        faulted = [entry for entry in writes if entry.get("fault")]
        mine = [r for r in reports if isinstance(r, dict) and str(r.get("path", "")).endswith(case.path) and r.get("method") == case.method]
        landed, copies = case.landed(state, ctx), case.copies(state, ctx)
        failed = bool(result.get("failed"))
        row = {"kind": kind, "module": name, "faults_fired": len(faulted), "requests": len(writes), "outcome": "failed" if failed else "ok",
               "landed": landed, "copies": copies, "reports": len(mine), "message": result.get("msg") if failed else None,
               "inferred": case.inferred}
        rows.append(row)
        where = "%s/%s" % (kind, name)
        if not faulted:
            problems.append("%s: the fault never fired (%d writes)" % (where, len(writes)))
        if failed:
            problem = one_clear_line(result, sim.key)
            if problem:
                problems.append("%s: %s" % (where, problem))
        elif not landed:
            problems.append("%s: the task succeeded but the state is not the desired one" % where)
        if kind == "user_error" and (not failed or landed or "Simulated refusal" not in str(result.get("msg"))):
            problems.append("%s: a refused request must fail with CMR's message and change nothing" % where)
        if copies > 1:
            problems.append("%s: applied %d times" % (where, copies))
        if len(mine) != expected_reports(kind, case):
            problems.append("%s: %d reports to /send-errors, expected %d" % (where, len(mine), expected_reports(kind, case)))
        if not all(well_formed(r, sim.key) for r in mine):
            problems.append("%s: a report is not well-formed: %s" % (where, mine))
    orders = _ordered(state)
    spent = round(ctx["wallet"] - state["wallet"], 2)
    if len(orders) > 1 or spent not in (0, ORDER_PRICE):
        problems.append("%s: %d orders and %.2f USD spent (one order costs %.2f)" % (kind, len(orders), spent, ORDER_PRICE))
    rows.append({"kind": kind, "module": "wallet", "orders": len(orders), "spent": spent})
    with open(os.path.join(folder, "figures-%s.json" % kind), "w", encoding="utf-8") as handle:
        json.dump(rows, handle)
    for row in rows[:-1]:
        print("%-16s %-17s fired=%d writes=%d %-6s landed=%-5s copies=%d reports=%d %s" % (
            row["kind"], row["module"], row["faults_fired"], row["requests"], row["outcome"], row["landed"], row["copies"],
            row["reports"], row["message"] or ""))
    print("%-16s orders=%d spent=%.2f" % (kind, len(orders), spent))
    if problems:
        sys.exit("fault matrix (%s) failed:\n  %s" % (kind, "\n  ".join(problems)))


def summary(sim: Sim, folder: str) -> None:
    rows = []
    for kind in FAULTS:
        with open(os.path.join(folder, "figures-%s.json" % kind), encoding="utf-8") as handle:
            rows.extend(json.load(handle))
    cases = [row for row in rows if row["module"] != "wallet"]
    figures = {
        "kinds": list(FAULTS), "modules": list(CASES), "cases": len(cases),
        "faults_injected": sum(row["faults_fired"] for row in cases),
        "tasks_ok": sum(row["outcome"] == "ok" for row in cases),
        "tasks_failed_one_line": sum(row["outcome"] == "failed" for row in cases),
        "desired_state_reached": sum(row["landed"] for row in cases if row["kind"] != "user_error"),
        "duplicates": sum(max(0, row["copies"] - 1) for row in cases),
        "orders_max": max(row["orders"] for row in rows if row["module"] == "wallet"),
        "reports_sent": sum(row["reports"] for row in cases),
        "reports_for_user_errors": sum(row["reports"] for row in cases if row["kind"] == "user_error" and not row["inferred"]),
        "reports_for_refused_guesses": sum(row["reports"] for row in cases if row["kind"] == "user_error" and row["inferred"]),
        "rows": rows,
    }
    print(json.dumps({key: value for key, value in figures.items() if key != "rows"}, sort_keys=True))
    if sim.figures:
        os.makedirs(sim.figures, exist_ok=True)
        with open(os.path.join(sim.figures, "reliability-faults.json"), "w", encoding="utf-8") as handle:
            json.dump(figures, handle, indent=1, sort_keys=True)


def main() -> None:
    sim, command = Sim(sys.argv[1]), sys.argv[2]
    if command == "setup":
        setup(sim, sys.argv[3], sys.argv[4])
    elif command == "check":
        check(sim, sys.argv[3], sys.argv[4])
    elif command == "summary":
        summary(sim, sys.argv[3])
    elif command == "kinds":
        print(" ".join(FAULTS))
    else:
        sys.exit("unknown command %s" % command)


if __name__ == "__main__":
    main()
