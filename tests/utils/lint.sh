#!/usr/bin/env bash
# ansible-lint (production profile, offline) on the collection and its playbooks/.
#
# Runs in a laid-out copy, so that ANSIBLE_COLLECTIONS_PATH resolves coldmailreseller.cmr
# to this very source and only files git would track are linted. Settings: .ansible-lint.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_venv
layout_collection
cd "$COLL_DIR" || exit 1
export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS_ROOT"
# ansible-lint warns when PATH holds the venv twice; keep its cache out of $HOME.
export ANSIBLE_HOME="$WORK/ansible-home"
ansible-lint --profile production --offline --nocolor "$@"
