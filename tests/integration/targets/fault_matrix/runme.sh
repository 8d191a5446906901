#!/usr/bin/env bash
# The fault matrix (matrix.py): for each kind of fault, every resource module's write runs at
# once (one host per module, -f 7) with that fault on its write path; matrix.py checks the
# outcome of each against the simulator's state, request log and error reports.
# tests/utils/integration.sh writes the simulator's address to integration_config.yml.
set -euo pipefail

config="$(cd ../.. && pwd)/integration_config.yml"
[[ -f "$config" ]] || { echo "no $config: run this target through tests/utils/integration.sh" >&2; exit 2; }
work="$(mktemp -d)"
export XDG_CACHE_HOME="$work/cache"  # a rate budget of this run only
trap 'rm -rf "$work"' EXIT

for kind in $(python matrix.py "$config" kinds); do
    mkdir -p "$work/$kind"
    python matrix.py "$config" setup "$kind" "$work/$kind"
    ansible-playbook matrix.yml -i "$work/$kind/inventory.json" -f 7 "$@" >"$work/$kind/run.log" ||
        { cat "$work/$kind/run.log"; exit 1; }
    python matrix.py "$config" check "$kind" "$work/$kind" || { cat "$work/$kind/run.log"; exit 1; }
    cp "$work/$kind/figures-$kind.json" "$work/"
done
python matrix.py "$config" summary "$work"
