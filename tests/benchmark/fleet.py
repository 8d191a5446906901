"""The fleet benchmark (issue "fleet scale"), run by tests/benchmark/run.sh after bench.py, against
the simulator with the API's limit (5 requests per second per key). Each contender runs in the
same benchmark run, on the same controller:

1. onboarding: 10 customers (one host each, forks 10), each with 2 domains and 3 mailboxes per
   domain, ordered and waited for until ACTIVE, then the DNS baseline of each domain: the
   collection (fleet/onboard_collection.yml) against hand-written ansible.builtin.uri
   (fleet/onboard_uri.yml), first run and no-change rerun; both must leave the same state;
2. the DNS baseline over 50 domains with forks 10 (fleet/dns.yml): wall time against the API's
   floor (requests / 5 s); no 429 allowed;
3. the cost of one task: ten cmr_wallet_info tasks against ten ansible.builtin.ping tasks, each
   less the start-up of a play without tasks.

Writes DIR/fleet.md and DIR/fleet.json, and docs/performance.md with --docs.

    python tests/benchmark/fleet.py --out DIR --sim URL [--docs docs/performance.md]
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import typing as t

import yaml

from bench import API_PREFIX, BenchError, Simulator, machine, peak_rate

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fleet")
RATE = 5.0
CUSTOMERS, DOMAINS_PER_CUSTOMER = 10, 2
FLEET_DOMAINS, FLEET_FORKS = 50, 10
FLOOR_GOAL = 1.2  # the goal: the DNS fleet within 20 % of the API's floor


def run_playbook(sim: Simulator, playbook: str, inventory: str | None, forks: int, log_path: str) -> float:
    env = dict(os.environ, CMR_API_URL=sim.url + API_PREFIX, CMR_API_KEY=sim.key)
    command = ["ansible-playbook", os.path.join(HERE, playbook), "-f", str(forks)] + (["-i", inventory] if inventory else [])
    start = time.monotonic()
    proc = subprocess.run(command, env=env, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    seconds = time.monotonic() - start
    with open(log_path, "w", encoding="utf-8") as handle:
        handle.write(proc.stdout)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-5000:])
        raise BenchError(f"{playbook} failed (exit {proc.returncode}); log: {log_path}")
    return seconds


def measure(sim: Simulator, name: str, playbook: str, inventory: str | None, forks: int, log_dir: str) -> dict[str, t.Any]:
    """One playbook run: wall time and what the simulator logged (then the log is cleared)."""
    seconds = run_playbook(sim, playbook, inventory, forks, os.path.join(log_dir, f"fleet-{name}.log"))
    log = sim.control("GET", "/_sim/requests")
    sim.control("DELETE", "/_sim/requests")
    times = sorted(entry["time"] for entry in log)
    result = {
        "name": name, "seconds": round(seconds, 1), "requests": len(log),
        "methods": dict(collections.Counter(entry["method"] for entry in log)),
        "throttled": sum(entry.get("status") == 429 for entry in log), "peak": peak_rate(log),
        "floor": round(len(log) / RATE, 1), "span": round(times[-1] - times[0], 1) if times else 0.0,
    }
    print(f"==> fleet {name}: {result['requests']} requests, {result['seconds']} s, 429: {result['throttled']}", file=sys.stderr)
    return result


def write_inventory(folder: str, name: str, group: str, hosts: dict[str, dict[str, t.Any]]) -> str:
    path = os.path.join(folder, name + ".json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({group: {"hosts": hosts, "vars": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable}}}, handle)
    return path


def wait_active(sim: Simulator, domains: int, mailboxes: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = sim.control("GET", "/_sim/state")
        if (sum(d["status"] == "ACTIVE" for d in state["domains"]) >= domains
                and sum(m["status"] == "ACTIVE" for m in state["mailboxes"]) >= mailboxes):
            return
        time.sleep(0.3)
    raise BenchError("setup: the domains did not become ACTIVE")


def fresh(sim: Simulator) -> None:
    """An empty simulator, with a rate-limit window the measured run has to itself."""
    sim.control("POST", "/_sim/reset")
    time.sleep(1.0)
    sim.control("DELETE", "/_sim/requests")


# --- scenario 1 ------------------------------------------------------------------------------

def onboarding_inventory(folder: str) -> str:
    with open(os.path.join(HERE, "vars.yml"), encoding="utf-8") as handle:
        mailboxes = yaml.safe_load(handle)["fleet_mailboxes"]
    hosts = {}
    for number in range(1, CUSTOMERS + 1):
        domains = [f"fleet-c{number:02d}-{letter}.com" for letter in "ab"[:DOMAINS_PER_CUSTOMER]]
        hosts[f"customer-{number:02d}"] = {
            "fleet_email": f"ops@customer-{number:02d}.example", "fleet_domains": domains,
            "fleet_domain_specs": [{"name": domain} for domain in domains],
            "fleet_api_domains": [{"domain": domain, "years": 1} for domain in domains],
            "fleet_api_mailboxes": {domain: [{"username": m["username"], "firstName": m["first_name"], "lastName": m["last_name"]}
                                             for m in mailboxes] for domain in domains},
        }
    return write_inventory(folder, "customers", "customers", hosts)


def onboarding_state(sim: Simulator) -> dict[str, t.Any]:
    state = sim.control("GET", "/_sim/state")
    return {
        "users": sorted(u["email"] for u in state["users"]),
        "domains": sorted((d["domainName"], d["status"]) for d in state["domains"]),
        "mailboxes": sorted((m["email"], m["status"]) for m in state["mailboxes"]),
        "records": sorted((r["domain"], r["recordType"], r["host"], r["value"]) for r in state["records"]),
        "orders": len(state["orders"]),
    }


def scenario_onboarding(sim: Simulator, folder: str, log_dir: str, problems: list[str]) -> list[dict[str, t.Any]]:
    inventory = onboarding_inventory(folder)
    results, states = [], {}
    for contender, playbook in (("collection", "onboard_collection.yml"), ("uri", "onboard_uri.yml")):
        fresh(sim)
        for run in ("first run", "no-change rerun"):
            result = measure(sim, f"onboard-{contender}-{run.split()[0]}", playbook, inventory, CUSTOMERS, log_dir)
            result.update(contender=contender, run=run)
            results.append(result)
            if run == "no-change rerun" and set(result["methods"]) - {"GET"}:
                problems.append(f"onboarding, {contender}: the rerun sent {result['methods']}")
        states[contender] = onboarding_state(sim)
    expected = CUSTOMERS * DOMAINS_PER_CUSTOMER
    for contender, state in states.items():
        if (len(state["users"]), len(state["domains"]), len(state["mailboxes"]), state["orders"]) != (CUSTOMERS, expected, expected * 3, CUSTOMERS):
            problems.append(f"onboarding, {contender}: {len(state['users'])} users, {len(state['domains'])} domains, "
                            f"{len(state['mailboxes'])} mailboxes, {state['orders']} orders")
        if any(status != "ACTIVE" for _name, status in state["domains"] + state["mailboxes"]):
            problems.append(f"onboarding, {contender}: not everything is ACTIVE")
    if states["collection"] != states["uri"]:
        problems.append("onboarding: the collection and uri left different states")
    return results


# --- scenario 2 ------------------------------------------------------------------------------

def scenario_dns_fleet(sim: Simulator, folder: str, log_dir: str, problems: list[str]) -> dict[str, t.Any]:
    sim.control("POST", "/_sim/reset")
    user_id = sim.api("POST", "/users", {
        "email": "fleet@dns-fleet.example", "firstName": "Dee", "lastName": "Ennes", "company": "DNS Fleet", "country": "US",
        "state": "New York", "city": "New York", "addressLineOne": "1 Main Street", "postalCode": "10001",
        "languagePreference": "en", "phoneCc": "1", "phone": "5555550100"})["id"]
    domains = [f"dns-fleet-{number:02d}.com" for number in range(1, FLEET_DOMAINS + 1)]
    sim.api("POST", f"/orders/json?userId={user_id}", {"domains": [{"domain": d, "years": 1} for d in domains], "mailboxes": {}, "confirm": True})
    wait_active(sim, FLEET_DOMAINS, 0)
    time.sleep(1.0)
    sim.control("DELETE", "/_sim/requests")
    hosts = {domain: {"fleet_user_id": user_id, "fleet_domain": domain} for domain in domains}
    result = measure(sim, "dns-fleet", "dns.yml", write_inventory(folder, "domains", "domains", hosts), FLEET_FORKS, log_dir)
    records = sim.control("GET", "/_sim/state")["records"]
    if len(records) != FLEET_DOMAINS * 4:
        problems.append(f"DNS fleet: {len(records)} records, expected {FLEET_DOMAINS * 4}")
    if result["throttled"]:
        problems.append(f"DNS fleet: {result['throttled']} answers HTTP 429")
    result["ratio"] = round(result["seconds"] / result["floor"], 2)
    result["span_ratio"] = round(result["span"] / result["floor"], 2)
    return result


# --- scenario 3 ------------------------------------------------------------------------------

def scenario_task_cost(sim: Simulator, log_dir: str) -> dict[str, t.Any]:
    fresh(sim)
    empty = measure(sim, "empty", "empty.yml", None, 1, log_dir)
    info = measure(sim, "info", "info.yml", None, 1, log_dir)
    ping = measure(sim, "ping", "ping.yml", None, 1, log_dir)
    per_task = {name: round((result["seconds"] - empty["seconds"]) / 10, 2) for name, result in (("info", info), ("ping", ping))}
    return {"empty": empty["seconds"], "info": info["seconds"], "ping": ping["seconds"], "info_requests": info["requests"],
            "per_task": per_task, "module_adds": round(per_task["info"] - per_task["ping"], 2)}


# --- report ----------------------------------------------------------------------------------

def report(onboarding: list[dict], fleet: dict, cost: dict, where: str, problems: list[str]) -> str:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Fleet benchmark", "",
        f"Measured {now} on {where}; the simulator limits the key to 5 requests per second, as CMR does. "
        "`floor` = requests / 5 s, the least time the API allows for them.", "",
        f"### 1. Onboarding {CUSTOMERS} customers ({DOMAINS_PER_CUSTOMER} domains, 3 mailboxes per domain, waited for until ACTIVE, "
        f"then the DNS baseline), forks {CUSTOMERS}", "",
        "| contender | run | requests | GET | POST | 429 | peak/s | floor (s) | seconds |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in onboarding:
        lines.append(f"| {row['contender']} | {row['run']} | {row['requests']} | {row['methods'].get('GET', 0)} | "
                     f"{row['methods'].get('POST', 0)} | {row['throttled']} | {row['peak']} | {row['floor']} | {row['seconds']} |")
    by = {(row["contender"], row["run"]): row for row in onboarding}
    for run in ("first run", "no-change rerun"):
        coll, uri = by[("collection", run)], by[("uri", run)]
        lines.append(f"\n{run}: uri sends {uri['requests'] / max(coll['requests'], 1):.1f}× the requests and takes "
                     f"{uri['seconds'] / coll['seconds']:.1f}× the time of the collection.")
    lines += [
        "", f"### 2. DNS baseline over {FLEET_DOMAINS} domains, forks {FLEET_FORKS}", "",
        "| requests | 429 | peak/s | floor (s) | requests sent over (s) | playbook wall time (s) | wall / floor |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {fleet['requests']} | {fleet['throttled']} | {fleet['peak']} | {fleet['floor']} | {fleet['span']} | {fleet['seconds']} | "
        f"{fleet['ratio']} |", "",
        f"Goal: within {round((FLOOR_GOAL - 1) * 100)} % of the floor (ratio ≤ {FLOOR_GOAL}); "
        f"{'met' if fleet['ratio'] <= FLOOR_GOAL else 'not met'} for the whole playbook, "
        f"{'met' if fleet['span_ratio'] <= FLOOR_GOAL else 'not met'} for the requests themselves (ratio {fleet['span_ratio']}).",
        "", "### 3. The cost of one task (ten tasks, less a play without tasks)", "",
        "| task | playbook (s) | per task (s) |", "|---|---:|---:|",
        f"| `coldmailreseller.cmr.cmr_wallet_info` ({cost['info_requests']} requests) | {cost['info']} | {cost['per_task']['info']} |",
        f"| `ansible.builtin.ping` | {cost['ping']} | {cost['per_task']['ping']} |",
        f"| no task (start-up) | {cost['empty']} | |", "",
        f"The module itself adds {cost['module_adds']} s per task over `ping` (importing requests and the client, one paced request).",
    ]
    if problems:
        lines += ["", "### Checks: FAILED", ""] + [f"* {problem}" for problem in problems]
    else:
        lines += ["", "Checks passed: both onboarding contenders left the same customers, domains, mailboxes (all ACTIVE), orders and "
                  "records; the reruns sent only GETs; the DNS fleet converged every record without a 429."]
    return "\n".join(lines) + "\n"


def performance_doc(text: str, out: str, path: str) -> None:
    """docs/performance.md: the single-domain benchmark (bench.py's results.md) and the fleet benchmark."""
    parts = ["# Performance", "",
             "<!-- Written by `make benchmark` (tests/benchmark/run.sh); do not edit by hand. "
             "docs/developer/BENCHMARK.md explains what runs and how to read it. -->", ""]
    single = os.path.join(out, "results.md")
    if os.path.exists(single):
        with open(single, encoding="utf-8") as handle:
            parts.append(handle.read().replace("# Benchmark results", "## One customer, one domain: the collection against uri", 1)
                         .replace("\n## ", "\n### "))
    parts.append(text)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(parts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sim", required=True, help="a running simulator with --rate-limit 5")
    parser.add_argument("--out", required=True)
    parser.add_argument("--docs", help="also write this file (docs/performance.md)")
    parser.add_argument("--key", default=os.environ.get("CMR_API_KEY"))
    args = parser.parse_args()
    sim = Simulator("rate limit 5/s", args.sim, args.key)
    log_dir = os.path.join(args.out, "logs")
    os.makedirs(log_dir, exist_ok=True)
    where = machine()
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        try:
            onboarding = scenario_onboarding(sim, folder, log_dir, problems)
            fleet = scenario_dns_fleet(sim, folder, log_dir, problems)
            cost = scenario_task_cost(sim, log_dir)
        except BenchError as exc:
            print(f"ERROR: {exc}", file=sys.stderr)
            return 1
    text = report(onboarding, fleet, cost, where, problems)
    with open(os.path.join(args.out, "fleet.md"), "w", encoding="utf-8") as handle:
        handle.write(text)
    with open(os.path.join(args.out, "fleet.json"), "w", encoding="utf-8") as handle:
        json.dump({"onboarding": onboarding, "dns_fleet": fleet, "task_cost": cost, "problems": problems}, handle, indent=2)
    if args.docs and not problems:
        performance_doc(text, args.out, args.docs)
    print(text)
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
