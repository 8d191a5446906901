#!/usr/bin/env bash
# `make reliability`: run the fleet_load and fault_matrix integration targets and rewrite
# docs/reliability.md from the figures they write (tests/output/data/reliability/*.json).
#
#   tests/utils/reliability.sh            run both targets, then write the document
#   tests/utils/reliability.sh --render   only write the document from the figures already there
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv

figures="$ROOT/tests/output/data/reliability"
if [[ "${1:-}" != "--render" ]]; then
    rm -rf "$figures"
    "$ROOT/tests/utils/integration.sh" fleet_load fault_matrix
fi
"$PY" "$ROOT/tests/utils/reliability_doc.py" "$figures" "$ROOT/docs/reliability.md"
log "docs/reliability.md written from ${figures#"$ROOT"/}"
