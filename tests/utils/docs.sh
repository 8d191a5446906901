#!/usr/bin/env bash
# Documentation: lint the plugin docs and build the HTML site with antsibull-docs.
#
#   tests/utils/docs.sh          lint + site (output: build/docs/html/index.html)
#   tests/utils/docs.sh lint     lint only
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv
mode="${1:-all}"

layout_collection
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_ROOT"
export ANSIBLE_HOME="$WORK/ansible-home"

log "antsibull-docs lint-collection-docs --plugin-docs"
antsibull-docs lint-collection-docs --plugin-docs "$COLL_DIR"

[[ "$mode" == lint ]] && exit 0

site="$WORK/docsite"
dest="$ROOT/build/docs"
log "antsibull-docs sphinx-init + build"
# sphinx-init wants an existing folder that only its owner can write to.
mkdir -p "$site"
chmod 755 "$site"
antsibull-docs sphinx-init --use-current --lenient --fail-on-error \
    --dest-dir "$site" "$COLL_FQCN" >&2
# The generated build.sh runs `antsibull-docs collection` (RST from the installed
# collection) and then sphinx-build; its requirements (sphinx, sphinx-ansible-theme) are in
# requirements-dev.txt.
(cd "$site" && ./build.sh)
rm -rf "$dest"
mkdir -p "$dest"
cp -a "$site/build/html" "$dest/html"
log "documentation site: $dest/html/index.html"
