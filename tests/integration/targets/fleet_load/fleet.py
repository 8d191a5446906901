#!/usr/bin/env python
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Setup and checks of the fleet load target (runme.sh), against the simulator's control API.

    fleet.py CONFIG setup N          reset, one customer with N domains and one mailbox each, ACTIVE;
                                     then the API's limit (5 rps) and an empty request log
    fleet.py CONFIG check N RUN SEC  assert on /_sim/state and /_sim/requests; RUN is converge or rerun
    fleet.py CONFIG limit RPS        set the simulator's rate limit

CONFIG is integration_config.yml (cmr_api_url, cmr_api_key, cmr_sim_url, optional cmr_figures_dir,
where the figures of each run are written as JSON for docs/reliability.md).
"""

from __future__ import annotations

import collections
import json
import os
import sys
import time
import urllib.request

import yaml

MAILBOX = "ops"
RATE = 5


def records(domain: str, index: int) -> list[dict]:
    """The 10 records every fleet domain gets (same list as load.yml)."""
    return [
        {"type": "MX", "host": "@", "value": "aspmx.l.google.com", "priority": 1},
        {"type": "MX", "host": "@", "value": "alt1.aspmx.l.google.com", "priority": 5},
        {"type": "TXT", "host": "@", "value": "v=spf1 include:_spf.google.com ~all"},
        {"type": "TXT", "host": "_dmarc", "value": "v=DMARC1; p=none"},
        {"type": "CNAME", "host": "track", "value": "track.fleet-mailer.example"},
    ] + [{"type": "A", "host": "web%d" % n, "value": "192.0.2.%d" % (index * 5 + n)} for n in range(5)]


class Sim:
    def __init__(self, config_path: str) -> None:
        with open(config_path, encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
        self.api_url, self.key, self.root = config["cmr_api_url"], config["cmr_api_key"], config["cmr_sim_url"]
        self.figures = config.get("cmr_figures_dir")

    def _send(self, method: str, url: str, body: object = None, headers: dict | None = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.load(answer)

    def control(self, method: str, path: str, body: object = None) -> object:
        return self._send(method, self.root + "/_sim/" + path, body)

    def api(self, method: str, path: str, body: object = None) -> object:
        return self._send(method, self.api_url + path, body, {"cmr-x-api-key": self.key})


def setup(sim: Sim, size: int) -> None:
    sim.control("POST", "rate-limit", {"rps": 0})
    sim.control("POST", "reset", {})
    user = sim.api("POST", "/users", {
        "email": "fleet@acme.example", "company": "Fleet Inc.", "firstName": "Flo", "lastName": "Fleet", "country": "US",
        "state": "New York", "city": "New York", "addressLineOne": "1 Main Street", "postalCode": "10001", "phoneCc": "1", "languagePreference": "en",
        "phone": "5555550100"})
    user_id = user["data"]["id"]
    domains = ["fleet-load-%02d.com" % i for i in range(1, size + 1)]
    sim.api("POST", "/orders/json?userId=" + user_id, {
        "domains": [{"domain": d, "years": 1} for d in domains],
        "mailboxes": {d: [{"username": MAILBOX, "firstName": "Old", "lastName": "Name"}] for d in domains},
        "serviceProvider": "GOOGLE", "confirm": True})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = sim.control("GET", "state")
        if (sum(d["status"] == "ACTIVE" for d in state["domains"]) == size
                and len(state["mailboxes"]) == size and all(m["status"] == "ACTIVE" for m in state["mailboxes"])):
            break
        time.sleep(0.5)
    else:
        sys.exit("the fleet's domains and mailboxes did not become ACTIVE")
    sim.control("POST", "rate-limit", {"rps": RATE})
    sim.control("DELETE", "requests")
    print("fleet user_id=%s" % user_id)
    with open(os.environ["FLEET_VARS"], "w", encoding="utf-8") as handle:
        json.dump({"fleet_user_id": user_id}, handle)


def window_peaks(times: list[float]) -> tuple[int, float | None]:
    """(most requests in one calendar second, shortest span of RATE+1 consecutive requests)."""
    per_second = collections.Counter(int(moment) for moment in times)
    spans = [times[i + RATE] - times[i] for i in range(len(times) - RATE)]
    return max(per_second.values(), default=0), min(spans, default=None)


def check(sim: Sim, size: int, run: str, seconds: float) -> None:
    state, log = sim.control("GET", "state"), sim.control("GET", "requests")
    problems = []
    for index in range(1, size + 1):
        domain = "fleet-load-%02d.com" % index
        want = {(r["type"], r["host"], r["value"]) for r in records(domain, index)}
        have = {(r["recordType"], r["host"], r["value"].split("; rua=")[0]) for r in state["records"] if r["domain"] == domain}
        if have != want:
            problems.append("%s: records %s, expected %s" % (domain, sorted(have), sorted(want)))
        mailbox = [m for m in state["mailboxes"] if m["email"] == "%s@%s" % (MAILBOX, domain)]
        if not mailbox or (mailbox[0]["firstName"], mailbox[0]["lastName"]) != ("Fleet", "Ops %02d" % index) \
                or (mailbox[0].get("warmupSettings") or {}).get("warmupLimit") != 30:
            problems.append("%s: mailbox %s" % (domain, mailbox))
    times = sorted(entry["time"] for entry in log)
    statuses = collections.Counter(entry["status"] for entry in log)
    peak, span = window_peaks(times)
    methods = collections.Counter(entry["method"] for entry in log)
    figures = {
        "run": run, "hosts": size, "forks": size, "records": size * 10, "mailboxes": size, "requests": len(log),
        "methods": dict(methods), "status_429": statuses.get(429, 0), "errors": sum(n for s, n in statuses.items() if s is None or s >= 400),
        "peak_per_second": peak, "shortest_6_request_span": None if span is None else round(span, 3), "seconds": seconds,
        "floor_seconds": round(len(log) / RATE, 1), "sent_seconds": round(times[-1] - times[0], 2) if times else 0,
    }
    print(json.dumps(figures, sort_keys=True))
    if statuses.get(429, 0):
        problems.append("%d answers HTTP 429" % statuses[429])
    if figures["errors"]:
        problems.append("%d failed requests: %s" % (figures["errors"], dict(statuses)))
    if peak > RATE or (span is not None and span < 0.99):
        problems.append("more than %d requests in one second (peak %d, 6 requests within %.3f s)" % (RATE, peak, span or 0))
    if run == "rerun" and set(methods) != {"GET"}:
        problems.append("the rerun sent more than reads: %s" % dict(methods))
    if sim.figures:
        os.makedirs(sim.figures, exist_ok=True)
        with open(os.path.join(sim.figures, "reliability-load-%s.json" % run), "w", encoding="utf-8") as handle:
            json.dump(figures, handle, indent=1, sort_keys=True)
    sim.control("DELETE", "requests")
    if problems:
        sys.exit("fleet check (%s) failed:\n  %s" % (run, "\n  ".join(problems)))


def main() -> None:
    sim, command = Sim(sys.argv[1]), sys.argv[2]
    if command == "setup":
        setup(sim, int(sys.argv[3]))
    elif command == "check":
        check(sim, int(sys.argv[3]), sys.argv[4], float(sys.argv[5]))
    elif command == "limit":
        sim.control("POST", "rate-limit", {"rps": float(sys.argv[3])})
    else:
        sys.exit("unknown command %s" % command)


if __name__ == "__main__":
    main()
