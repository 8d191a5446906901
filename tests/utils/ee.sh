#!/usr/bin/env bash
# `make ee`: check the execution-environment metadata without building an image (no container
# engine needed):
#
#   1. `ansible-builder introspect` on the collection finds its Python requirements through
#      meta/execution-environment.yml: requests, and voluptuous unless ansible-builder itself
#      drops it. ansible-builder (3.2 and every earlier release) removes voluptuous from every
#      collection's requirements by name: it is on its built-in list of test-only packages
#      (EXCLUDE_REQUIREMENTS in its introspect script), which no PEP 508 spelling escapes. So
#      this check accepts voluptuous either listed, or excluded with ansible-builder's own
#      "Excluding requirement 'voluptuous'" message - and then step 2 must restore it;
#   2. the EE definition shown in docs/docsite/rst/guide_execution_environment.rst is valid:
#      `ansible-builder create` turns it into a build context whose requirements include
#      requests and voluptuous.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv
layout_collection

log "ansible-builder introspect"
introspected="$(ansible-builder introspect -v3 "$COLLECTIONS_ROOT" 2>&1)"
printf '%s\n' "$introspected" >&2
grep -Eq "^- 'requests.*# from collection $COLL_FQCN'" <<<"$introspected" ||
    die "ansible-builder does not find requests among the collection's requirements (meta/execution-environment.yml)"
if grep -Eq "^- 'voluptuous.*# from collection $COLL_FQCN'" <<<"$introspected"; then
    log "voluptuous is listed among the collection's requirements"
    voluptuous_dropped=false
elif grep -Fq "Excluding requirement 'voluptuous' from '$COLL_FQCN'" <<<"$introspected"; then
    # Prove the reason: the name is on ansible-builder's own list, and the same requirements
    # file, given as the EE definition's requirements (which that list does not filter), keeps it.
    "$PY" -c 'import sys; from ansible_builder._target_scripts.introspect import EXCLUDE_REQUIREMENTS as e; sys.exit("voluptuous" not in e)' ||
        die "ansible-builder dropped voluptuous although its EXCLUDE_REQUIREMENTS does not name it: check requirements.txt"
    as_user="$(ansible-builder introspect --user-pip "$COLL_DIR/requirements.txt" "$COLLECTIONS_ROOT" 2>&1)"
    grep -Eq "^- 'voluptuous.*# from collection user'" <<<"$as_user" ||
        die "requirements.txt given as the EE's own requirements does not yield voluptuous either: $as_user"
    log "ansible-builder drops voluptuous by name (EXCLUDE_REQUIREMENTS, its built-in test-package list); the EE definition must add it"
    voluptuous_dropped=true
else
    die "voluptuous is neither among the collection's requirements nor excluded by ansible-builder (meta/execution-environment.yml, requirements.txt)"
fi

guide="$ROOT/docs/docsite/rst/guide_execution_environment.rst"
ee_dir="$WORK/ee"
mkdir -p "$ee_dir"
# The code block that starts with the comment "# execution-environment.yml".
"$PY" - "$guide" "$ee_dir/execution-environment.yml" <<'PYEOF'
import sys, textwrap
lines = open(sys.argv[1]).read().splitlines()
start = next(i for i, line in enumerate(lines) if line.strip() == "# execution-environment.yml")
block = []
for line in lines[start:]:
    if line and not line.startswith(" "):
        break
    block.append(line)
open(sys.argv[2], "w").write(textwrap.dedent("\n".join(block)).strip() + "\n")
PYEOF
log "ansible-builder create (definition from the guide)"
(cd "$ee_dir" && ansible-builder create --file execution-environment.yml --context context --output-filename Containerfile >&2)
[[ -f "$ee_dir/context/Containerfile" ]] || die "ansible-builder create wrote no Containerfile"
if [[ "$voluptuous_dropped" == true ]]; then
    grep -Eqs '^voluptuous' "$ee_dir/context/_build/requirements.txt" ||
        die "the guide's EE definition does not add voluptuous to the image's Python requirements"
fi
log "execution environment: requirements introspected, build context created"
