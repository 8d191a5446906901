#!/usr/bin/env bash
# `make demo`: build and install the collection, start the simulator, run
# playbooks/demo.yml twice, and check that the second run changes nothing.
#
# The collection is installed into .cache/collections (ANSIBLE_COLLECTIONS_PATH), the same
# way a user would install it from Galaxy. The playbook gets the simulator's URL and key
# through CMR_API_URL / CMR_API_KEY, which every module honours; nothing else differs from
# a run against the real API.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv

playbook="$ROOT/playbooks/demo.yml"
[[ -f "$playbook" ]] || die "playbooks/demo.yml is missing"

tarball="$("$ROOT/tests/utils/build.sh")"
collections="$ROOT/.cache/collections"
rm -rf "$collections/ansible_collections/$COLL_NS/$COLL_NAME"
mkdir -p "$collections"
log "installing $(basename "$tarball") into $collections"
# Installing into a configured collections path keeps ansible-galaxy from warning about it.
ANSIBLE_COLLECTIONS_PATH="$collections" \
    ansible-galaxy collection install --force --offline -p "$collections" "$tarball" >&2

# The demo runs with the simulator's defaults (5 requests/s rate limit, like the real API).
start_simulator

export ANSIBLE_COLLECTIONS_PATH="$collections"
export ANSIBLE_COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH=error
export CMR_API_URL="$SIM_API_URL"
export CMR_API_KEY="$SIM_KEY"
export ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-0}"
# Localhost only: no inventory file needed, no "provided hosts list is empty" warning.
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
# The run's plan (coldmailreseller.cmr.plan) at the end of each run: what was applied, what it cost.
export ANSIBLE_CALLBACKS_ENABLED=coldmailreseller.cmr.plan

run_playbook() {  # run_playbook LABEL LOGFILE
    log "$1: ansible-playbook playbooks/demo.yml"
    set +e
    (cd "$ROOT" && ansible-playbook "$playbook") 2>&1 | tee "$2"
    local rc=${PIPESTATUS[0]}
    set -e
    [[ $rc -eq 0 ]] || die "$1 failed (exit $rc)"
}

make_workdir
run_playbook "first run" "$WORK/run1.log"
run_playbook "second run" "$WORK/run2.log"

# Every host line of the second PLAY RECAP must say changed=0.
recap="$(sed -n '/^PLAY RECAP/,$p' "$WORK/run2.log" | grep -E 'changed=[0-9]+' || true)"
[[ -n "$recap" ]] || die "no PLAY RECAP in the second run's output"
if grep -Eq 'changed=[1-9]' <<<"$recap"; then
    printf '%s\n' "$recap" >&2
    die "the second run changed something: the playbooks are not idempotent"
fi
grep -q '^No changes were made\.' "$WORK/run2.log" || die "the plan callback's summary of the second run is not empty"
log "second run: changed=0 — the demo is idempotent"
