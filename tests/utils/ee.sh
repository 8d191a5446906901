#!/usr/bin/env bash
# `make ee`: check the execution-environment metadata without building an image (no container
# engine needed):
#
#   1. `ansible-builder introspect` on the collection finds its Python requirements through
#      meta/execution-environment.yml;
#   2. the EE definition shown in docs/docsite/rst/guide_execution_environment.rst is valid:
#      `ansible-builder create` turns it into a build context whose user requirements include
#      voluptuous (which ansible-builder drops from collection requirements).
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv
layout_collection

log "ansible-builder introspect"
introspected="$(ansible-builder introspect "$COLLECTIONS_ROOT")"
printf '%s\n' "$introspected" >&2
grep -Eq "^- 'requests.*# from collection $COLL_FQCN'" <<<"$introspected" ||
    die "ansible-builder does not find requests among the collection's requirements (meta/execution-environment.yml)"

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
grep -Eqs '^voluptuous' "$ee_dir/context/_build/requirements.txt" ||
    die "the guide's EE definition does not add voluptuous to the image's Python requirements"
log "execution environment: requirements introspected, build context created"
