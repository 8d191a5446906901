#!/usr/bin/env bash
# One test leg: the collection's sanity, unit and integration tests and the example playbooks
# on another ansible-core release than the developer virtualenv's (see tests/legs/README.md).
#
#   tests/utils/leg.sh RELEASE [sanity|units|integration|playbooks ...]   (default: all four)
#   tests/utils/leg.sh RELEASE venv                             only make the leg's virtualenv
#   tests/utils/leg.sh --list                                   the legs tests/legs/ defines
#
# The leg's virtualenv is .cache/legs/RELEASE/venv, made from the first interpreter of the
# "# python:" line of tests/legs/core-RELEASE.txt that exists on this machine. When none
# exists, the leg is skipped: the reason is printed and, when CMR_SKIP_FILE is set (make
# test sets it), written there so that the summary can name it. Exit status 0 in that case.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ "${1:-}" == --list ]]; then
    for file in "$ROOT"/tests/legs/core-*.txt; do
        name="$(basename "$file" .txt)"
        printf '%s\n' "${name#core-}"
    done
    exit 0
fi

release="${1:?usage: $0 RELEASE [sanity|units|integration|playbooks ...]}"
shift
steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(sanity units integration playbooks)
requirements="$ROOT/tests/legs/core-$release.txt"
[[ -f "$requirements" ]] || die "no test leg for ansible-core $release: $requirements does not exist"

skip() {
    log "SKIPPED ansible-core $release: $*"
    if [[ -n "${CMR_SKIP_FILE:-}" ]]; then
        printf '%s\n' "$*" >"$CMR_SKIP_FILE"
    fi
    exit 0
}

# The interpreter: the first of the "# python:" versions that this machine has.
read -r -a versions <<<"$(sed -n 's/^# python: *//p' "$requirements" | head -n 1)"
[[ ${#versions[@]} -gt 0 ]] || die "$requirements has no '# python: X.Y ...' line"
interpreter="" version=""
for candidate in "${versions[@]}"; do
    if interpreter="$(find_python "$candidate")"; then
        version="$candidate"
        break
    fi
done
[[ -n "$version" ]] || skip "no Python ${versions[*]} on PATH or under pyenv (ansible-core $release needs one of them)"
log "ansible-core $release leg: Python $version at $interpreter"

# The leg's virtualenv, rebuilt when its requirements or interpreter change.
leg_venv="$ROOT/.cache/legs/$release/venv"
stamp="$leg_venv/.requirements-installed"
want="$(cat "$requirements" "$ROOT/requirements.txt" <(printf '%s\n' "$interpreter") | sha256sum | cut -d' ' -f1)"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$want" ]]; then
    log "creating $leg_venv"
    rm -rf "$leg_venv"
    "$interpreter" -m venv "$leg_venv"
    "$leg_venv/bin/python" -m pip install --disable-pip-version-check --quiet -r "$requirements"
    printf '%s\n' "$want" >"$stamp"
fi
log "$("$leg_venv/bin/python" -c 'from ansible.release import __version__; print("ansible-core", __version__)')"
[[ "${steps[*]}" != venv ]] || exit 0

# The harness scripts run with the leg's virtualenv (its ansible-test, ansible-playbook and
# interpreter), hand --python $version to ansible-test, and let ansible-test install the unit
# and integration requirements into that virtualenv once instead of building one per run.
export CMR_VENV="$leg_venv"
export CMR_TEST_PYTHON="$version"
export CMR_RESULTS_DIR="$ROOT/tests/output/legs/$release"
export CMR_ANSIBLE_TEST_ORIGIN=1

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
# The integration targets a leg runs (tests/legs/README.md says why these): one name a line.
mapfile -t leg_targets < <(grep -v '^\s*#' "$ROOT/tests/legs/integration-targets.txt" | grep -v '^\s*$')
targets=${#leg_targets[@]}
failed=() report=()
for step in "${steps[@]}"; do
    case "$step" in
        sanity | units) command=("$ROOT/tests/utils/ansible-test.sh" "$step") ;;
        integration) command=("$ROOT/tests/utils/integration.sh" "${leg_targets[@]}") ;;
        # The example playbooks too: they template more than the targets do (numbers in
        # reports), which is where ansible-core releases differ most.
        playbooks) command=("$ROOT/tests/utils/playbooks.sh") ;;
        *) die "unknown step $step (sanity, units, integration or playbooks)" ;;
    esac
    log "ansible-core $release: $step"
    start=$SECONDS
    if "${command[@]}"; then result=passed; else result=FAILED; failed+=("$step"); fi
    label="$step"
    [[ "$step" != integration ]] || label="integration ($targets targets)"
    report+=("$(printf '%-26s %-7s %8s' "$label" "$result" "$(fmt_time $((SECONDS - start)))")")
done
core="$("$leg_venv/bin/python" -c 'from ansible.release import __version__; print(__version__)')"
printf '\n-------- ansible-core %s (Python %s) --------\n' "$core" "$version" >&2
printf '%s\n' "${report[@]}" >&2
# make test prints these lines under the leg in its summary.
if [[ -n "${CMR_STEPS_FILE:-}" ]]; then
    printf 'ansible-core %s on Python %s\n' "$core" "$version" >"$CMR_STEPS_FILE"
    printf '%s\n' "${report[@]}" >>"$CMR_STEPS_FILE"
fi
[[ ${#failed[@]} -eq 0 ]] || die "ansible-core $release: ${failed[*]} failed"
