#!/usr/bin/env bash
# playbooks/verify_api.yml (the read-only probe) against the simulator in every reading of the
# docs it serves: the default reading holds everywhere; each variant makes exactly its rows
# differ; no run sends a write or an error report (check.py reads the request log).
set -eux

vars=(-e @../../integration_config.yml)
ANSIBLE_ROLES_PATH="$(cd .. && pwd)"  # setup.yml uses the setup_cmr_domain target as a role
export ANSIBLE_ROLES_PATH
out="$PWD/reports"
rm -rf "$out" ids.yml
mkdir -p "$out"

ansible-playbook setup.yml -i ../../inventory "${vars[@]}" "$@"

for reading in default lists-wrapped lists-bare lists-items auto-renew-post recreate-short-path has-workspace-single-only wallet-absent; do
    python check.py reading "$reading"
    ansible-playbook coldmailreseller.cmr.verify_api "${vars[@]}" -e @ids.yml -e cmr_verify_file="$out/$reading.json" "$@" | tee run.log
    grep -q 'report written to' run.log
    python check.py report "$reading" "$out/$reading.json"
done
python check.py reading default
