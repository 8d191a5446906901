# Developer and CI entry points for the coldmailreseller.cmr collection.
# `make help` lists the targets. Scripts live in tests/utils/.

SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreter that creates .venv: python3.11 when present, else python3 (must be >= 3.11).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := $(or $(CMR_VENV),.venv)
VPY := $(VENV)/bin/python
# Rebuilt only when a requirements file changes (or the venv is deleted).
VENV_STAMP := $(VENV)/.requirements-installed
# ansible-rulebook and its own ansible-core for `make eda`, kept apart from the developer tools.
EDA_VENV := $(or $(CMR_EDA_VENV),.venv-eda)
EDA_VENV_STAMP := $(EDA_VENV)/.requirements-installed
UTILS := tests/utils

# The other tested ansible-core releases (tests/legs/core-<release>.txt); `make core-2.16` runs one.
LEGS := $(patsubst tests/legs/core-%.txt,core-%,$(wildcard tests/legs/core-*.txt))

.PHONY: help venv eda-venv test simulator-tests sanity units integration integration-1 integration-2 legs $(LEGS) playbooks runner eda hostile \
        lint build galaxy-import ee docs docs-lint changelog demo benchmark reliability clean

help:
	@echo "make demo             run playbooks/demo.yml twice against the simulator (no account needed)"
	@echo "make test             the whole suite, with the time of each stage and a summary"
	@echo "make venv             create .venv and install requirements-dev.txt"
	@echo "make simulator-tests  pytest suite of the simulator (tests/simulator/tests)"
	@echo "make sanity           ansible-test sanity"
	@echo "make units            ansible-test units"
	@echo "make integration      ansible-test integration against a fresh simulator"
	@echo "make core-2.16        sanity, units, integration, playbooks on another ansible-core ($(LEGS))"
	@echo "make legs             every core-* leg, one after the other"
	@echo "make playbooks        run the example playbooks against a fresh simulator and check the result"
	@echo "make runner           run the demo through ansible-runner as AWX / Automation Platform do"
	@echo "make eda              the Event-Driven Ansible rulebook with ansible-rulebook against the simulator's webhooks"
	@echo "make hostile          fuzz modules, client and simulator; TLS; secrets audit (tests/hostile)"
	@echo "make lint             ansible-lint, production profile"
	@echo "make build            ansible-galaxy collection build into build/"
	@echo "make galaxy-import    build, then galaxy-importer on the tarball"
	@echo "make ee               ansible-builder introspect + create (execution environment, no image build)"
	@echo "make docs             antsibull-docs lint + HTML site in build/docs/html"
	@echo "make benchmark        requests and wall time: the collection's modules vs the same work as plain uri tasks"
	@echo "make reliability      run the fleet_load and fault_matrix targets and rewrite docs/reliability.md"
	@echo "make changelog        lint changelogs/fragments (and regenerate CHANGELOG.rst once released)"
	@echo "make clean            remove build/, .cache/ and tests/output/"

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements-dev.txt requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 needed, got " + sys.version)'
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	touch $@

eda-venv: $(EDA_VENV_STAMP)

$(EDA_VENV_STAMP): tests/eda/requirements.txt requirements.txt extensions/eda/requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 needed, got " + sys.version)'
	test -x $(EDA_VENV)/bin/python || $(PYTHON) -m venv $(EDA_VENV)
	$(EDA_VENV)/bin/python -m pip install --disable-pip-version-check --quiet -r tests/eda/requirements.txt
	touch $@

# test-all.sh runs `venv` as its first stage, so that its time shows in the summary too.
test:
	@$(UTILS)/test-all.sh

simulator-tests: venv
	@if [ -d tests/simulator/tests ]; then \
	    $(VPY) -m pytest -p no:cacheprovider -n auto tests/simulator/tests; \
	else \
	    echo "tests/simulator/tests does not exist yet: nothing to run"; \
	fi

sanity: venv
	$(UTILS)/ansible-test.sh sanity

units: venv
	$(UTILS)/ansible-test.sh units

integration: venv
	$(UTILS)/integration.sh

# The 2.19 integration targets in two slices, each with its own simulator: `make test` runs them
# at the same time (an integration run uses about one core).
integration-1 integration-2: integration-%: venv
	$(UTILS)/integration.sh --shard $*/2

# The ansible-core of .venv (requirements-dev.txt) is the default leg; these are the others.
# Each makes its own virtualenv under .cache/legs/ (the main .venv runs the simulator).
$(LEGS): core-%: venv
	$(UTILS)/leg.sh $*

legs: $(LEGS)

playbooks: venv
	$(UTILS)/playbooks.sh

runner: venv
	$(UTILS)/runner.sh

eda: venv eda-venv
	CMR_EDA_VENV=$(abspath $(EDA_VENV)) $(UTILS)/eda.sh
# Hostile input and secrets: hypothesis and schemathesis fuzzing, TLS, the secrets audit.
hostile: venv
	$(UTILS)/hostile.sh

lint: venv
	$(UTILS)/lint.sh

build: venv
	$(UTILS)/build.sh

galaxy-import: build
	$(UTILS)/galaxy-import.sh

ee: venv
	$(UTILS)/ee.sh

docs: venv
	$(UTILS)/docs.sh

docs-lint: venv
	$(UTILS)/docs.sh lint

# Lint the fragments; regenerate CHANGELOG.rst once a release exists in changelog.yaml
# (a release is cut with `antsibull-changelog release`, which takes the version from galaxy.yml).
changelog: venv
	$(VENV)/bin/antsibull-changelog lint
	@if $(VPY) -c 'import sys, yaml; sys.exit(0 if (yaml.safe_load(open("changelogs/changelog.yaml")) or {}).get("releases") else 1)'; then \
	    $(VENV)/bin/antsibull-changelog generate && echo "CHANGELOG.rst regenerated"; \
	else \
	    echo "no release in changelogs/changelog.yaml yet: fragments linted, CHANGELOG.rst not generated"; \
	fi

demo: venv
	$(UTILS)/demo.sh

# Results in build/benchmark/results.md; docs/developer/BENCHMARK.md summarises them.
benchmark: venv
	tests/benchmark/run.sh

# Faults survived and the fleet load at the API's limit, measured again into docs/reliability.md.
reliability: venv
	$(UTILS)/reliability.sh

clean:
	rm -rf build .cache tests/output
