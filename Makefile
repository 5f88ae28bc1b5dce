# furusato-dao — every target works on a fresh clone: it installs what it needs first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

ROOT        := $(CURDIR)
VENV        := $(ROOT)/.venv
PY          := $(VENV)/bin/python
TOOLS       := $(ROOT)/.tools
PYTHON      ?= python3
SOLC_VERSION = $(shell node -p "require('./package.json').devDependencies.solc")
# Put Anvil (linked by tools/setup-toolchain.sh) and the venv first on PATH; point py-solc-x at our compiler folder.
export PATH := $(TOOLS)/bin:$(VENV)/bin:$(PATH)
export SOLCX_BINARY_PATH := $(TOOLS)/solcx
export BROWNIE_NOCOMPILE := 1
export PYTHONDONTWRITEBYTECODE := 1
# forge's settings live beside the invariant suite, not at the root: Slither's crytic-compile would otherwise treat
# the checkout as a Foundry project and analyse the test handlers too.
export FOUNDRY_CONFIG := $(ROOT)/tests/invariants/foundry.toml

BROWNIE := $(VENV)/bin/brownie
# Brownie's compiler warnings about OpenZeppelin's own sources are noise here; errors still stop the build.
QUIET_SOLC := grep -v -E '"at" will be promoted|Relevant source part|^ *\|' || true


.PHONY: port-free help install compile test test-fast forge-test fuzz lint slither format demo bench clean distclean portal chromium

help:
	@echo "make demo    deploy a DAO on a local Anvil and run a proposal end to end"
	@echo "make test    the whole test suite (also run by .ci/run): forge invariants, then pytest"
	@echo "make fuzz    the Foundry invariant suite at depth (>= 1,000,000 calls)"
	@echo "make lint    ruff, mypy, import-linter (layers, no cycles), prettier-plugin-solidity and solhint"
	@echo "make slither Slither static analysis of contracts/*.sol with our compiler (own venv, offline)"
	@echo "make bench   gas and speed figures -> bench/results.json"
	@echo "make portal  the demo's DAO on a local chain and the member portal until Ctrl-C (prints the URL)"
	@echo "make install venv + pinned Python deps, npm ci, compiler and Anvil links"

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@# `brownie run` in a checkout whose path has a dot (e.g. mktemp's /tmp/tmp.XXXX): see src/furusato/_brownie_paths.py
	echo "import furusato._brownie_paths" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/furusato_brownie_paths.pth"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(TOOLS)/.installed: node_modules/.installed tools/setup-toolchain.sh tools/anvil.sh tools/solc-js.cjs package.json
	bash tools/setup-toolchain.sh
	touch $@

install: $(VENV)/.installed node_modules/.installed $(TOOLS)/.installed

SOURCES := $(shell find contracts interfaces -name '*.sol' 2>/dev/null)

# Brownie recompiles a changed contract but not the contracts importing a changed file from interfaces/:
# when an interface changed since the last build, rebuild everything.
build/.compiled: $(SOURCES) brownie-config.yaml package-lock.json $(TOOLS)/.installed
	@set -o pipefail; $(BROWNIE) compile $(if $(filter interfaces/%,$?),--all,) 2>&1 | $(QUIET_SOLC)
	@touch $@

compile: install build/.compiled

# Brownie silently attaches to whatever already listens on its port; a stale chain would taint the run.
port-free:
	@if (exec 3<>/dev/tcp/127.0.0.1/8545) 2>/dev/null; then \
	  echo "port 8545 is in use (a leftover Anvil?): stop it first, e.g. pkill -f 'anvil.*8545'" >&2; exit 1; fi

test: compile port-free chromium forge-test
	$(BROWNIE) test -p no:cacheprovider $(PYTEST_ARGS)

# Foundry invariant suite (tests/invariants, see INVARIANTS.md): offline, with our solc-js compiler
# (tests/invariants/foundry.toml, found through FOUNDRY_CONFIG).
# Prints the total number of invariant calls made (>= 100,000 here; `make fuzz`: >= 1,000,000).
FORGE := $(TOOLS)/bin/forge
FORGE_LOG := build/forge/last-run.log
forge-test: install
	@mkdir -p build/forge
	@set -o pipefail; start=$$(date +%s); \
	  $(if $(FOUNDRY_PROFILE),FOUNDRY_PROFILE=$(FOUNDRY_PROFILE)) $(FORGE) test $(FORGE_ARGS) 2>&1 | tee $(FORGE_LOG) | grep -E '^\[(PASS|FAIL)|^Suite result|^Ran |Error|FAIL|calls:' ; \
	  status=$$?; \
	  calls=$$(grep -oE 'calls: [0-9]+' $(FORGE_LOG) | awk '{s += $$2} END {print s + 0}'); \
	  echo "forge invariant calls: $$calls in $$(( $$(date +%s) - start )) s"; exit $$status

fuzz: install
	@$(MAKE) --no-print-directory forge-test FOUNDRY_PROFILE=fuzz

lint: install
	$(VENV)/bin/ruff check src tests scripts
	$(VENV)/bin/ruff format --check src tests scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	node_modules/.bin/prettier --check 'contracts/**/*.sol' 'interfaces/**/*.sol'
	node_modules/.bin/solhint --disc --max-warnings 0 'contracts/**/*.sol' 'interfaces/**/*.sol'
	@$(MAKE) --no-print-directory slither

# Slither lives in its own venv: its pinned dependencies are newer than eth-brownie's in .venv.
SLITHER_VENV := $(ROOT)/.venv-slither

$(SLITHER_VENV)/.installed: requirements-slither.txt
	$(PYTHON) -m venv $(SLITHER_VENV)
	$(SLITHER_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-slither.txt
	touch $@

# Offline: crytic-compile is given the contracts folder and our compiler (the solc-js stand-in) by path, so it
# compiles contracts/*.sol (and what they import) in one standard-JSON run and never asks solc-select for a
# compiler. Settings, path filters and the triaged detector exclusions are in slither.config.json (see README).
# Any finding left fails the target.
SLITHER_SOLC ?= $(TOOLS)/solcx/solc-v$(SOLC_VERSION)
slither: $(SLITHER_VENV)/.installed $(TOOLS)/.installed
	$(SLITHER_VENV)/bin/slither contracts --config-file slither.config.json --solc $(SLITHER_SOLC)

format: install
	$(VENV)/bin/ruff format src tests scripts
	$(VENV)/bin/ruff check --fix src tests scripts
	node_modules/.bin/prettier --write 'contracts/**/*.sol' 'interfaces/**/*.sol'

# The portal's browser tests need Debian's Chromium (never Playwright's own download): installed here when we are
# root, else the exact command to run (the tests fail, never skip, without it).
chromium:
	@dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y chromium fonts-noto-cjk; \
	  else echo "Chromium is missing: run 'sudo apt-get update && sudo apt-get install -y chromium fonts-noto-cjk'"; exit 1; fi; }

portal: compile port-free
	$(BROWNIE) run scripts/portal.py

demo: compile port-free
	$(BROWNIE) run scripts/demo.py

bench: compile port-free
	$(BROWNIE) run scripts/bench.py

clean:
	rm -rf build reports .hypothesis deployments/development.json

distclean: clean
	rm -rf $(VENV) $(SLITHER_VENV) node_modules $(TOOLS)
