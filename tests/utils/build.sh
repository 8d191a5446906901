#!/usr/bin/env bash
# Build the collection tarball into build/ (from a laid-out copy holding only the files git
# would track, so stray local files cannot end up in the artifact). Prints its path.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv
layout_collection
mkdir -p "$ROOT/build"
version="$("$PY" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["version"])' "$COLL_DIR/galaxy.yml")"
tarball="$ROOT/build/$COLL_NS-$COLL_NAME-$version.tar.gz"
rm -f "$tarball"
ansible-galaxy collection build --force --output-path "$ROOT/build" "$COLL_DIR" >&2
[[ -f "$tarball" ]] || die "ansible-galaxy did not produce $tarball"
# A quick look at what went in, for the log.
log "$(tar -tzf "$tarball" | wc -l) entries in $tarball"
echo "$tarball"
