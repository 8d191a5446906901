#!/usr/bin/env bash
# `make benchmark` (docs/developer/DESIGN.md#proof): requests sent and wall time of the collection's modules
# against the same work written as plain ansible.builtin.uri tasks, in the same run.
#
#   tests/benchmark/run.sh [--paced-only]
#
# Builds and installs the collection as `make demo` does, then starts two simulators:
# one with the real API's pacing (5 requests/s rate limit, default async delay) and one
# without a rate limit (skipped with --paced-only). tests/benchmark/bench.py runs both
# variants (collection.yml, uri.yml) three times on each (converge, no change, one value
# changed), checks that both leave the same state, and writes build/benchmark/results.md
# (printed too), results.json and the playbook logs. Exits non-zero when a check fails.
source "$(dirname "${BASH_SOURCE[0]}")/../utils/lib.sh"
require_venv

paced_only=""
case "${1:-}" in
    "") ;;
    --paced-only) paced_only=1 ;;
    *) die "usage: $0 [--paced-only]" ;;
esac

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

set +e
"$PY" "$ROOT/tests/benchmark/bench.py" --out "$out" "${sims[@]}"
rc=$?
set -e
log "benchmark took $((SECONDS - start)) s (build and install included); results in ${out#"$ROOT"/}/results.md"
exit "$rc"
