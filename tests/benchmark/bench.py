"""The benchmark of docs/developer/DESIGN.md#proof: the same work done with the collection's modules
(collection.yml) and with plain ``ansible.builtin.uri`` tasks (uri.yml), against the
simulator, in the same run. For each variant: a setup (customer and a domain bought by a
confirmed order, not counted), then three runs of its playbook -- converge, no change, one
record value changed -- each measured in requests sent (the simulator's request log) and
wall time (the whole ``ansible-playbook`` process).

Checks (exit status 1 when one fails): after each run both variants leave the same DNS
records and the same customer, the expected ones; the collection's no-change run sends
nothing but GETs.

Run by tests/benchmark/run.sh (``make benchmark``), which builds and installs the
collection, starts the simulators and exports CMR_API_KEY and ANSIBLE_COLLECTIONS_PATH:

    python tests/benchmark/bench.py --out DIR --sim "LABEL=http://127.0.0.1:PORT" [--sim ...]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from importlib import metadata
from typing import Any

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
API_PREFIX = "/api/v1/integration"
VARIANTS = (("collection", "collection.yml"), ("uri", "uri.yml"))
# (label, DMARC policy passed to the playbook): the third run changes one record value.
RUNS = (("1 converge", "none"), ("2 no change", "none"), ("3 one value changed", "quarantine"))
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# The setup creates the customer with an outdated company name, so the first run updates it.
SETUP_COMPANY = "Bench Outreach"
USER_FIELDS = {
    "email": "email", "first_name": "firstName", "last_name": "lastName", "company": "company", "country": "country",
    "state_province": "state", "city": "city", "address_line_one": "addressLineOne", "postal_code": "postalCode",
    "language_preference": "languagePreference", "phone_cc": "phoneCc", "phone": "phone",
}
RECAP_RE = re.compile(r"^\S+\s*:\s*ok=(\d+)\s+changed=(\d+)", re.MULTILINE)


class BenchError(Exception):
    """A step that could not be done: the benchmark stops and exits non-zero."""


class Simulator:
    """The control API and the CMR API of one running simulator."""

    def __init__(self, label: str, url: str, key: str) -> None:
        self.label = label
        self.url = url.rstrip("/")
        self.key = key

    def _request(self, method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, response.headers, json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                payload = json.loads(raw) if raw else None
            except ValueError:
                payload = raw.decode("utf-8", "replace")
            return exc.code, exc.headers, payload
        except (OSError, ValueError) as exc:
            raise BenchError(f"{method} {url}: {exc}") from exc

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call the control API (/_sim/...); fail on any error."""
        status, _headers, payload = self._request(method, self.url + path, body)
        if status >= 400:
            raise BenchError(f"{method} {path} answered {status}: {payload}")
        return payload

    def api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the CMR API with the key; wait and retry on 429; return the envelope's data."""
        for _attempt in range(10):
            status, headers, payload = self._request(method, self.url + API_PREFIX + path, body, {"cmr-x-api-key": self.key})
            if status == 429:
                time.sleep(int(headers.get("Retry-After") or 1))
                continue
            if status >= 400:
                raise BenchError(f"setup: {method} {path} answered {status}: {payload}")
            return payload.get("data") if isinstance(payload, dict) else payload
        raise BenchError(f"setup: {method} {path} stayed rate-limited")


def setup(sim: Simulator, scenario: dict[str, Any]) -> None:
    """Empty simulator; the customer (outdated company) owns the domain, ACTIVE; empty request log."""
    sim.control("POST", "/_sim/reset")
    customer = {USER_FIELDS[name]: value for name, value in scenario["bench_customer"].items()}
    customer["company"] = SETUP_COMPANY
    user_id = sim.api("POST", "/users", customer)["id"]
    domain = scenario["bench_domain"]
    order = sim.api("POST", f"/orders/json?userId={user_id}", {"domains": [{"domain": domain, "years": 1}], "mailboxes": {}, "confirm": True})
    if domain in (order.get("unavailableDomains") or []):
        raise BenchError(f"setup: the simulator reports {domain} unavailable")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = sim.control("GET", "/_sim/state")
        if any(d["domainName"] == domain and d["status"] == "ACTIVE" for d in state["domains"]):
            break
        time.sleep(0.1)
    else:
        raise BenchError(f"setup: {domain} did not become ACTIVE within 60 s")
    # The setup's requests are not part of the measure; nor is their rate-limit window.
    time.sleep(1.0)
    sim.control("DELETE", "/_sim/requests")


def snapshot(sim: Simulator, scenario: dict[str, Any]) -> tuple[list[list[Any]], dict[str, Any]]:
    """The domain's DNS records (ids left out, sorted) and the customer (ids and dates left out)."""
    state = sim.control("GET", "/_sim/state")
    records = sorted(
        [r["recordType"], r["host"], r["value"], str(r.get("priority") or ""), sorted(r.get("excludedDMARCtags") or [])]
        for r in state["records"] if r.get("domain") == scenario["bench_domain"]
    )
    email = scenario["bench_customer"]["email"].lower()
    users = [u for u in state["users"] if u["email"].lower() == email]
    user = {key: value for key, value in users[0].items() if key not in ("userId", "createdAt")} if len(users) == 1 else {"count": len(users)}
    return records, user


def run_playbook(sim: Simulator, playbook: str, policy: str, log_path: str) -> tuple[float, int]:
    """Run one playbook to completion; its wall time and the PLAY RECAP's changed count."""
    env = dict(os.environ, CMR_API_URL=sim.url + API_PREFIX, CMR_API_KEY=sim.key)
    command = ["ansible-playbook", os.path.join(HERE, playbook), "-e", json.dumps({"bench_dmarc_policy": policy})]
    start = time.monotonic()
    proc = subprocess.run(command, env=env, cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    seconds = time.monotonic() - start
    with open(log_path, "w", encoding="utf-8") as handle:
        handle.write(proc.stdout)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-6000:])
        raise BenchError(f"{playbook} failed (exit {proc.returncode}); log: {log_path}")
    recap = RECAP_RE.findall(proc.stdout)
    if not recap:
        raise BenchError(f"no PLAY RECAP in the output of {playbook}; log: {log_path}")
    return seconds, sum(int(changed) for _ok, changed in recap)


def peak_rate(log: list[dict[str, Any]]) -> int:
    """The most requests sent within one second (the window of CMR's rate limit)."""
    times = sorted(entry["time"] for entry in log)
    return max((sum(1 for later in times[index:] if later - start < 1.0) for index, start in enumerate(times)), default=0)


def bench_variant(sim: Simulator, scenario: dict[str, Any], variant: str, playbook: str, log_dir: str) -> list[dict[str, Any]]:
    """Setup, then the three runs of one variant."""
    print(f"==> [{sim.label}] {variant}: setup", file=sys.stderr)
    setup(sim, scenario)
    results = []
    slug = re.sub(r"\W+", "-", sim.label).strip("-")
    for number, (label, policy) in enumerate(RUNS, 1):
        log_path = os.path.join(log_dir, f"{slug}-{variant}-run{number}.log")
        seconds, changed = run_playbook(sim, playbook, policy, log_path)
        log = sim.control("GET", "/_sim/requests")
        sim.control("DELETE", "/_sim/requests")
        records, user = snapshot(sim, scenario)
        methods = Counter(entry["method"] for entry in log)
        result = {
            "variant": variant, "run": label, "policy": policy, "requests": len(log), "methods": dict(methods),
            "throttled": sum(1 for entry in log if entry.get("status") == 429), "peak": peak_rate(log), "seconds": round(seconds, 2),
            "changed": changed, "records": records, "user": user,
        }
        print(f"==> [{sim.label}] {variant} run {label}: {len(log)} requests, {seconds:.1f} s, changed={changed}", file=sys.stderr)
        results.append(result)
    return results


def check(scenario: dict[str, Any], by_variant: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Everything that is wrong, as sentences (empty: all good)."""
    problems = []
    expected_count = len(scenario["bench_records"])
    company = scenario["bench_customer"]["company"]
    for index, (label, policy) in enumerate(RUNS):
        for variant, results in by_variant.items():
            result = results[index]
            if len(result["records"]) != expected_count:
                problems.append(f"run {label}, {variant}: {len(result['records'])} records, expected {expected_count}")
            dmarc = [r[2] for r in result["records"] if r[0] == "TXT" and r[1] == "_dmarc"]
            if len(dmarc) != 1 or not dmarc[0].startswith(f"v=DMARC1; p={policy};"):
                problems.append(f"run {label}, {variant}: DMARC record {dmarc}, expected policy {policy}")
            if result["user"].get("company") != company:
                problems.append(f"run {label}, {variant}: customer {result['user']}, expected company {company!r}")
        first, second = (by_variant[name][index] for name, _playbook in VARIANTS)
        if first["records"] != second["records"]:
            only_first = [r for r in first["records"] if r not in second["records"]]
            only_second = [r for r in second["records"] if r not in first["records"]]
            problems.append(f"run {label}: the variants left different DNS records: only {VARIANTS[0][0]}: {only_first}; "
                            f"only {VARIANTS[1][0]}: {only_second}")
        if first["user"] != second["user"]:
            problems.append(f"run {label}: the variants left different customers: {first['user']} / {second['user']}")
    no_change = by_variant["collection"][1]
    writes = {method: count for method, count in no_change["methods"].items() if method != "GET"}
    if writes:
        problems.append(f"run {RUNS[1][0]}, collection: sent {writes} besides GETs")
    return problems


def machine() -> str:
    """One line describing where the numbers come from."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            names = [line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")]
        if names:
            model = names[0]
    except OSError:
        pass
    load = f", load average {os.getloadavg()[0]:.1f} at the start" if hasattr(os, "getloadavg") else ""
    return (f"{os.cpu_count()} CPUs ({model}){load}, {platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"ansible-core {metadata.version('ansible-core')}")


def table(results: list[dict[str, Any]]) -> list[str]:
    """The Markdown table of one simulator's runs."""
    lines = ["| variant | run | requests | GET | POST | PUT | DELETE | 429 | peak/s | seconds | changed |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for result in results:
        counts = " | ".join(str(result["methods"].get(method, 0)) for method in ("GET", "POST", "PUT", "DELETE"))
        lines.append(f"| {result['variant']} | {result['run']} | {result['requests']} | {counts} | {result['throttled']} | {result['peak']} | "
                     f"{result['seconds']:.1f} | {result['changed']} |")
    return lines


def report(scenario: dict[str, Any], sections: list[tuple[Simulator, list[dict[str, Any]]]], problems: list[str], where: str) -> str:
    """results.md."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmark results", "",
        f"Measured {now} on {where}.", "",
        f"Work: ensure one customer (its company name is outdated after the setup) and converge "
        f"{len(scenario['bench_records'])} DNS records on {scenario['bench_domain']}; the third run changes the DMARC policy. "
        "`requests` = CMR API requests sent (simulator log, 429 answers included); `peak/s` = most requests within one second; "
        "`seconds` = wall time of "
        "`ansible-playbook`; `changed` = tasks reported changed in the PLAY RECAP.", "",
    ]
    for sim, results in sections:
        lines += [f"## Simulator: {sim.label}", ""] + table(results) + [""]
    if problems:
        lines += ["## Checks: FAILED", ""] + [f"* {problem}" for problem in problems]
    else:
        lines += ["## Checks: passed", "",
                  "After every run both variants left the same DNS records and the same customer (the expected ones); "
                  "the collection's no-change run sent only GETs."]
    return "\n".join(lines) + "\n"


def main() -> int:
    """Run every simulator's benchmark, write and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sim", action="append", required=True, metavar="LABEL=URL", help="a running simulator (repeatable)")
    parser.add_argument("--out", required=True, help="folder for results.md, results.json and the playbook logs")
    parser.add_argument("--key", default=os.environ.get("CMR_API_KEY"), help="the simulators' API key (default: $CMR_API_KEY)")
    args = parser.parse_args()
    if not args.key:
        parser.error("no API key: set CMR_API_KEY or pass --key")
    with open(os.path.join(HERE, "scenario.yml"), encoding="utf-8") as handle:
        scenario = yaml.safe_load(handle)
    log_dir = os.path.join(args.out, "logs")
    os.makedirs(log_dir, exist_ok=True)

    where = machine()
    sections = []
    problems = []
    try:
        for spec in args.sim:
            label, url = spec.rsplit("=", 1)
            sim = Simulator(label, url, args.key)
            by_variant = {variant: bench_variant(sim, scenario, variant, playbook, log_dir) for variant, playbook in VARIANTS}
            problems += [f"[{label}] {problem}" for problem in check(scenario, by_variant)]
            sections.append((sim, [result for results in by_variant.values() for result in results]))
    except BenchError as exc:
        problems.append(str(exc))

    text = report(scenario, sections, problems, where)
    with open(os.path.join(args.out, "results.md"), "w", encoding="utf-8") as handle:
        handle.write(text)
    with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as handle:
        json.dump([{"simulator": sim.label, "runs": results} for sim, results in sections], handle, indent=2)
    print(text)
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
