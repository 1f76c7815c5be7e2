# The two commands: `make demo` and `make test`. Both install what they need first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-citus lint bench-routing clean-embedded

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@# System packages for the browser tests and the PDFs (Debian; as root, only those missing).
	@missing=""; \
	for p in chromium poppler-utils zbar-tools libharfbuzz-subset0 fonts-hosny-amiri fonts-noto-core; do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "warning: install$$missing for the browser and PDF tests"; fi; fi
	touch $(STAMP)

# `make demo PORT=8080` serves on another port (default 8000).
demo: install
	DEBUG=$${DEBUG:-1} JAMAA_HTTPS=$${JAMAA_HTTPS:-0} $(BIN)/jamaa demo $(if $(PORT),--port $(PORT))

# ruff and the import contracts are quick: they run before every test run, as in CI. The citus suite (below)
# runs beside the plain one, niced, with a log of its own printed at the end; either failing fails the run.
# CITUS_SUITE=0 leaves it out, and so does a machine that cannot run it (no PostgreSQL 15 server, or Citus
# missing and no root to build it): both say so at the end. CITUS_REQUIRED=1 (CI) runs it whatever the machine.
test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	@mkdir -p var; citus=""; why="CITUS_SUITE=0"; \
	if [ "$(CITUS_SUITE)" != 0 ]; then \
	  if [ -n "$(CITUS_REQUIRED)" ] || why=$$(bash scripts/citus.sh can-run "$(CITUS_TARBALL)"); then \
	    nice -n 5 $(MAKE) --no-print-directory test-citus > var/test-citus.log 2>&1 & citus=$$!; fi; fi; \
	status=0; $(BIN)/python -m pytest $(PYTEST_ARGS) || status=$$?; \
	if [ -n "$$citus" ]; then \
	  cstatus=0; wait $$citus || cstatus=$$?; \
	  echo "=== the citus suite (var/test-citus.log)"; cat var/test-citus.log; \
	  [ $$cstatus = 0 ] || { echo "FAILED: the citus suite"; status=1; }; \
	else echo "NOT RUN: the citus suite ($$why): make test-citus, docs/scale.md"; fi; \
	exit $$status

# The `citus` suite (tests/citus, docs/scale.md) on a throwaway local cluster: Citus built from CITUS_TARBALL
# when missing, a coordinator and two workers started (CITUS_PORT, default 5441, and the next two; data in
# CITUS_DIR, default var/citus), `pytest -m citus`, the cluster stopped and deleted. Its Redis database is
# CITUS_REDIS_URL (default db 14), never the plain suite's.
CITUS_TARBALL ?= ../shared/vendor/citus/citus-13.2.2.tar.gz
CITUS_PATCH ?= $(dir $(CITUS_TARBALL))pg15-compat.patch
CITUS_REDIS_URL ?= redis://127.0.0.1:6379/14
test-citus: install
	@set -e; bash scripts/citus.sh build "$(CITUS_TARBALL)" "$(CITUS_PATCH)"; \
	trap 'bash scripts/citus.sh stop' EXIT; bash scripts/citus.sh start >/dev/null; \
	url=$$(bash scripts/citus.sh db test_jamaa_citus); \
	DATABASE_URL=$${url%/test_jamaa_citus}/jamaa_citus REDIS_URL=$(CITUS_REDIS_URL) \
	  $(BIN)/python -m pytest -m citus --reuse-db tests/citus

# mypy sees the jamaa.* names through a folder of symlinks (it ignores the editable-install finder).
lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	mkdir -p var/typecheck/jamaa
	for d in platform tenants modules provisioning; do ln -sfn ../../../$$d var/typecheck/jamaa/$$d; done
	DEBUG=1 DATABASE_URL=postgresql://typecheck@127.0.0.1/none MYPYPATH=var/typecheck $(BIN)/mypy \
	  --namespace-packages --explicit-package-bases -p jamaa.platform -p jamaa.tenants -p jamaa.provisioning -p jamaa.modules

bench-routing: install
	$(BIN)/python benchmarks/routing.py

clean-embedded:
	-$(BIN)/python -c "from jamaa.platform import embedded_db; embedded_db.stop()"
	rm -rf var/pg
