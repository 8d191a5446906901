"""Secrets audit: every module, run for real by ansible-playbook, leaks no secret anywhere.

audit/audit.yml runs every module — info, present, check, absent and failure cases, two of
them answered by simulator faults so that error reports reach /send-errors — with ``-vvv``,
``--diff`` and ``ANSIBLE_LOG_PATH``. Afterwards the API key, a wrong key that one task uses,
and every secret value the simulator holds (mailbox passwords, app passwords, authenticator
secrets, platform credentials, a seeded decoy) must appear in none of: stdout, stderr, the log
file, the dumped task results, the /send-errors reports.

Modules join by existing: every module in plugins/modules/ must have its cases in the
playbook (info + fail for _info modules; check + present + fail for the others, and absent
when its ``state`` can remove), or the test fails naming what is missing.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import typing as t

import yaml

from ansible_collections.coldmailreseller.cmr.plugins.module_utils._secrets import is_secret
from test_fuzz_modules import argument_spec, module_names

HERE = os.path.dirname(os.path.abspath(__file__))
PLAYBOOK = os.path.join(HERE, "audit", "audit.yml")
WRONG_KEY = "wrong-key-" + "7c1d9e0f4b2a8c6e5d3f"
DECOY_PASSWORD = "decoy-" + "Pw-91b2c3d4e5"
DECOY_API_KEY = "decoy-" + "ApiKey-0f1e2d3c4b"
TASK_NAME = re.compile(r"^Audit (?P<module>cmr_[a-z_]+) (?P<case>info|present|check|absent|fail): ")
MIN_SECRET = 8  # shorter values (e.g. "" or a flag) would match ordinary text


def playbook_cases() -> dict[str, set[str]]:
    cases: dict[str, set[str]] = {}
    for task in all_tasks():
        match = TASK_NAME.match(task.get("name", ""))
        if match:
            module = next((key.rsplit(".", 1)[1] for key in task if key.startswith("coldmailreseller.cmr.")), None)
            assert module == match["module"], f"task {task['name']!r} runs {module}"
            cases.setdefault(module, set()).add(match["case"])
    return cases


def all_tasks() -> list[dict[str, t.Any]]:
    """The play's tasks, those inside blocks included."""
    with open(PLAYBOOK, encoding="utf-8") as handle:
        tasks = list(yaml.safe_load(handle)[0]["tasks"])
    flat: list[dict[str, t.Any]] = []
    while tasks:
        task = tasks.pop(0)
        tasks[0:0] = task.get("block", [])
        flat.append(task)
    return flat


def required_cases(name: str) -> set[str]:
    if name.endswith("_info"):
        return {"info", "fail"}
    spec, _kwargs = argument_spec(name)
    removes = set(spec.get("state", {}).get("choices") or ()) & {"absent", "cancelled"}
    return {"check", "present", "fail"} | ({"absent"} if removes else set())


def test_every_module_has_its_audit_cases() -> None:
    cases = playbook_cases()
    missing = {name: sorted(required_cases(name) - cases.get(name, set())) for name in module_names()}
    missing = {name: gaps for name, gaps in missing.items() if gaps}
    assert not missing, f"add these cases to tests/hostile/audit/audit.yml: {missing}"


def secret_values(state: t.Any) -> set[str]:
    """Every string held under a secret field name anywhere in the simulator's state."""
    found: set[str] = set()

    def walk(node: t.Any, secret: bool) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, secret or is_secret(key))
        elif isinstance(node, list):
            for item in node:
                walk(item, secret)
        elif secret and isinstance(node, str) and len(node) >= MIN_SECRET:
            found.add(node)

    # The top level names collections ("credentials" holds platform credential objects, whose
    # IDs are not secret): secret field names count from inside the objects on.
    for collection in state.values():
        walk(collection, False)
    return found


def seed_decoys(sim: t.Any) -> dict[str, str]:
    """Secrets where modules read: a customer object carrying a password and an API key (cmr_user_info
    lists it: the module must strip them) and a platform credential with its password."""
    user = sim.control("POST", "seed", {"kind": "users", "object": {
        "email": "audit-decoy@acme.example", "firstName": "Audit", "lastName": "Decoy", "company": "Decoy Inc.",
        "password": DECOY_PASSWORD, "apiKey": DECOY_API_KEY}})
    sim.control("POST", "seed", {"kind": "credentials", "object": {
        "userId": user["id"], "app": "SMARTLEAD", "email": "ops@acme.example", "password": DECOY_PASSWORD + "-2"}})
    # Its password first, so that the cut-off answer the playbook provokes holds it (reported to /send-errors).
    mailbox = sim.control("POST", "seed", {"kind": "mailboxes", "object": {
        "password": DECOY_PASSWORD + "-3", "appPassword": DECOY_PASSWORD + "-4", "authenticatorSecret": DECOY_PASSWORD + "-5",
        "userId": user["id"], "email": "decoy@audit-decoy.com", "domain": "audit-decoy.com", "status": "ACTIVE",
        "firstName": "Audit", "lastName": "Decoy", "username": "decoy"}})
    return {"audit_decoy_user_id": user["id"], "audit_decoy_mailbox_id": mailbox["id"]}


def run_playbook(sim: t.Any, tmp_path: t.Any, decoys: dict[str, str]) -> tuple[subprocess.CompletedProcess, str, str]:
    log_path, results_path = tmp_path / "ansible.log", tmp_path / "results.json"
    extra = {"audit_api_key": sim.api_key, "audit_api_url": sim.api_url, "audit_sim_url": sim.root,
             "audit_wrong_key": WRONG_KEY, "audit_results_file": str(results_path), **decoys}
    (tmp_path / "vars.json").write_text(json.dumps(extra))
    env = {**os.environ, "ANSIBLE_LOG_PATH": str(log_path), "ANSIBLE_NOCOLOR": "1", "ANSIBLE_LOCALHOST_WARNING": "false",
           "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false", "ANSIBLE_PYTHON_INTERPRETER": sys.executable}
    for variable in ("CMR_API_KEY", "CMR_API_URL", "CMR_SANDBOX", "CMR_REPORT_ERRORS"):
        env.pop(variable, None)
    command = ["ansible-playbook", "-vvv", "--diff", "-i", "localhost,", "-e", f"@{tmp_path / 'vars.json'}", PLAYBOOK]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900, check=False, cwd=str(tmp_path))
    log = log_path.read_text() if log_path.exists() else ""
    results = results_path.read_text() if results_path.exists() else ""
    return run, log, results


def task_outcomes(stdout: str) -> dict[str, str]:
    """Task name -> 'failed' or 'ok' as the default callback printed it."""
    outcomes = {}
    for block in re.split(r"\nTASK \[", stdout)[1:]:
        name = block.split("]", 1)[0]
        outcomes[name] = "failed" if re.search(r"^(fatal|failed): \[localhost\]", block, re.M) else "ok"
    return outcomes


def test_no_secret_anywhere(start_sim: t.Any, tmp_path: t.Any, record_property: t.Any) -> None:
    sim = start_sim()
    run, log, results = run_playbook(sim, tmp_path, seed_decoys(sim))
    outputs = {"stdout": run.stdout, "stderr": run.stderr, "ANSIBLE_LOG_PATH": log, "task results": results}
    (tmp_path / "stdout.txt").write_text(run.stdout)  # kept by pytest in its basetemp, to look at a failure
    (tmp_path / "stderr.txt").write_text(run.stderr)
    assert run.returncode == 0, run.stdout[-15000:] + run.stderr[-5000:]
    assert log and results, "the log file or the results dump is missing"

    outcomes = task_outcomes(run.stdout)
    wrong = {}
    for name in (task["name"] for task in all_tasks()):
        match = TASK_NAME.match(name)
        expected = "failed" if match and match["case"] == "fail" else "ok"
        if match and outcomes.get(name) != expected:
            wrong[name] = outcomes.get(name)
    assert not wrong, f"tasks that did not end as their case says: {wrong}"

    state = sim.control("GET", "state")
    reports = sim.control("GET", "error-reports")
    outputs["/send-errors reports"] = json.dumps(reports)
    assert len(reports) >= 2, f"the faults should have produced error reports: {reports}"

    secrets = secret_values(state) | {sim.api_key, WRONG_KEY}
    assert {DECOY_API_KEY} | {DECOY_PASSWORD + suffix for suffix in ("", "-2", "-3", "-4", "-5")} <= secrets, "decoys missing"
    mailbox_secrets = {mailbox.get(field) for mailbox in state["mailboxes"] for field in ("password", "appPassword", "authenticatorSecret")}
    assert {value for value in mailbox_secrets if value} <= secrets and len(mailbox_secrets) >= 3, "the simulator holds no mailbox credentials"
    leaks = {(where, secret[:4] + "…") for where, text in outputs.items() for secret in secrets if secret in text}
    record_property("generated_cases", len(outcomes))
    assert not leaks, f"secrets found in: {sorted(leaks)}"
    # Not vacuous: the decoy customer was listed and the credentials were read (hidden by no_log).
    assert "audit-decoy@acme.example" in run.stdout
    assert "the output has been hidden" in run.stdout
