"""Checks of one verify_api run: the report's results for the reading, and no write in the request log.

    python check.py reading NAME REPORT   switch the simulator to reading NAME ("default" = none), clear its log
    python check.py report NAME REPORT    the report says what NAME should make it say; the log holds no write
"""

from __future__ import annotations

import json
import sys
import urllib.request

import yaml

with open("../../integration_config.yml", encoding="utf-8") as handle:
    SIM = yaml.safe_load(handle)["cmr_sim_url"]

# The rows (by endpoint) that differ in each reading; everything else holds.
DIFFERS = {
    "default": set(),
    "lists-wrapped": {"GET /domains/by-user", "GET /mailboxes/single"},
    "lists-bare": {"GET /users/list"},
    "lists-items": {"GET /users/list", "GET /subscriptions", "GET /domains/by-user", "GET /mailboxes/single"},
    "auto-renew-post": {"PATCH /domains/toggle-auto-renew"},
    "recreate-short-path": {"POST /component/subscriptions/recreate", "POST /subscriptions/recreate"},
    "has-workspace-single-only": {"POST /domains/has-workspace"},  # the bulk row only: the single row holds
    "wallet-absent": {"GET /wallet"},
}
# Requests the probe may send: reads, OPTIONS and the documented read-only POSTs.
READ_ONLY_POSTS = {"/domains/has-workspace", "/domains/available", "/domains/suggest", "/domains/renewal-price"}


def control(method: str, path: str, body: object = None) -> object:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(SIM + "/_sim/" + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:  # nosec - the local simulator
        return json.load(answer)


def reading(name: str) -> None:
    control("POST", "variants", {"variants": [] if name == "default" else [name]})
    control("DELETE", "requests")


def report(name: str, path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        found = json.load(handle)
    rows = found["checks"]
    differing = {row["endpoint"] for row in rows if row["result"] == "differs"}
    assert differing == DIFFERS[name], (name, differing)
    if name == "has-workspace-single-only":
        single = [row for row in rows if row["endpoint"] == "POST /domains/has-workspace"]
        assert [row["result"] for row in single] == ["differs", "holds"], single
    assert not [row for row in rows if row["result"] == "not checked"], rows
    assert found["summary"]["differs"] == len([row for row in rows if row["result"] == "differs"])
    writes = [(entry["method"], entry["path"]) for entry in control("GET", "requests")
              if entry["method"] not in ("GET", "OPTIONS") and not (entry["method"] == "POST" and entry["path"] in READ_ONLY_POSTS)]
    assert writes == [], writes
    assert control("GET", "error-reports") == [], "the probe sent an error report"
    print(f"{name}: {len(rows)} checks, differing as expected: {sorted(differing) or 'none'}; no write")


if __name__ == "__main__":
    if sys.argv[1] == "reading":
        reading(sys.argv[2])
    else:
        report(sys.argv[2], sys.argv[3])
