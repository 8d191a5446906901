#!/usr/bin/env bash
# Run ansible-test on a laid-out copy of the collection.
#
#   tests/utils/ansible-test.sh sanity  [extra ansible-test args]
#   tests/utils/ansible-test.sh units   [extra ansible-test args]
#
# ansible-test needs the collection at .../ansible_collections/coldmailreseller/cmr inside a
# git work tree, so the collection is copied to a temporary folder first (see lib.sh).
# Results (junit, bot, …) are copied back to tests/output/.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv

command="${1:?usage: $0 sanity|units [ansible-test args]}"
shift

ensure_get_pip
layout_collection
cd "$COLL_DIR" || exit 1

case "$command" in
    sanity)
        # Each sanity test runs in its own pinned virtualenv that ansible-test builds (and
        # caches in ~/.ansible/test/venv). No ignore files: tests/sanity/ignore-*.txt must
        # not exist (docs/developer/DESIGN.md#proof).
        if compgen -G "tests/sanity/ignore-*.txt" >/dev/null; then
            die "tests/sanity/ignore-*.txt found: the sanity suite runs with zero ignore entries"
        fi
        set +e
        ansible-test sanity --python "$TEST_PYTHON" --color no "$@"
        rc=$?
        ;;
    units)
        # ansible-test's unit-test requirements plus tests/unit/requirements.txt (requests,
        # voluptuous, ...), in a fresh virtualenv (or a test leg's own, see lib.sh).
        set +e
        ansible-test units --python "$TEST_PYTHON" "${ANSIBLE_TEST_ENV[@]}" --color no "$@"
        rc=$?
        ;;
    *)
        die "unknown command $command"
        ;;
esac
set -e
copy_results
exit "$rc"
