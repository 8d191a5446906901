#!/usr/bin/env bash
# Check the built tarball the way Galaxy does on upload: galaxy-importer runs ansible-doc on
# every plugin, ansible-lint, and checks metadata, README, licence and changelog.
#
#   tests/utils/galaxy-import.sh [TARBALL]    (default: the newest build/*.tar.gz)
#
# galaxy-importer only fails on import errors; it reports lint findings and other problems
# as WARNING lines. Those would show on the Galaxy page, so this script fails on them too.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv

tarball="${1:-}"
if [[ -z "$tarball" ]]; then
    for candidate in "$ROOT/build/$COLL_NS-$COLL_NAME"-*.tar.gz; do
        if [[ -f "$candidate" && (-z "$tarball" || "$candidate" -nt "$tarball") ]]; then
            tarball="$candidate"
        fi
    done
    [[ -n "$tarball" ]] || die "no tarball in build/: run 'make build' first"
fi
tarball="$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")"

make_workdir
out="$WORK/importer"
mkdir -p "$out"
export ANSIBLE_HOME="$WORK/ansible-home"
export ANSIBLE_LOCAL_TEMP="$WORK/ansible-tmp"
export GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP="$WORK/ansible-tmp"
log "galaxy-importer $tarball"
set +e
(cd "$out" && python -m galaxy_importer.main "$tarball") 2>&1 | tee "$out/importer.log"
rc=${PIPESTATUS[0]}
set -e
cp "$out/importer_result.json" "$ROOT/build/importer_result.json" 2>/dev/null || true
if [[ $rc -ne 0 ]]; then
    die "galaxy-importer failed (exit $rc)"
fi
if grep -E '^(WARNING|ERROR)' "$out/importer.log" >/dev/null; then
    log "galaxy-importer reported problems:"
    grep -E '^(WARNING|ERROR)' "$out/importer.log" >&2
    exit 1
fi
log "galaxy-importer: no errors, no warnings"
