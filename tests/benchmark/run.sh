#!/usr/bin/env bash
# `make benchmark` (docs/developer/DESIGN.md#proof): requests sent and wall time of the collection's modules
# against the same work written as plain ansible.builtin.uri tasks, in the same run.
#
#   tests/benchmark/run.sh [--paced-only] [--no-fleet]
#
# Builds and installs the collection as `make demo` does, then starts two simulators:
# one with the real API's pacing (5 requests/s rate limit, default async delay) and one
# without a rate limit (skipped with --paced-only). tests/benchmark/bench.py runs both
# variants (collection.yml, uri.yml) three times on each (converge, no change, one value
# changed), checks that both leave the same state, and writes build/benchmark/results.md
# (printed too), results.json and the playbook logs. Then tests/benchmark/fleet.py runs the
# fleet scenarios (onboarding 10 customers: collection vs uri; the DNS baseline of 50 domains with
# forks 10 against the API's floor; the cost of one task) on the paced simulator (skipped with
# --no-fleet) and writes build/benchmark/fleet.md and docs/performance.md. Exits non-zero when a
# check fails.
source "$(dirname "${BASH_SOURCE[0]}")/../utils/lib.sh"
require_venv

paced_only="" no_fleet=""
for arg in "$@"; do
    case "$arg" in
        --paced-only) paced_only=1 ;;
        --no-fleet) no_fleet=1 ;;
        *) die "usage: $0 [--paced-only] [--no-fleet]" ;;
    esac
done

start=$SECONDS
out="$ROOT/build/benchmark"
rm -rf "$out"
mkdir -p "$out"

tarball="$("$ROOT/tests/utils/build.sh")"
make_workdir
collections="$WORK/collections"
mkdir -p "$collections"
log "installing $(basename "$tarball") into $collections"
ANSIBLE_COLLECTIONS_PATH="$collections" \
    ansible-galaxy collection install --force --offline -p "$collections" "$tarball" >&2

sims=()
start_simulator  # the defaults: --rate-limit 5 (the real API's limit), --async-delay 0.2
PACED_URL="$SIM_URL"
sims+=(--sim "rate limit 5/s (as the real API), async delay 0.2 s=$SIM_URL")
if [[ -z "$paced_only" ]]; then
    start_simulator --rate-limit 0
    sims+=(--sim "no rate limit, async delay 0.2 s=$SIM_URL")
fi

export ANSIBLE_COLLECTIONS_PATH="$collections"
export ANSIBLE_COLLECTIONS_ON_ANSIBLE_VERSION_MISMATCH=error
export ANSIBLE_HOME="$WORK/ansible-home"
export ANSIBLE_LOCALHOST_WARNING=false
export ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export CMR_API_KEY="$SIM_KEY"

# The fleet scenarios share one rate budget per key through the user's cache folder: use a
# folder of this run, so that no budget of another run on this machine slows them.
export XDG_CACHE_HOME="$WORK/cache"
set +e
"$PY" "$ROOT/tests/benchmark/bench.py" --out "$out" "${sims[@]}"
rc=$?
if [[ -z "$no_fleet" ]]; then
    # The fleet benchmark (tests/benchmark/fleet.py) on the simulator with the API's limit;
    # with the single-domain results above it rewrites docs/performance.md when every check passes.
    "$PY" "$ROOT/tests/benchmark/fleet.py" --out "$out" --sim "$PACED_URL" --docs "$ROOT/docs/performance.md"
    fleet_rc=$?
    [[ $rc -ne 0 ]] || rc=$fleet_rc
fi
set -e
log "benchmark took $((SECONDS - start)) s (build and install included); results in ${out#"$ROOT"/}/results.md"
exit "$rc"
