#!/usr/bin/env bash
# playbooks/teardown_customer.yml end to end against the simulator: refused without
# confirmation, a check-mode preview that changes nothing, the teardown, and a rerun that
# changes nothing (and sends only reads). verify.yml also checks, through /_sim/requests, that
# check mode sent no write and that the real run went in the documented order. Runs the
# playbook as the collection playbook, as users do.
set -eux

vars=(-e @../../integration_config.yml)
playbook=coldmailreseller.cmr.teardown_customer
customer=(-e teardown_email=teardown@acme.example)

ansible-playbook setup.yml -i ../../inventory "${vars[@]}" "$@"

if ansible-playbook "$playbook" "${vars[@]}" "${customer[@]}" "$@"; then
    echo "the teardown ran without teardown_confirm=true" >&2
    exit 1
fi

ansible-playbook "$playbook" "${vars[@]}" "${customer[@]}" --check --diff "$@"
ansible-playbook verify.yml -i ../../inventory "${vars[@]}" -e expect=unchanged "$@"

ansible-playbook "$playbook" "${vars[@]}" "${customer[@]}" -e teardown_confirm=true "$@"
ansible-playbook verify.yml -i ../../inventory "${vars[@]}" -e expect=gone "$@"

ansible-playbook "$playbook" "${vars[@]}" "${customer[@]}" -e teardown_confirm=true "$@" | tee rerun.log
grep -Eq 'changed=0 .*failed=0' rerun.log
ansible-playbook verify.yml -i ../../inventory "${vars[@]}" -e expect=rerun "$@"
