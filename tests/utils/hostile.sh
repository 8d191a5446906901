#!/usr/bin/env bash
# `make hostile`: the hostile-input and secrets suite (tests/hostile/, pytest in .venv):
# property-based fuzzing of every module and of the client (hypothesis), OpenAPI fuzzing of
# the simulator (schemathesis), TLS against a simulator serving HTTPS, and the secrets audit
# (every module with -vvv, --diff and a log file). Prints the number of generated cases.
#
#   tests/utils/hostile.sh [pytest args, e.g. -k tls]
#
# Runs in a laid-out copy of the collection, so that the modules import (and ansible-playbook
# finds them) as coldmailreseller.cmr, as an installed collection would.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv
layout_collection
cd "$COLL_DIR" || exit 1
export PYTHONPATH="$COLLECTIONS_ROOT${PYTHONPATH:+:$PYTHONPATH}"
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_ROOT"
export ANSIBLE_HOME="$WORK/ansible-home"
export HYPOTHESIS_STORAGE_DIRECTORY="$WORK/hypothesis"
"$PY" -m pytest -p no:cacheprovider -n 2 -rA --tb=short tests/hostile "$@"
