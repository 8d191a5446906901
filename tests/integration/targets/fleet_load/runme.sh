#!/usr/bin/env bash
# Fleet load at the API's own limit: 20 forks converge 20 domains x 10 DNS records plus the
# names and warm-up settings of one mailbox per domain, with the simulator limiting the key to
# 5 requests per second. The forks share one rate budget (module_utils/_pacing.py), so the
# simulator must log no HTTP 429 and never more than 5 requests in one second, every record and
# setting must be in /_sim/state, and a second run must only read. fleet.py does the setup and
# the checks. tests/utils/integration.sh writes the simulator's address to integration_config.yml.
set -euo pipefail

FORKS=20
config="$(cd ../.. && pwd)/integration_config.yml"
[[ -f "$config" ]] || { echo "no $config: run this target through tests/utils/integration.sh" >&2; exit 2; }
# A private budget folder, so that a budget file of another run cannot slow this one.
XDG_CACHE_HOME="$(mktemp -d)"
export XDG_CACHE_HOME
export FLEET_VARS="$XDG_CACHE_HOME/fleet-vars.json"
trap 'python fleet.py "$config" limit 0 || true; rm -rf "$XDG_CACHE_HOME"' EXIT

inventory="$XDG_CACHE_HOME/fleet.ini"
{
    echo "[fleet]"
    for i in $(seq -w 1 $FORKS); do
        echo "fleet-$i fleet_index=$((10#$i)) fleet_domain=fleet-load-$i.com"
    done
    echo "[fleet:vars]"
    echo "ansible_connection=local"
    echo "ansible_python_interpreter=$(command -v python)"
} >"$inventory"

python fleet.py "$config" setup $FORKS

# run RUN CHANGED: one run of the fleet; every host must end with changed=CHANGED and no failure.
run() {
    local started=$SECONDS log="$XDG_CACHE_HOME/$1.log" hosts
    ansible-playbook load.yml -i "$inventory" -f $FORKS -e "@$FLEET_VARS" "${ARGS[@]}" | tee "$log"
    hosts="$(grep -Ec "^fleet-[0-9]+ +: ok=[0-9]+ +changed=$2 +unreachable=0 +failed=0 " "$log" || true)"
    [[ "$hosts" == "$FORKS" ]] || { echo "$1: $hosts of $FORKS hosts ended with changed=$2 and no failure" >&2; exit 1; }
    python fleet.py "$config" check $FORKS "$1" $((SECONDS - started))
}
ARGS=(-e "@$config" "$@")  # "$@": ansible-test's -v options
run converge 2
run rerun 0
