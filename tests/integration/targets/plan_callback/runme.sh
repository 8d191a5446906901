#!/usr/bin/env bash
# The coldmailreseller.cmr.plan callback over a whole onboarding play: the check-mode plan
# (counts, lines, cost) equals what the real run then did (the simulator's state and wallet
# debit); a rerun prints an empty plan; a run that fails half-way lists the failed task; a
# check-mode run after a change made outside Ansible lists that drift. Every plan file is
# validated against docs/plan-file.schema.json and searched for secrets (check.py).
set -eux

vars=(-e @../../integration_config.yml)
export ANSIBLE_CALLBACKS_ENABLED=coldmailreseller.cmr.plan
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

ansible-playbook setup.yml -i ../../inventory "${vars[@]}" "$@"
python check.py state "$out/before.json"

CMR_PLAN_FILE="$out/plan.json" ansible-playbook onboard.yml -i ../../inventory "${vars[@]}" --check "$@" | tee "$out/plan.log"
grep -q 'CMR PLAN - what a real run would do' "$out/plan.log"
grep -q 'Plan: 3 to create, 3 to purchase, 2 to update, 0 to renew, 0 to delete.' "$out/plan.log"
grep -q 'Resources: dns_record 3, domain 1, mailbox 3, user 1.' "$out/plan.log"
python check.py state "$out/after-check.json"
cmp "$out/before.json" "$out/after-check.json"  # the plan changed nothing

# Through the ini option this time (ANSIBLE_CONFIG), to exercise both ways of setting plan_file.
printf '[callback_cmr_plan]\nplan_file = %s\n' "$out/apply.json" >"$out/ansible.cfg"
ANSIBLE_CONFIG="$out/ansible.cfg" ansible-playbook onboard.yml -i ../../inventory "${vars[@]}" "$@" | tee "$out/apply.log"
grep -q 'CMR APPLY - what this run changed' "$out/apply.log"
grep -q 'Applied: 3 created, 3 purchased, 2 updated, 0 renewed, 0 deleted.' "$out/apply.log"
python check.py state "$out/after.json"
python check.py applied "$out/plan.json" "$out/apply.json" "$out/before.json" "$out/after.json"

CMR_PLAN_FILE="$out/rerun.json" ansible-playbook onboard.yml -i ../../inventory "${vars[@]}" "$@" | tee "$out/rerun.log"
grep -q 'No changes were made.' "$out/rerun.log"
grep -q 'Spent: 0.00 USD.' "$out/rerun.log"
python check.py empty "$out/rerun.json"

if CMR_PLAN_FILE="$out/failed.json" ansible-playbook fail.yml -i ../../inventory "${vars[@]}" "$@" >"$out/failed.log"; then
    echo "fail.yml did not fail" >&2
    exit 1
fi
cat "$out/failed.log"
grep -q 'Failed tasks (a partial apply):' "$out/failed.log"
grep -q 'localhost | A mailbox nobody confirmed: ' "$out/failed.log"
python check.py failed "$out/failed.json"

ansible-playbook drift.yml -i ../../inventory "${vars[@]}" "$@"
CMR_PLAN_FILE="$out/drift.json" ansible-playbook onboard.yml -i ../../inventory "${vars[@]}" --check "$@" | tee "$out/drift.log"
grep -q 'Plan: 1 to create, 0 to purchase, 0 to update, 0 to renew, 0 to delete.' "$out/drift.log"
python check.py drift "$out/drift.json"
