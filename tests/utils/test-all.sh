#!/usr/bin/env bash
# `make test`: run every stage of the suite, even after a failure, printing the wall time
# of each stage and a summary at the end. Exits non-zero if any stage failed.
#
#   tests/utils/test-all.sh [STAGE ...]   (default: all stages, in the order below)
#
# Each stage is a make target, so `make <stage>` reruns one of them alone. STAGE may join
# stages with "+" (core-2.16+core-2.21): they run at the same time, each writing to its own
# log, which is printed when all of them have ended. A stage may skip itself (a test leg whose
# interpreter this machine lacks): it writes the reason to $CMR_SKIP_FILE and succeeds; the
# summary shows it as skipped, with the reason.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MAKE="${MAKE:-make}"

# sanity, units and integration run on the developer virtualenv's ansible-core (2.19); the
# core-* stages are the other test legs (tests/legs/). The long stages run two at a time: much
# of an integration run waits on the simulator, so two of them share the 2 cores of a CI machine.
ALL_STAGES=(
    venv
    simulator-tests
    sanity
    units
    integration+core-2.18
    core-2.16+core-2.21
    playbooks
    runner
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

status_dir="$(mktemp -d "${TMPDIR:-/tmp}/cmr-test-all.XXXXXX")"
trap 'rm -rf "$status_dir"' EXIT

names=() results=() times=() notes=()  # parallel arrays

# record STAGE RC SECONDS: one summary entry; a stage that wrote a skip reason is "skipped".
record() {
    local stage="$1" rc="$2" elapsed="$3" result note=""
    if [[ $rc -ne 0 ]]; then
        result=FAILED
    elif [[ -s "$status_dir/$stage.skip" ]]; then
        result=skipped
        note="$(head -n 1 "$status_dir/$stage.skip")"
    else
        result=passed
    fi
    names+=("$stage") results+=("$result") times+=("$elapsed") notes+=("$note")
    printf -- '-------- %s %s in %s --------\n' "$stage" "$result" "$(fmt_time "$elapsed")"
}

run_stage() {  # run_stage STAGE: in the foreground, output to the terminal
    local stage="$1" start=$SECONDS
    printf '\n======== %s ========\n' "$stage"
    CMR_SKIP_FILE="$status_dir/$stage.skip" "$MAKE" --no-print-directory -C "$ROOT" "$stage" </dev/null
    record "$stage" $? $((SECONDS - start))
}

run_together() {  # run_together STAGE...: at the same time, output buffered per stage
    local stage pids=() starts=() i
    printf '\n======== %s (at the same time) ========\n' "$*"
    for stage in "$@"; do
        starts+=("$SECONDS")
        CMR_SKIP_FILE="$status_dir/$stage.skip" "$MAKE" --no-print-directory -C "$ROOT" "$stage" \
            </dev/null >"$status_dir/$stage.log" 2>&1 &
        pids+=($!)
    done
    local stages=("$@") rcs=() ends=()
    for i in "${!pids[@]}"; do
        wait "${pids[i]}"
        rcs+=($?) ends+=("$SECONDS")
    done
    for i in "${!stages[@]}"; do
        printf '\n======== %s ========\n' "${stages[i]}"
        cat "$status_dir/${stages[i]}.log"
        record "${stages[i]}" "${rcs[i]}" $((ends[i] - starts[i]))
    done
}

suite_start=$SECONDS
for entry in "${stages[@]}"; do
    if [[ "$entry" == *+* ]]; then
        IFS=+ read -r -a together <<<"$entry"
        run_together "${together[@]}"
    else
        run_stage "$entry"
    fi
done

# The ansible-core of the developer virtualenv, which the sanity/units/integration stages use.
core="$("$ROOT/${CMR_VENV:-.venv}/bin/python" -c 'from ansible.release import __version__; print(__version__)' 2>/dev/null || echo '?')"
failed=0 skipped=0
printf '\n======== summary ========\n'
for i in "${!names[@]}"; do
    name="${names[i]}"
    case "$name" in
        sanity | units | integration) name="$name (core $core)" ;;
        core-*) name="${name/core-/ansible-core } (4 steps)" ;;
    esac
    line="$(printf '%-42s %-7s %8s' "$name" "${results[i]}" "$(fmt_time "${times[i]}")")"
    [[ -z "${notes[i]}" ]] || line+="  ${notes[i]}"
    printf '%s\n' "$line"
    case "${results[i]}" in
        passed) ;;
        skipped) skipped=$((skipped + 1)) ;;
        *) failed=$((failed + 1)) ;;
    esac
done
total=$((SECONDS - suite_start))
printf '%-42s %-7s %8s\n' total "" "$(fmt_time "$total")"
passed=$((${#names[@]} - failed - skipped))
# One plain closing line: stages, not individual tests.
printf 'stages: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
[[ $failed -eq 0 ]]
