#!/usr/bin/env python
# Copyright (c) coldmailreseller.cmr contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write docs/reliability.md from the figures of the fleet_load and fault_matrix targets.

    reliability_doc.py FIGURES_DIR OUTPUT.md

FIGURES_DIR holds reliability-faults.json (fault_matrix/matrix.py summary) and
reliability-load-converge.json / reliability-load-rerun.json (fleet_load/fleet.py check).
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
import typing as t

from ansible import __version__ as ansible_version


def load(folder: str, name: str) -> t.Any:
    path = os.path.join(folder, name)
    if not os.path.exists(path):
        sys.exit("no %s: run `make reliability` (the fleet_load and fault_matrix targets write it)" % path)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = " (load average %.1f)" % os.getloadavg()[0] if hasattr(os, "getloadavg") else ""
    return "%d CPUs, %s%s; Python %s, ansible-core %s" % (os.cpu_count() or 0, cpu, load, platform.python_version(), ansible_version)


def load_section(converge: dict, rerun: dict) -> list[str]:
    lines = [
        "## Fleet load at the API's limit (`tests/integration/targets/fleet_load`)",
        "",
        "%d hosts with `forks: %d` converge %d domains × 10 DNS records (%d records) and the names and warm-up "
        "settings of %d mailboxes, with the simulator limiting the key to 5 requests per second, then run again."
        % (converge["hosts"], converge["forks"], converge["hosts"], converge["records"], converge["mailboxes"]),
        "",
        "| run | requests | GET | POST | PUT | PATCH | HTTP 429 | failed requests | most in one second "
        "| shortest span of 6 requests (s) | API floor (s) | requests sent over (s) | playbook wall time (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for figures in (converge, rerun):
        methods = figures["methods"]
        lines.append("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %s | %.1f | %.1f | %.0f |" % (
            figures["run"], figures["requests"], methods.get("GET", 0), methods.get("POST", 0), methods.get("PUT", 0),
            methods.get("PATCH", 0), figures["status_429"], figures["errors"], figures["peak_per_second"],
            figures["shortest_6_request_span"], figures["floor_seconds"], figures["sent_seconds"], figures["seconds"]))
    lines += [
        "",
        "The API floor is requests / 5. The wall time adds Ansible's own start-up and its module processes, "
        "which on a 2-CPU machine compete with the simulator; the request rate itself stays at the limit "
        "(6 consecutive requests never closer than one second) without a single 429.",
        "",
    ]
    return lines


def faults_section(faults: dict) -> list[str]:
    lines = [
        "## Fault matrix (`tests/integration/targets/fault_matrix`)",
        "",
        "Every resource module's write (%s) through each kind of fault (%s): %d cases, %d faults injected."
        % (", ".join("`%s`" % m for m in faults["modules"]), ", ".join("`%s`" % k for k in faults["kinds"]),
           faults["cases"], faults["faults_injected"]),
        "",
        "| figure | value |",
        "|---|---:|",
        "| tasks that ended in the desired state | %d |" % faults["tasks_ok"],
        "| tasks that stopped with one clear line (state unknown, or refused) | %d |" % faults["tasks_failed_one_line"],
        "| cases (refusals aside) whose desired state is in the simulator at the end | %d of %d |" % (
            faults["desired_state_reached"], faults["cases"] - len(faults["modules"])),
        "| objects applied twice | %d |" % faults["duplicates"],
        "| most orders placed by one order task | %d |" % faults["orders_max"],
        "| reports sent to `/send-errors` (one per failure the client gave up on) | %d |" % faults["reports_sent"],
        "| reports sent for requests CMR refused (4xx) on documented endpoints | %d |" % faults["reports_for_user_errors"],
        "| reports sent for requests CMR refused on an endpoint whose path is a guess (inferred) | %d |" % faults.get("reports_for_refused_guesses", 0),
        "",
        "Per kind and module (`ok`: the task succeeded; `failed`: it stopped with one line; `landed`: the desired "
        "state is in the simulator at the end; `reports`: bodies received on `/send-errors`):",
        "",
        "| kind | " + " | ".join(faults["modules"]) + " |",
        "|---|" + "---|" * len(faults["modules"]),
    ]
    for kind in faults["kinds"]:
        cells = []
        for module in faults["modules"]:
            row = next(r for r in faults["rows"] if r["kind"] == kind and r["module"] == module)
            cells.append("%s%s, %d report%s" % (row["outcome"], ", landed" if row["landed"] else "", row["reports"],
                                                "" if row["reports"] == 1 else "s"))
        lines.append("| %s | %s |" % (kind, " | ".join(cells)))
    lines += [
        "",
        "What a `failed` cell means: a write that must not be sent twice (a POST) whose answer never came, or came as "
        "a 5xx, is read back instead of re-sent; when the state does not show it (yet), the task stops with "
        "`state unknown: …` and `changed=true`. A PUT or PATCH is repeated and succeeds. An unreadable 2xx body to a "
        "repeatable write fails the task (the change did land, as `landed` shows).",
        "",
    ]
    return lines


def main() -> None:
    folder, output = sys.argv[1], sys.argv[2]
    faults = load(folder, "reliability-faults.json")
    converge, rerun = load(folder, "reliability-load-converge.json"), load(folder, "reliability-load-rerun.json")
    lines = [
        "# Reliability: faults and fleet load",
        "",
        "<!-- Written by `make reliability` (tests/utils/reliability_doc.py); do not edit by hand. -->",
        "",
        "Measured %s UTC on %s, against the simulator (`tests/simulator`)."
        % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M"), machine()),
        "Both targets run in `make test` (integration stage), where they fail on any regression of these figures.",
        "",
    ]
    lines += load_section(converge, rerun) + faults_section(faults)
    with open(output, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
