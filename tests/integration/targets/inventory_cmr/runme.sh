#!/usr/bin/env bash
# The coldmailreseller.cmr.cmr inventory plugin against the simulator, through the real
# ansible-inventory and ansible-playbook: the groups of --graph, the host variables,
# compose/groups/keyed_groups/filters, the cache (a second load sends no request), the
# templated key, the `users` option, a failure without secrets, and the documented DNS
# baseline over every ACTIVE domain with forks. check.py holds the assertions.
set -eux

python="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
check() { "$python" check.py "$work" "$@"; }

ansible-playbook setup.yml -i ../../inventory -e @../../integration_config.yml -e work="$work" "$@"
# shellcheck disable=SC1091
source "$work/sim.env"
export ANSIBLE_INVENTORY_UNPARSED_FAILED=true  # a source the plugin cannot read fails the command
export ANSIBLE_INVENTORY_ENABLED=coldmailreseller.cmr.cmr

# Every domain, with compose, groups, keyed_groups and a jsonfile cache.
cat >"$work/domains.cmr.yml" <<YAML
plugin: coldmailreseller.cmr.cmr
compose:
  renewal_owner: cmr_owner | upper
groups:
  acme_com_domains: inventory_hostname.endswith('.com') and cmr_owner_company == 'Acme Inc.'
keyed_groups:
  - key: cmr_expiry_date[:4]
    prefix: expires
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: $work/cache
cache_timeout: 600
YAML

# 1. --graph shows the expected groups and hosts; the first load reads CMR (users, then the
# domains of each customer) and fills the cache.
check clear-requests
ansible-inventory -i "$work/domains.cmr.yml" --graph | tee "$work/graph.txt"
check graph "$work/graph.txt"
check requests 3 "GET /users/list" "GET /domains/by-user" "GET /domains/by-user"

# 2. A second load comes from the cache: no request at all, the same inventory.
ansible-inventory -i "$work/domains.cmr.yml" --list >"$work/domains.json"
check requests 0
check domains "$work/domains.json"
check no-secrets "$work/domains.json" "$work/cache"

# 3. --flush-cache reads CMR again (ansible-inventory has the option from ansible-core 2.17 on;
# on 2.16 the cache files are removed instead).
if ansible-inventory --help | grep -q -- --flush-cache; then
    ansible-inventory -i "$work/domains.cmr.yml" --list --flush-cache >"$work/flushed.json"
else
    rm -rf "$work/cache"
    ansible-inventory -i "$work/domains.cmr.yml" --list >"$work/flushed.json"
fi
check requests 3 "GET /users/list" "GET /domains/by-user" "GET /domains/by-user"
check same "$work/domains.json" "$work/flushed.json"

# 4. Mailboxes of one customer only (the `users` option saves the other customer's requests),
# the key from a template, with CMR_API_KEY unset.
cat >"$work/mailboxes.cmr.yml" <<'YAML'
plugin: coldmailreseller.cmr.cmr
host_type: mailboxes
api_key: "{{ lookup('ansible.builtin.env', 'OTHER_KEY_VARIABLE') }}"
users:
  - OPS@acme.example
keyed_groups:
  - key: cmr_domain
    prefix: domain
YAML
check clear-requests
key="$CMR_API_KEY"
OTHER_KEY_VARIABLE="$key" CMR_API_KEY='' ansible-inventory -i "$work/mailboxes.cmr.yml" --list >"$work/mailboxes.json"
check requests 2 "GET /users/list" "GET /mailboxes/single"
check mailboxes "$work/mailboxes.json"
check no-secrets "$work/mailboxes.json"

# 5. Customers as hosts.
printf 'plugin: coldmailreseller.cmr.cmr\nhost_type: users\n' >"$work/users.cmr.yml"
ansible-inventory -i "$work/users.cmr.yml" --list >"$work/users.json"
check users "$work/users.json"
check no-secrets "$work/users.json"

# 6. filters: ACTIVE domains only.
cat >"$work/active.cmr.yml" <<'YAML'
plugin: coldmailreseller.cmr.cmr
filters:
  - include: cmr_status == 'ACTIVE'
  - exclude: true
YAML
ansible-inventory -i "$work/active.cmr.yml" --list >"$work/active.json"
check active "$work/active.json"

# 7. A wrong key fails in one line that names the cause and holds no key.
if CMR_API_KEY=wrong-key-0123456789abcdef ansible-inventory -i "$work/users.cmr.yml" --list >"$work/bad.out" 2>&1; then
    echo "ansible-inventory succeeded with a wrong key" >&2
    exit 1
fi
cat "$work/bad.out"
grep -q 'CMR rejected the API key (HTTP 401' "$work/bad.out"
if grep -q 'wrong-key-0123456789abcdef\|Traceback' "$work/bad.out"; then
    echo "the failure shows the key or a traceback" >&2
    exit 1
fi

# 8. The documented DNS baseline over every ACTIVE domain, four at a time; a rerun changes nothing.
ansible-playbook -i "$work/domains.cmr.yml" coldmailreseller.cmr.dns_baseline_inventory --forks 4 "$@" | tee "$work/baseline.log"
check baseline "$work/baseline.log"
ansible-playbook -i "$work/domains.cmr.yml" coldmailreseller.cmr.dns_baseline_inventory --forks 4 "$@" | tee "$work/baseline2.log"
grep -Eq 'changed=0 ' "$work/baseline2.log"
if grep -Eq 'changed=[1-9]|failed=[1-9]' "$work/baseline2.log"; then
    echo "the second DNS baseline run changed something" >&2
    exit 1
fi
