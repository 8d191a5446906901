#!/usr/bin/env bash
# `make playbooks`: run the example playbooks end to end against a fresh simulator and check
# the result through the simulator's control API (/_sim/state):
#
#   onboard_customer -> the customer, its domains, DNS baseline and warmed-up mailboxes exist
#   renewals_report  -> after moving the clock 330 days, both domains are reported with prices
#   teardown_customer --check -> nothing is deleted; then for real -> the customer is gone;
#   teardown_customer again   -> changed=0
#
# The playbooks are run by their collection name (coldmailreseller.cmr.onboard_customer, ...)
# from a laid-out copy of the collection, as a user of the installed collection would.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv

layout_collection
# Fast simulator, as for the integration targets (docs/developer/DESIGN.md#proof).
start_simulator --rate-limit 0 --async-delay 0.05

export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_ROOT"
export ANSIBLE_HOME="$WORK/ansible-home"
export ANSIBLE_COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH=error
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export CMR_API_URL="$SIM_API_URL"
export CMR_API_KEY="$SIM_KEY"
export SIM_URL

run_playbook() {  # run_playbook NAME LOGFILE [ansible-playbook args...]
    local name="$1" logfile="$2"
    shift 2
    log "ansible-playbook $COLL_FQCN.$name $*"
    set +e
    (cd "$WORK" && ansible-playbook "$COLL_FQCN.$name" "$@") >"$logfile" 2>&1
    local rc=$?
    set -e
    # The recap (and the failure, if any) is what matters in CI logs.
    if [[ $rc -ne 0 ]]; then
        cat "$logfile" >&2
        die "$name failed (exit $rc)"
    fi
    sed -n '/^PLAY RECAP/,$p' "$logfile" >&2
}

check_state() {  # check_state PYTHON-ASSERTIONS: run them with `state` = GET /_sim/state
    "$PY" - "$1" <<'PYEOF'
import json, os, sys, urllib.request
state = json.load(urllib.request.urlopen(os.environ["SIM_URL"] + "/_sim/state"))
EMAIL = "ops@acme-outreach.example"
DOMAINS = {"acme-outreach.com", "acme-outreach.net"}
users = [u for u in state["users"] if u["email"] == EMAIL]
user_id = users[0]["userId"] if users else None
domains = [d for d in state["domains"] if d.get("userId") == user_id] if user_id else []
mailboxes = [m for m in state["mailboxes"] if m.get("userId") == user_id] if user_id else []
try:
    exec(sys.argv[1])
except AssertionError as exc:
    sys.exit("state check failed: %s" % exc)
PYEOF
}

make_workdir

# 1. Onboarding builds everything.
run_playbook onboard_customer "$WORK/onboard.log"
check_state '
assert len(users) == 1, "customer %s not found" % EMAIL
assert {d["domainName"] for d in domains} == DOMAINS, "domains: %s" % [d["domainName"] for d in domains]
assert all(d["status"] == "ACTIVE" for d in domains), "domains not ACTIVE: %s" % [(d["domainName"], d["status"]) for d in domains]
emails = sorted(m["email"] for m in mailboxes)
assert emails == sorted(["jane@acme-outreach.com", "john@acme-outreach.com", "jane@acme-outreach.net",
                         "sales@acme-outreach.net"]), "mailboxes: %s" % emails
assert all(m["status"] == "ACTIVE" for m in mailboxes), "mailboxes not ACTIVE"
assert all(m["warmupStatus"] in ("PENDING", "ACTIVE") for m in mailboxes), "warm-up: %s" % [m["warmupStatus"] for m in mailboxes]
for name in DOMAINS:
    records = [r for r in state["records"] if r.get("domain") == name]
    kinds = sorted((r["recordType"], r["host"]) for r in records)
    assert ("MX", "@") in kinds and ("TXT", "@") in kinds and ("TXT", "_dmarc") in kinds and ("CNAME", "track") in kinds, \
        "DNS baseline of %s: %s" % (name, kinds)
# 12 + 13 USD of domains, 4 mailboxes x 3 USD: the plan the playbook showed.
assert abs(state["wallet"] - (1000 - 37)) < 0.001, "wallet %s, expected 963" % state["wallet"]
'
grep -q 'total    37.00 USD' "$WORK/onboard.log" || die "onboard_customer did not show the order plan of 37.00 USD"
log "onboard_customer: customer, 2 domains, 4 mailboxes with warm-up, DNS baseline, 37.00 USD spent"

# 2. Renewals: move every date 330 days into the past, so both domains (1 year) are inside
# their 45-day renewal window.
"$PY" -c 'import os, urllib.request; urllib.request.urlopen(urllib.request.Request(
    os.environ["SIM_URL"] + "/_sim/clock", data=b"{\"advance_days\": 330}", method="POST",
    headers={"Content-Type": "application/json"}))'
run_playbook renewals_report "$WORK/renewals.log" -e renewals_report_file="$WORK/renewals.json"
"$PY" - "$WORK/renewals.json" <<'PYEOF' || die "renewals_report did not report the two domains"
import json, sys
report = json.load(open(sys.argv[1]))
names = sorted(d["name"] for d in report["domains"])
assert names == ["acme-outreach.com", "acme-outreach.net"], names
# Renewal prices of the simulator: .com 14.50, .net 15.50.
assert abs(report["total_renewal_cost"] - 30.0) < 0.001, report["total_renewal_cost"]
assert isinstance(report["wallet_balance"], float), report["wallet_balance"]
PYEOF
log "renewals_report: both domains, 30.00 USD, wallet balance reported"

# 3. Teardown: the preview deletes nothing; the real run removes everything; a rerun changes nothing.
run_playbook teardown_customer "$WORK/teardown-check.log" --check --diff
check_state '
assert len(users) == 1 and len(domains) == 2 and len(mailboxes) == 4, "check mode deleted something"
'
run_playbook teardown_customer "$WORK/teardown.log" -e teardown_confirm=true
check_state '
assert not users, "the customer still exists"
assert not [d for d in state["domains"] if d["domainName"] in DOMAINS], "domains left: %s" % [d["domainName"] for d in state["domains"]]
assert not [m for m in state["mailboxes"] if m["email"].endswith(tuple("@" + d for d in DOMAINS))], "mailboxes left"
'
run_playbook teardown_customer "$WORK/teardown-again.log" -e teardown_confirm=true
if sed -n '/^PLAY RECAP/,$p' "$WORK/teardown-again.log" | grep -Eq 'changed=[1-9]'; then
    die "the second teardown changed something"
fi
log "teardown_customer: preview deleted nothing; the customer, its domains and mailboxes are gone; rerun changed=0"
