#!/usr/bin/env bash
# playbooks/export_estate.yml end to end: seed the simulator with an estate made only through
# the API (setup.yml), export it, then feed every generated file to the shipped playbooks in
# check mode and for real. The contract: every task changed=false, the request log shows no
# write, the state is untouched, and the files hold no secret (verify.yml). Also: the customer
# limit (by e-mail, any letter case) gives the same files, an unknown customer fails having
# written nothing, and a dns_purge: true export also plans no change.
set -eux

vars=(-e @../../integration_config.yml)
inventory=(-i ../../inventory)
out="$PWD/estate"
rm -rf "$out" "$PWD/limited" "$PWD/purge" "$PWD/none" "$PWD/logs"

ansible-playbook setup.yml "${inventory[@]}" "${vars[@]}" "$@"

ansible-playbook coldmailreseller.cmr.export_estate "${vars[@]}" -e cmr_export_dir="$out" "$@"
ansible-playbook verify.yml "${inventory[@]}" "${vars[@]}" -e expect=export -e export_dir="$out" "$@"

# Every task of every run must report changed=false: the recap says changed=0.
recap_unchanged() {  # recap_unchanged LOGFILE
    grep -Eq 'localhost +: ok=[0-9]+ +changed=0 +unreachable=0 +failed=0' "$1"
}

no_change() {  # no_change PLAYBOOK ARGS...
    ansible-playbook "$@" | tee run.log
    recap_unchanged run.log
}

# onboard_customer with every generated file, the customers side by side (one process each, as
# separate CI jobs would run them), then every log is shown and checked.
onboard_everyone() {  # onboard_everyone ARGS...
    local file pids=() failed=0
    mkdir -p logs
    for file in "$out"/*.yml; do
        ansible-playbook coldmailreseller.cmr.onboard_customer "${vars[@]}" -e @"$file" "$@" >"logs/$(basename "$file").log" 2>&1 &
        pids+=("$!")
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || failed=1
    done
    for file in "$out"/*.yml; do
        cat "logs/$(basename "$file").log"
        recap_unchanged "logs/$(basename "$file").log" || failed=1
    done
    return "$failed"
}

onboard_everyone --check --diff "$@"
ansible-playbook verify.yml "${inventory[@]}" "${vars[@]}" -e expect=unchanged "$@"

onboard_everyone --diff "$@"
ansible-playbook verify.yml "${inventory[@]}" "${vars[@]}" -e expect=unchanged "$@"

# Some customers only, one named by e-mail address in another letter case, one by user ID: the
# same two files.
gamma_id="$(python -c 'import json; print([u["userId"] for u in json.load(open("state-before.json"))["users"] if u["email"] == "gamma@estate.example"][0])')"
ansible-playbook coldmailreseller.cmr.export_estate "${vars[@]}" -e cmr_export_dir="$PWD/limited" \
    -e "cmr_export_customers='BETA@estate.example, $gamma_id'" "$@"
[[ "$(cd limited && ls)" == "$(printf 'beta@estate.example.yml\ngamma@estate.example.yml')" ]]
cmp limited/beta@estate.example.yml "$out/beta@estate.example.yml"
cmp limited/gamma@estate.example.yml "$out/gamma@estate.example.yml"

# An unknown customer stops the export before anything is written.
if ansible-playbook coldmailreseller.cmr.export_estate "${vars[@]}" -e cmr_export_dir="$PWD/none" \
    -e '{"cmr_export_customers": ["nobody@estate.example"]}' "$@"; then
    echo "the export of an unknown customer did not fail" >&2
    exit 1
fi
[[ ! -e none ]]

# dns_purge: true makes each record list authoritative; the complete lists still change nothing.
ansible-playbook coldmailreseller.cmr.export_estate "${vars[@]}" -e cmr_export_dir="$PWD/purge" \
    -e cmr_export_dns_purge=true -e cmr_export_customers=alpha@estate.example "$@"
grep -q '^dns_purge: true$' purge/alpha@estate.example.yml
no_change coldmailreseller.cmr.dns_baseline "${vars[@]}" -e @purge/alpha@estate.example.yml --diff "$@"
ansible-playbook verify.yml "${inventory[@]}" "${vars[@]}" -e expect=unchanged "$@"
