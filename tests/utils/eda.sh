#!/usr/bin/env bash
# `make eda`: the Event-Driven Ansible source, end to end, with the real ansible-rulebook.
#
#   1. ansible-rulebook (from .venv-eda, made by `make eda-venv`) runs the example rulebook
#      coldmailreseller.cmr.cmr_webhooks from a laid-out copy of the collection; its source
#      listens on a free loopback port.
#   2. The simulator, started with --webhook-url pointing at that source, delivers the events
#      of a real order placed with cmr_user + cmr_order (tests/eda/place_order.yml); then its
#      clock is moved so that the subscription becomes past due, and a failure event is emitted.
#   3. Checks: every delivered event reached the rulebook exactly once and in delivery order;
#      the rulebook's playbook enrolled each new mailbox in warm-up (simulator state and request
#      log); an alert was raised for the past-due subscription and for the failure; a replayed
#      delivery is a duplicate and a forged one is refused (401); no mailbox secret appears in
#      the rulebook's output, which prints every event (--print-events).
#
# Needs Java 17+ (`java` on PATH or JAVA_HOME) for ansible-rulebook's rule engine.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv

EDA_VENV="${CMR_EDA_VENV:-$ROOT/.venv-eda}"
[[ -x "$EDA_VENV/bin/ansible-rulebook" ]] || die "no ansible-rulebook in $EDA_VENV: run 'make eda-venv' first"
if [[ -z "${JAVA_HOME:-}" ]]; then
    java_bin="$(command -v java)" || die "ansible-rulebook needs Java 17 or newer: no java on PATH and no JAVA_HOME"
    # .../jvm/java-17-openjdk-amd64/bin/java -> .../jvm/java-17-openjdk-amd64
    JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$java_bin")")")"
    export JAVA_HOME
fi
log "Java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"

HOOK_PATH=/cmr/webhooks
TIMEOUT=120  # seconds for each wait below

layout_collection
EDA_PORT="$(free_port)"
export EDA_URL="http://127.0.0.1:$EDA_PORT$HOOK_PATH"
start_simulator --rate-limit 0 --async-delay 0.05 --webhook-url "$EDA_URL"
export SIM_URL SIM_KEY

export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_ROOT"
export ANSIBLE_HOME="$WORK/ansible-home"
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export CMR_API_URL="$SIM_API_URL"
export CMR_API_KEY="$SIM_KEY"  # the modules' key and, as with CMR, the webhook signing key

cat >"$WORK/eda-vars.yml" <<YAML
---
cmr_webhook_host: 127.0.0.1
cmr_webhook_port: $EDA_PORT
cmr_webhook_path: $HOOK_PATH
YAML
# ansible-rulebook wants an inventory for run_playbook; the playbooks run on the controller.
cat >"$WORK/inventory.yml" <<'YAML'
---
all:
  hosts:
    localhost:
      ansible_connection: local
      ansible_python_interpreter: "{{ ansible_playbook_python }}"
YAML

# 1. The rulebook, with the eda virtualenv first on PATH: its ansible-galaxy finds the
# collection and its ansible-playbook runs the rulebook's playbooks.
RULEBOOK_LOG="$WORK/rulebook.log"
log "ansible-rulebook --rulebook $COLL_FQCN.cmr_webhooks (source on $EDA_URL)"
(
    cd "$WORK" || exit 1
    PATH="$EDA_VENV/bin:$PATH" exec ansible-rulebook --rulebook "$COLL_FQCN.cmr_webhooks" \
        --inventory "$WORK/inventory.yml" --vars "$WORK/eda-vars.yml" --print-events --shutdown-delay 1
) >"$RULEBOOK_LOG" 2>&1 </dev/null &
RULEBOOK_PID=$!
add_cleanup "stop_simulator $RULEBOOK_PID"  # SIGTERM, then SIGKILL: the same stop works for any process
show_rulebook_log() { log "ansible-rulebook output:"; cat "$RULEBOOK_LOG" >&2 || true; }

"$PY" - "$EDA_PORT" "$RULEBOOK_PID" "$TIMEOUT" <<'PYEOF' || { show_rulebook_log; die "the cmr_webhook source did not start listening"; }
import os, socket, sys, time
port, pid, timeout = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + timeout
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        sys.exit(0)
    except OSError:
        os.kill(pid, 0)  # ansible-rulebook died: ProcessLookupError ends the wait
        time.sleep(0.2)
sys.exit(1)
PYEOF
log "the source listens on port $EDA_PORT"

# 2. A real order: domain.order.success, mailbox.order.success, mailbox.created x2.
log "ansible-playbook tests/eda/place_order.yml"
(cd "$WORK" && ansible-playbook "$COLL_DIR/tests/eda/place_order.yml") >"$WORK/order.log" 2>&1 ||
    { cat "$WORK/order.log" >&2; die "placing the order failed"; }

# wait_for DESCRIPTION PYTHON-CONDITION: poll until the condition holds; it sees `state`
# (GET /_sim/state), `hooks` (GET /_sim/webhooks), `requests` (GET /_sim/requests), `log`
# (the rulebook's output) and `events` (the (name, id) pairs the rulebook logged, in order).
wait_for() {
    "$PY" - "$1" "$2" "$TIMEOUT" "$RULEBOOK_LOG" "$RULEBOOK_PID" <<'PYEOF' || { show_rulebook_log; die "timed out waiting for: $1"; }
import json, os, re, sys, time, urllib.request
what, condition, timeout, log_path, pid = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4], int(sys.argv[5])
def get(path):
    return json.load(urllib.request.urlopen(os.environ["SIM_URL"] + path))
deadline = time.monotonic() + timeout
while True:
    state, hooks, requests = get("/_sim/state"), get("/_sim/webhooks"), get("/_sim/requests")
    hooks = hooks.get("webhooks", hooks) if isinstance(hooks, dict) else hooks
    requests = requests.get("requests", requests) if isinstance(requests, dict) else requests
    log = open(log_path, encoding="utf-8", errors="replace").read()
    events = re.findall(r"^CMR event (\S+) (\S+) \(signature (\S+)\)$", log, re.M)
    if eval(condition.replace("\n", " ")):
        sys.exit(0)
    os.kill(pid, 0)
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(0.5)
PYEOF
    log "done: $1"
}

mailboxes='[m for m in state["mailboxes"] if m["email"].endswith("@acme-events.com")]'
wait_for "the rulebook's playbook enrolled both new mailboxes in warm-up" \
    "len($mailboxes) == 2 and all(m.get(\"warmupStatus\") in (\"PENDING\", \"ACTIVE\") for m in $mailboxes)"

# 3. Past due: the subscription does not renew by itself; 31 days later it is PAST_DUE.
"$PY" -c 'import os, urllib.request; urllib.request.urlopen(urllib.request.Request(
    os.environ["SIM_URL"] + "/_sim/clock", data=b"{\"advance_days\": 31}", method="POST",
    headers={"Content-Type": "application/json"}))'
# A failure, emitted as CMR would send it (the simulator cannot make an order fail after payment).
"$PY" -c 'import os, urllib.request; urllib.request.urlopen(urllib.request.Request(
    os.environ["SIM_URL"] + "/_sim/emit", method="POST", headers={"Content-Type": "application/json"},
    data=b"{\"event\": \"mailbox.order.failed\", \"data\": {\"userEmail\": \"eda@acme-events.example\", \"domainName\": \"acme-events.com\", \"reason\": \"Provider quota reached\"}}"))'

wait_for "every delivered event reached the rulebook, and both alerts were raised" \
    'hooks and all(h["result"] == "delivered" for h in hooks) and len(events) >= len(hooks)
     and log.count("CMR ALERT") >= 2 and "PLAY RECAP" in log.split("CMR ALERT")[-1]'

# 4. A replayed delivery (signed afresh, as CMR's retries are) and a forged one.
"$PY" - <<'PYEOF' || { show_rulebook_log; die "replay/forgery check failed"; }
import base64, hashlib, hmac, json, os, time, urllib.error, urllib.request
hooks = json.load(urllib.request.urlopen(os.environ["SIM_URL"] + "/_sim/webhooks"))
hooks = hooks.get("webhooks", hooks) if isinstance(hooks, dict) else hooks
first = hooks[0]
body = json.dumps({"event": first["event"], "eventId": first["eventId"], "data": first["data"]}).encode()
def post(signature, timestamp):
    request = urllib.request.Request(os.environ["EDA_URL"], data=body, method="POST", headers={
        "Content-Type": "application/json", "cmr-x-timestamp": timestamp, "cmr-x-signature": signature})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)
now = str(int(time.time()))
good = base64.b64encode(hmac.new(os.environ["SIM_KEY"].encode(), body, hashlib.sha256).digest()).decode()
assert post(good, now) == (200, {"result": "duplicate", "eventId": first["eventId"]}), post(good, now)
forged = hmac.new(b"not-the-key", now.encode() + b"." + body, hashlib.sha256).hexdigest()
status, answer = post(forged, now)
assert status == 401 and answer["reason"] == "the signature does not match the body", (status, answer)
print("replayed delivery: duplicate (200); forged delivery: refused (401)")
PYEOF
sleep 2  # time for a wrongly accepted replay to show up in the rulebook's output

# 5. The checks.
"$PY" - "$RULEBOOK_LOG" <<'PYEOF' || { show_rulebook_log; die "end-to-end checks failed"; }
import json, os, re, sys, urllib.request
def get(path):
    return json.load(urllib.request.urlopen(os.environ["SIM_URL"] + path))
log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
state, hooks, requests = get("/_sim/state"), get("/_sim/webhooks"), get("/_sim/requests")
hooks = hooks.get("webhooks", hooks) if isinstance(hooks, dict) else hooks
requests = requests.get("requests", requests) if isinstance(requests, dict) else requests
logged = re.findall(r"^CMR event (\S+) (\S+) \(signature (\S+)\)$", log, re.M)
delivered = [(h["event"], h["eventId"]) for h in hooks]

# Exactly once, in the order the simulator delivered them.
assert [(name, event_id) for name, event_id, dummy in logged] == delivered, \
    "rulebook saw %s\nsimulator delivered %s" % (logged, delivered)
assert {scheme for dummy, dummy2, scheme in logged} == {"timestamp.body/hex"}, logged
names = [name for name, dummy in delivered]
expected = ["domain.order.success", "mailbox.order.success", "mailbox.created", "mailbox.created",
            "subscription.past_due", "mailbox.order.failed"]
position = 0
for name in names:  # the lifecycle of the order appears in this order (other events may interleave)
    if position < len(expected) and name == expected[position]:
        position += 1
assert position == len(expected), "expected %s in this order within %s" % (expected, names)
assert names.count("mailbox.created") == 2, names

# The playbook enrolled each created mailbox exactly once.
created = [h["data"]["mailboxId"] for h in hooks if h["event"] == "mailbox.created"]
mailboxes = {m["mailboxId"]: m for m in state["mailboxes"]}
assert all(mailboxes[m]["warmupStatus"] in ("PENDING", "ACTIVE") for m in created), [mailboxes[m] for m in created]
enrolments = [r["query"].get("mailboxId") for r in requests
              if r["method"] == "POST" and r["path"].endswith("/mailboxes/warmup") and r["status"] == 200]
assert sorted(enrolments) == sorted(created), "warm-up enrolments %s, expected one for each of %s" % (enrolments, created)

# The alerts, one per alerting event.
alerts = re.findall(r"CMR ALERT (\S+):", log)
assert sorted(set(alerts)) == ["mailbox.order.failed", "subscription.past_due"], alerts
assert alerts.count("subscription.past_due") == names.count("subscription.past_due"), alerts
assert "Provider quota reached" in log

# --print-events printed every event: no mailbox secret may be in it.
secrets = [m[field] for m in mailboxes.values() for field in ("password", "appPassword", "authenticatorSecret") if m.get(field)]
assert secrets, "the simulator's mailboxes carry no credentials: the secret check would prove nothing"
leaked = [s for s in secrets if s in log]
assert not leaked, "%d mailbox secret(s) in the rulebook's output" % len(leaked)
assert os.environ["SIM_KEY"] not in log, "the signing key is in the rulebook's output"
removed = "'secrets_removed': ['data.password', 'data.appPassword', 'data.authenticatorSecret']"
assert " ".join(log.split()).count(removed) == 2, "the printed mailbox.created events do not say which secrets were removed"

print("%d events delivered and received once each, in order: %s" % (len(delivered), ", ".join(names)))
print("warm-up enrolled for %d new mailboxes; alerts: %s" % (len(created), ", ".join(alerts)))
PYEOF
log "eda: end to end with ansible-rulebook passed"
