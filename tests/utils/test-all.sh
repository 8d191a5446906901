#!/usr/bin/env bash
# `make test`: run every stage of the suite, even after a failure, printing the wall time
# of each stage and a summary at the end. Exits non-zero if any stage failed.
#
#   tests/utils/test-all.sh [STAGE ...]   (default: all stages, in the order below)
#
# Each stage is a make target, so `make <stage>` reruns one of them alone. STAGE may join
# stages with "+" (core-2.16+core-2.21): they run at the same time, each writing to its own
# log, which is printed when all of them have ended; each one's time runs from the start of
# the group to its own end. A test leg also writes its steps and their times to
# $CMR_STEPS_FILE; the summary lists them under the leg. A stage may skip itself (a test leg whose
# interpreter this machine lacks): it writes the reason to $CMR_SKIP_FILE and succeeds; the
# summary shows it as skipped, with the reason.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MAKE="${MAKE:-make}"

# sanity, units, integration (in two slices) and playbooks run on the developer virtualenv's
# ansible-core (2.19); the core-* stages are the other test legs (tests/legs/), each running
# sanity, units, the ansible-core-sensitive integration targets (tests/legs/integration-targets.txt)
# and the example playbooks on its own ansible-core. The 2.19 integration slices and playbooks and
# the three legs run at the same time: an integration run uses about one core and otherwise waits
# (on the simulator's asynchronous operations and on the client's pacing), so they share the
# 2 cores of a CI machine far better than they would run one after the other.
ALL_STAGES=(
    venv
    simulator-tests
    sanity
    units
    integration-1+integration-2+playbooks+core-2.16+core-2.18+core-2.21
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
    CMR_SKIP_FILE="$status_dir/$stage.skip" CMR_STEPS_FILE="$status_dir/$stage.steps" \
        "$MAKE" --no-print-directory -C "$ROOT" "$stage" </dev/null
    record "$stage" $? $((SECONDS - start))
}

run_together() {  # run_together STAGE...: at the same time, output buffered per stage
    local stage pids=() start=$SECONDS i
    printf '\n======== %s (at the same time) ========\n' "$*"
    for stage in "$@"; do
        # Each stage notes its own exit status and end time (waiting in order would not).
        (
            CMR_SKIP_FILE="$status_dir/$stage.skip" CMR_STEPS_FILE="$status_dir/$stage.steps" \
                "$MAKE" --no-print-directory -C "$ROOT" "$stage" </dev/null >"$status_dir/$stage.log" 2>&1
            printf '%s %s\n' "$?" "$SECONDS" >"$status_dir/$stage.end"
        ) &
        pids+=($!)
    done
    wait "${pids[@]}"
    local rc end
    for stage in "$@"; do
        printf '\n======== %s ========\n' "$stage"
        cat "$status_dir/$stage.log"
        read -r rc end <"$status_dir/$stage.end" || { rc=1 end=$SECONDS; }
        record "$stage" "$rc" $((end - start))
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
        sanity | units | integration | integration-[12] | playbooks) name="$name (core $core)" ;;
        core-*) name="${name/core-/ansible-core } leg" ;;
    esac
    line="$(printf '%-42s %-7s %8s' "$name" "${results[i]}" "$(fmt_time "${times[i]}")")"
    [[ -z "${notes[i]}" ]] || line+="  ${notes[i]}"
    printf '%s\n' "$line"
    # A test leg's own steps (tests/utils/leg.sh writes them), indented under it.
    if [[ -s "$status_dir/${names[i]}.steps" ]]; then
        sed 's/^/    /' "$status_dir/${names[i]}.steps"
    fi
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
