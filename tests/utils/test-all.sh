#!/usr/bin/env bash
# `make test`: run every stage of the suite, even after a failure, printing the wall time
# of each stage and a summary at the end. Exits non-zero if any stage failed.
#
#   tests/utils/test-all.sh [STAGE ...]   (default: all stages, in the order below)
#
# Each stage is a make target, so `make <stage>` reruns one of them alone.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MAKE="${MAKE:-make}"

ALL_STAGES=(
    venv
    simulator-tests
    sanity
    units
    integration
    playbooks
    eda
    hostile
    lint
    changelog
    galaxy-import
    ee
    docs
    demo
    benchmark
)
stages=("$@")
[[ ${#stages[@]} -gt 0 ]] || stages=("${ALL_STAGES[@]}")

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

names=() results=() times=()  # parallel arrays
suite_start=$SECONDS
for stage in "${stages[@]}"; do
    printf '\n======== %s ========\n' "$stage"
    start=$SECONDS
    "$MAKE" --no-print-directory -C "$ROOT" "$stage" </dev/null
    rc=$?
    elapsed=$((SECONDS - start))
    if [[ $rc -eq 0 ]]; then result=passed; else result=FAILED; fi
    names+=("$stage") results+=("$result") times+=("$elapsed")
    printf -- '-------- %s %s in %s --------\n' "$stage" "$result" "$(fmt_time "$elapsed")"
done

failed=0
printf '\n======== summary ========\n'
for i in "${!names[@]}"; do
    result="${results[i]}"
    printf '%-16s %-7s %8s\n' "${names[i]}" "$result" "$(fmt_time "${times[i]}")"
    [[ "$result" == passed ]] || failed=$((failed + 1))
done
total=$((SECONDS - suite_start))
printf '%-16s %-7s %8s\n' total "" "$(fmt_time "$total")"
passed=$((${#names[@]} - failed))
# One plain closing line: stages, not individual tests.
printf 'stages: %d passed, %d failed\n' "$passed" "$failed"
[[ $failed -eq 0 ]]
