#!/usr/bin/env bash
# Documentation: check that ansible-doc renders every module, lint the plugin docs and build
# the HTML site with antsibull-docs.
#
#   tests/utils/docs.sh          ansible-doc + lint + site (output: build/docs/html/index.html)
#   tests/utils/docs.sh lint     ansible-doc + lint only
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv
mode="${1:-all}"

layout_collection
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_ROOT"
export ANSIBLE_HOME="$WORK/ansible-home"

# Every module in plugins/modules/ renders with ansible-doc (issue #3), with the sections a
# user reads: description, options, attributes check_mode/diff_mode, EXAMPLES, RETURN VALUES.
modules=()
for module_file in "$COLL_DIR"/plugins/modules/*.py; do
    module="$(basename "$module_file" .py)"
    [[ "$module" == _* ]] || modules+=("$COLL_FQCN.$module")
done
[[ ${#modules[@]} -gt 0 ]] || die "no modules found in $COLL_DIR/plugins/modules"
log "ansible-doc: ${#modules[@]} modules"
for module in "${modules[@]}"; do
    text="$(ansible-doc "$module" 2>&1)" || die "ansible-doc $module failed: $text"
    for section in "> MODULE $module " "OPTIONS (" "ATTRIBUTES:" "EXAMPLES:" "RETURN VALUES:"; do
        [[ "$text" == *"$section"* ]] || die "ansible-doc $module: no '$section' in its output"
    done
done
ansible-doc --json "${modules[@]}" | "$PY" -c '
import json, sys
docs = json.load(sys.stdin)
wanted = sys.argv[1:]
assert sorted(docs) == sorted(wanted), "ansible-doc --json did not return every module: %s" % sorted(set(wanted) - set(docs))
for name, plugin in sorted(docs.items()):
    doc = plugin["doc"]
    problems = [what for what, ok in (
        ("short_description", doc.get("short_description")),
        ("description", doc.get("description")),
        ("attributes.check_mode", "check_mode" in (doc.get("attributes") or {})),
        ("attributes.diff_mode", "diff_mode" in (doc.get("attributes") or {})),
        ("EXAMPLES", (plugin.get("examples") or "").strip()),
        ("RETURN", plugin.get("return") is not None),
    ) if not ok]
    assert not problems, "%s: missing %s" % (name, ", ".join(problems))
' "${modules[@]}" || die "ansible-doc --json: incomplete module documentation"

# The inventory plugin renders too, with its options and examples.
text="$(ansible-doc -t inventory "$COLL_FQCN.cmr" 2>&1)" || die "ansible-doc -t inventory $COLL_FQCN.cmr failed: $text"
for section in "OPTIONS (" "EXAMPLES:" "host_type" "keyed_groups" "cache_plugin"; do
    [[ "$text" == *"$section"* ]] || die "ansible-doc -t inventory $COLL_FQCN.cmr: no '$section' in its output"
done
log "ansible-doc: inventory plugin $COLL_FQCN.cmr"

# The filter plugins render too (their docs live in the plugin file).
for filter_file in "$COLL_DIR"/plugins/filter/*.py; do
    [[ -e "$filter_file" ]] || continue
    filter="$COLL_FQCN.$(basename "$filter_file" .py)"
    text="$(ansible-doc -t filter "$filter" 2>&1)" || die "ansible-doc -t filter $filter failed: $text"
    for section in "> FILTER $filter " "EXAMPLES:" "RETURN VALUES:"; do
        [[ "$text" == *"$section"* ]] || die "ansible-doc -t filter $filter: no '$section' in its output"
    done
    log "ansible-doc -t filter $filter"
done

# And the callback plugins (coldmailreseller.cmr.plan).
for callback_file in "$COLL_DIR"/plugins/callback/*.py; do
    [[ -e "$callback_file" ]] || continue
    callback="$COLL_FQCN.$(basename "$callback_file" .py)"
    text="$(ansible-doc -t callback "$callback" 2>&1)" || die "ansible-doc -t callback $callback failed: $text"
    for section in "> CALLBACK $callback " "OPTIONS" "EXAMPLES:"; do
        [[ "$text" == *"$section"* ]] || die "ansible-doc -t callback $callback: no '$section' in its output"
    done
    log "ansible-doc -t callback $callback"
done

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
