#!/usr/bin/env bash
# Run the integration targets (tests/integration/targets/<module>/) with ansible-test
# against a fresh simulator on a free loopback port.
#
#   tests/utils/integration.sh [extra ansible-test args, e.g. a target name]
#
# The targets read cmr_api_url, cmr_api_key, cmr_sim_url (and cmr_figures_dir: where fleet_load and
# fault_matrix write their figures, copied back to tests/output/data/reliability/) from
# tests/integration/integration_config.yml, which this script writes in the laid-out tree.
# They run one after the other; each resets the simulator through /_sim/reset first.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv

targets_dir="$ROOT/tests/integration/targets"
if ! compgen -G "$targets_dir/*/aliases" >/dev/null; then
    log "no integration targets in tests/integration/targets/: nothing to run"
    exit 0
fi

# --shard I/N: run only the I-th of N equal slices of the targets (sorted by name, setup roles
# left out), so `make test` can run the slices at the same time, each with its own simulator.
if [[ "${1:-}" == --shard ]]; then
    shard="${2:?--shard needs I/N}"
    shift 2
    index="${shard%/*}" count="${shard#*/}"
    selected=() position=0
    for aliases in "$targets_dir"/*/aliases; do
        grep -qx hidden "$aliases" && continue
        position=$((position + 1))
        (( (position - 1) % count == index - 1 )) && selected+=("$(basename "$(dirname "$aliases")")")
    done
    set -- "$@" "${selected[@]}"
    log "integration slice $shard: ${selected[*]}"
fi

ensure_get_pip
layout_collection
# Fast simulator (docs/developer/DESIGN.md#proof): no rate limit, short async delay. Targets that test the rate
# limit or slow operations configure faults through the control API.
start_simulator --rate-limit 0 --async-delay 0.05

cat >"$COLL_DIR/tests/integration/integration_config.yml" <<YAML
---
cmr_api_url: $SIM_API_URL
cmr_api_key: $SIM_KEY
cmr_sim_url: $SIM_URL
cmr_figures_dir: $COLL_DIR/tests/output/data/reliability
YAML

cd "$COLL_DIR" || exit 1
set +e
# --venv: a fresh virtualenv with ansible-core's requirements and
# tests/integration/requirements.txt runs both ansible-playbook and the modules (a test leg
# uses its own virtualenv instead, see lib.sh).
ansible-test integration --python "$TEST_PYTHON" "${ANSIBLE_TEST_ENV[@]}" --color no "$@"
rc=$?
set -e
copy_results
if [[ $rc -ne 0 ]]; then
    log "simulator log (last 50 lines):"
    tail -n 50 "$SIM_LOG" >&2 || true
fi
exit "$rc"
