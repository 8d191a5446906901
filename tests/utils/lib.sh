# shellcheck shell=bash
# shellcheck disable=SC2034  # the variables set here are used by the scripts that source this file
# Shared helpers for the harness scripts in tests/utils/. Source it; do not run it.
#
#   ROOT        the repository (collection source) root
#   VENV        the developer virtualenv (.venv made by `make venv`, or $CMR_VENV)
#   PY          its python
#   COLL_NS / COLL_NAME / COLL_FQCN   the collection's identity
#
# Set CMR_KEEP_WORKDIR=1 to keep the temporary folder (laid-out collection, simulator log)
# for inspection after a run.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${CMR_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
# The Python version ansible-test runs the tests with (--python); test legs (tests/legs/) set
# CMR_TEST_PYTHON together with CMR_VENV.
TEST_PYTHON="${CMR_TEST_PYTHON:-3.11}"
# Where ansible-test runs units and integration: by default a fresh virtualenv per run
# (--venv), which also proves tests/*/requirements.txt complete. A test leg sets
# CMR_ANSIBLE_TEST_ORIGIN=1: its own long-lived virtualenv gets the requirements once
# (--requirements) and every later run skips building a virtualenv.
if [[ "${CMR_ANSIBLE_TEST_ORIGIN:-0}" == 1 ]]; then
    ANSIBLE_TEST_ENV=(--requirements)
else
    ANSIBLE_TEST_ENV=(--venv)
fi
COLL_NS=coldmailreseller
COLL_NAME=cmr
COLL_FQCN="$COLL_NS.$COLL_NAME"
# Where ansible-test and friends find the venv's tools (ansible-test runs `python3.11`).
export PATH="$VENV/bin:$PATH"
# No prompts, no colour codes in CI logs.
export ANSIBLE_NOCOLOR="${ANSIBLE_NOCOLOR:-1}"
export PY_COLORS="${PY_COLORS:-0}"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

require_venv() {
    [[ -x "$PY" ]] || die "no virtualenv at $VENV: run 'make venv' first"
}

# Temporary work folder removed on exit (callers may add their own cleanup to on_exit()).
WORK=""
_cleanups=()
add_cleanup() { _cleanups+=("$*"); }
_run_cleanups() {
    local rc=$? i
    for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
        eval "${_cleanups[i]}" || true
    done
    exit "$rc"
}
trap _run_cleanups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

make_workdir() {
    if [[ -z "$WORK" ]]; then
        WORK="$(mktemp -d "${TMPDIR:-/tmp}/cmr-harness.XXXXXX")"
        if [[ -z "${CMR_KEEP_WORKDIR:-}" ]]; then
            add_cleanup "rm -rf '$WORK'"
        else
            log "keeping work folder $WORK"
        fi
    fi
}

# layout_collection: copy the collection (tracked + untracked-not-ignored files) to
# $WORK/ansible_collections/coldmailreseller/cmr and make that a git work tree, which is
# what ansible-test needs. Sets COLL_DIR and COLLECTIONS_ROOT ($WORK, the folder holding
# ansible_collections/).
layout_collection() {
    make_workdir
    COLLECTIONS_ROOT="$WORK"
    COLL_DIR="$WORK/ansible_collections/$COLL_NS/$COLL_NAME"
    mkdir -p "$COLL_DIR"
    log "laying out the collection in $COLL_DIR"
    if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        # Files deleted in the work tree but still in the index are skipped.
        (cd "$ROOT" && git ls-files -z -co --exclude-standard) |
            (cd "$ROOT" && while IFS= read -r -d '' f; do [[ -e "$f" || -L "$f" ]] && printf '%s\0' "$f"; done) |
            (cd "$ROOT" && xargs -0 -r cp --parents -P -t "$COLL_DIR")
    else
        # Not a git checkout (e.g. an unpacked tarball): copy everything but local state.
        tar -C "$ROOT" --exclude=./.git --exclude=./.venv --exclude=./.cache --exclude=./.ansible \
            --exclude=./tests/output --exclude=./build --exclude='*.pyc' --exclude=__pycache__ -cf - . |
            tar -C "$COLL_DIR" -xf -
    fi
    (
        cd "$COLL_DIR"
        git init -q
        git add -A
    )
}

# copy_results NAME: copy ansible-test's results (junit, bot, coverage, data) from the
# laid-out tree back to $ROOT/tests/output/ (a leg: $CMR_RESULTS_DIR) for inspection, without its temporary venvs.
copy_results() {
    local src="$COLL_DIR/tests/output" dest="${CMR_RESULTS_DIR:-$ROOT/tests/output}"
    [[ -d "$src" ]] || return 0
    mkdir -p "$dest"
    (cd "$src" && tar --exclude=./.tmp -cf - .) | (cd "$dest" && tar -xf -) || true
}

# ensure_get_pip: ansible-test bootstraps pip in every virtualenv it creates with a get-pip
# script it downloads from a host that may be unreachable; it uses
# ~/.ansible/test/cache/get_pip_<maj>_<min>.py when that file exists. When it is missing,
# install a small stand-in (ensurepip + pip install of the requested pip) there. Machines
# that already have the real file, or that download it, are unaffected... unless the stand-in
# was installed earlier, which does the same job. The pip version is the one the ansible-test
# of $VENV asks for on $TEST_PYTHON, so every leg (tests/legs/) gets the file it needs.
ensure_get_pip() {
    local version cache
    version="$("$PY" - "$TEST_PYTHON" <<'PYEOF'
import sys, types
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(types.SimpleNamespace(version=sys.argv[1]))["pip"])
PYEOF
)" || die "cannot find the pip version ansible-test bootstraps"
    cache="$HOME/.ansible/test/cache/get_pip_${version//./_}.py"
    if [[ ! -f "$cache" ]]; then
        log "installing get-pip stand-in for pip $version at $cache"
        mkdir -p "$(dirname "$cache")"
        cp "$ROOT/tests/utils/get_pip_standin.py" "$cache.tmp.$$"
        mv "$cache.tmp.$$" "$cache"
    fi
}

# find_python X.Y: print the path of a working CPython X.Y interpreter, or fail. Looks on
# PATH first, then under `pyenv root` (versions/X.Y.*, newest first). A pyenv shim on PATH
# only works when that version is active, so every candidate is run before it is accepted.
find_python() {
    local wanted="$1" candidate root
    local candidates=()
    candidate="$(command -v "python$wanted" 2>/dev/null || true)"
    [[ -n "$candidate" ]] && candidates+=("$candidate")
    if command -v pyenv >/dev/null 2>&1 && root="$(pyenv root 2>/dev/null)"; then
        while IFS= read -r candidate; do
            candidates+=("$candidate")
        done < <(compgen -G "$root/versions/$wanted.*/bin/python$wanted" | sort -rV)
    fi
    # Each candidate answers with its version and its real path (a virtualenv's python, e.g.
    # $VENV/bin/python3.11, leads back to the interpreter it was made from).
    local answer
    for candidate in "${candidates[@]}"; do
        answer="$("$candidate" -c 'import os, sys; print("%d.%d %s" % (sys.version_info[:2] + (os.path.realpath(sys.executable),)))' 2>/dev/null)" || continue
        if [[ "${answer%% *}" == "$wanted" ]]; then
            printf '%s\n' "${answer#* }"
            return 0
        fi
    done
    return 1
}

# free_port: print a TCP port on 127.0.0.1 that is free right now.
free_port() {
    "$PY" - <<'PYEOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PYEOF
}

# start_simulator [extra args...]: start the CMR simulator on a free loopback port with a
# random API key; wait until it says it is listening. Sets SIM_PORT, SIM_KEY, SIM_URL
# (control API root), SIM_API_URL (CMR API base URL), SIM_PID, SIM_LOG. The simulator is
# stopped when the script exits, whatever happens.
start_simulator() {
    make_workdir
    [[ -f "$ROOT/tests/simulator/__main__.py" ]] || die "tests/simulator/__main__.py is missing"
    SIM_KEY="${SIM_KEY:-sim-$("$PY" -c 'import secrets; print(secrets.token_hex(12))')}"
    SIM_LOG="$WORK/simulator.log"
    local attempt
    for attempt in 1 2 3; do
        SIM_PORT="$(free_port)"
        "$PY" "$ROOT/tests/simulator" --host 127.0.0.1 --port "$SIM_PORT" --api-key "$SIM_KEY" "$@" \
            >"$SIM_LOG" 2>&1 </dev/null &
        SIM_PID=$!
        add_cleanup "stop_simulator $SIM_PID"
        local i
        for ((i = 0; i < 150; i++)); do
            if grep -q "listening on http://127.0.0.1:$SIM_PORT" "$SIM_LOG" 2>/dev/null; then
                SIM_URL="http://127.0.0.1:$SIM_PORT"
                SIM_API_URL="$SIM_URL/api/v1/integration"
                log "simulator (pid $SIM_PID) listening on $SIM_URL"
                return 0
            fi
            kill -0 "$SIM_PID" 2>/dev/null || break
            sleep 0.1
        done
        log "simulator did not start (attempt $attempt); its output:"
        cat "$SIM_LOG" >&2 || true
        stop_simulator "$SIM_PID"
    done
    die "could not start the simulator"
}

# stop_simulator PID: SIGTERM, wait up to 10 s, then SIGKILL. Only this one process.
stop_simulator() {
    local pid="$1" i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.1
    done
    log "simulator $pid ignored SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
