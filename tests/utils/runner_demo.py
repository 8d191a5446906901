"""Run playbooks/demo.yml through ansible-runner as an AWX / Automation Platform job, twice, and
check the job: its event stream, its artifacts and what it did to the simulator.

    python tests/utils/runner_demo.py --work DIR --collections PATH

Started by tests/utils/runner.sh, which builds and installs the collection into PATH and starts
the simulator (SIM_URL, SIM_API_URL and SIM_KEY in the environment).
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import sys
import typing as t
import urllib.request

import ansible_runner

# The project of a job template: one playbook that imports the collection's demo by name.
PROJECT_PLAYBOOK = """\
---
- name: The demo of coldmailreseller.cmr, as a job template runs it
  ansible.builtin.import_playbook: coldmailreseller.cmr.demo
"""
OK, SKIPPED = "runner_on_ok", "runner_on_skipped"
FAILED = ("runner_on_failed", "runner_on_unreachable", "runner_item_on_failed")
CUSTOMER = "ops@acme-outreach.example"


def fail(message: str) -> t.NoReturn:
    sys.exit("runner check failed: " + message)


def expect(condition: t.Any, message: str) -> None:
    if not condition:
        fail(message)


def prepare(work: str, collections: str) -> None:
    """The private data folder AWX writes for a job: project, inventory, injected environment."""
    for folder in ("project", "inventory", "env"):
        os.makedirs(os.path.join(work, folder), exist_ok=True)
    with open(os.path.join(work, "project", "demo.yml"), "w", encoding="utf-8") as handle:
        handle.write(PROJECT_PLAYBOOK)
    # The EE's interpreter is the one that has requests and voluptuous: here, this one.
    with open(os.path.join(work, "inventory", "hosts"), "w", encoding="utf-8") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    os.environ["ANSIBLE_HOME"] = os.path.join(work, "ansible-home")


def job_env(collections: str) -> dict[str, str]:
    """What the EE and a CMR credential type inject (see the execution environment guide)."""
    return {
        "ANSIBLE_COLLECTIONS_PATH": collections,
        "ANSIBLE_COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH": "error",
        "ANSIBLE_NOCOLOR": "1",
        "CMR_API_URL": os.environ["SIM_API_URL"],
        "CMR_API_KEY": os.environ["SIM_KEY"],
    }


def run_job(work: str, collections: str, ident: str) -> t.Any:
    result = ansible_runner.run(
        private_data_dir=work,
        playbook="demo.yml",
        ident=ident,
        process_isolation=False,
        envvars=job_env(collections),
        quiet=True,
    )
    print("%s: status %s, rc %s, %d events" % (ident, result.status, result.rc, len(list(result.events))))
    if result.status != "successful" or result.rc != 0:
        sys.stdout.write(result.stdout.read())
        fail("%s: the job ended %s (rc %s)" % (ident, result.status, result.rc))
    return result


def check_events(ident: str, events: list[dict[str, t.Any]]) -> dict[str, t.Any]:
    """Every task that started ended with runner_on_ok (or was skipped), none failed; returns the final stats."""
    failed = [event for event in events if event["event"] in FAILED]
    expect(not failed, "%s: failed events: %s" % (ident, [event["event_data"].get("task") for event in failed]))
    started = {event["event_data"]["task_uuid"]: event["event_data"]["task"] for event in events if event["event"] == "playbook_on_task_start"}
    expect(len(started) >= 10, "%s: only %d tasks started" % (ident, len(started)))
    outcomes: dict[str, list[str]] = {}
    for event in events:
        if event["event"] in (OK, SKIPPED) and event["event_data"].get("host") == "localhost":
            outcomes.setdefault(event["event_data"]["task_uuid"], []).append(event["event"])
    for uuid, task in started.items():
        ended = outcomes.get(uuid, [])
        expect(len(ended) == 1, "%s: task %r ended with %s, expected one runner_on_ok or runner_on_skipped" % (ident, task, ended or "nothing"))
    ran = [uuid for uuid in started if outcomes[uuid] == [OK]]
    expect(len(ran) >= len(started) // 2, "%s: only %d of %d tasks ran (runner_on_ok)" % (ident, len(ran), len(started)))
    stats = [event for event in events if event["event"] == "playbook_on_stats"]
    expect(len(stats) == 1, "%s: %d playbook_on_stats events" % (ident, len(stats)))
    final = stats[0]["event_data"]
    expect(final.get("failures") == {} and final.get("dark") == {}, "%s: final stats report failures: %s" % (ident, final))
    expect(final.get("ok", {}).get("localhost") == len(ran), "%s: stats ok=%s, runner_on_ok for %d tasks" % (ident, final.get("ok"), len(ran)))
    expect(events[-1]["event"] == "playbook_on_stats", "%s: the stream does not end with the stats" % ident)
    print("%s: %d tasks, %d runner_on_ok, %d skipped; stats ok=%s changed=%s" % (
        ident, len(started), len(ran), len(started) - len(ran), final["ok"], final.get("changed")))
    return final


def check_artifacts(work: str, ident: str, events: list[dict[str, t.Any]], secrets: set[str]) -> None:
    """rc, status, stdout and one job_events file per event; no secret anywhere but runner's own env record."""
    folder = os.path.join(work, "artifacts", ident)

    def read(name: str) -> str:
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            return handle.read()

    expect(read("rc").strip() == "0", "%s: artifacts rc is %r" % (ident, read("rc")))
    expect(read("status").strip() == "successful", "%s: artifacts status is %r" % (ident, read("status")))
    expect("PLAY RECAP" in read("stdout"), "%s: no PLAY RECAP in artifacts stdout" % ident)
    job_events = os.listdir(os.path.join(folder, "job_events"))
    expect(len(job_events) == len(events), "%s: %d job_events files for %d events" % (ident, len(job_events), len(events)))
    # ansible-runner records the environment it was given (the injected key) in `command`, readable by its owner only.
    mode = stat.S_IMODE(os.stat(os.path.join(folder, "command")).st_mode)
    expect(mode == 0o600, "%s: artifacts command has mode %o" % (ident, mode))
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            if path == os.path.join(folder, "command"):
                continue
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            leaked = [secret[:4] + "..." for secret in secrets if secret in text]
            expect(not leaked, "%s: %s holds secrets %s" % (ident, os.path.relpath(path, work), leaked))


def sim_state() -> dict[str, t.Any]:
    with urllib.request.urlopen(os.environ["SIM_URL"] + "/_sim/state") as answer:
        return json.load(answer)


def secrets_of(state: dict[str, t.Any]) -> set[str]:
    values = {os.environ["SIM_KEY"]}
    for mailbox in state.get("mailboxes", []):
        values.update(str(value) for key, value in mailbox.items() if "password" in key.lower() or "secret" in key.lower() if value)
    return values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", required=True)
    parser.add_argument("--collections", required=True)
    args = parser.parse_args()
    prepare(args.work, args.collections)

    first = run_job(args.work, args.collections, "first")
    first_events = list(first.events)
    stats = check_events("first", first_events)
    expect(stats.get("changed", {}).get("localhost"), "first: nothing changed: %s" % stats)

    state = sim_state()
    users = [user for user in state["users"] if user["email"] == CUSTOMER]
    expect(len(users) == 1, "the demo did not create %s" % CUSTOMER)
    domains = [domain for domain in state["domains"] if domain.get("userId") == users[0]["userId"]]
    expect(len(domains) == 2 and all(domain["status"] == "ACTIVE" for domain in domains), "domains: %s" % domains)

    second = run_job(args.work, args.collections, "second")
    second_events = list(second.events)
    stats = check_events("second", second_events)
    expect(not any(stats.get("changed", {}).values()), "second: the rerun changed something: %s" % stats.get("changed"))

    secrets = secrets_of(sim_state())
    check_artifacts(args.work, "first", first_events, secrets)
    check_artifacts(args.work, "second", second_events, secrets)
    print("ansible-runner: the demo ran as a job twice; events, stats and artifacts checked; the rerun changed nothing")


if __name__ == "__main__":
    main()
