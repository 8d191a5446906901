#!/usr/bin/env bash
# `make runner`: run the demo the way AWX and Automation Platform run a job - through
# ansible-runner (process isolation off), with the collection installed from the built tarball
# into a collections path as an execution environment holds it, the credentials injected as
# environment variables, and a project whose playbook imports the collection's demo by name.
# tests/utils/runner_demo.py runs the job twice and checks the event stream (a runner_on_ok
# per task, the final stats), the artifacts and the simulator.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv

tarball="$("$ROOT/tests/utils/build.sh")"
make_workdir
collections="$WORK/ee/usr/share/ansible/collections"
mkdir -p "$collections"
log "installing $(basename "$tarball") into $collections (the EE's collections path)"
ANSIBLE_COLLECTIONS_PATH="$collections" \
    ansible-galaxy collection install --offline -p "$collections" "$tarball" >&2

# The rate limit of the real API; the demo paces itself.
start_simulator
export SIM_URL SIM_API_URL SIM_KEY
"$PY" "$ROOT/tests/utils/runner_demo.py" --work "$WORK/runner" --collections "$collections"
