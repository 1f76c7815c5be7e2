# The two commands: `make demo` and `make test`. Both install what they need first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint bench-routing clean-embedded

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@# System packages for the browser tests and the PDF checks (Debian; skipped when present or not root).
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      chromium poppler-utils libharfbuzz-subset0 fonts-hosny-amiri fonts-noto-core >/dev/null; \
	  else echo "warning: install chromium and poppler-utils for the browser and PDF tests"; fi; fi
	touch $(STAMP)

demo: install
	DEBUG=$${DEBUG:-1} JAMAA_HTTPS=$${JAMAA_HTTPS:-0} $(BIN)/jamaa demo

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy platform tenants provisioning modules

bench-routing: install
	$(BIN)/python benchmarks/routing.py

clean-embedded:
	-$(BIN)/python -c "from jamaa.platform import embedded_db; embedded_db.stop()"
	rm -rf var/pg
