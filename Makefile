# reader: `make run` serves the demo, `make test` runs every test. Both set up from nothing.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= $(shell nproc)
export FLASK_APP := app

.PHONY: run demo-audio serve test test-fast lint translations catalogs browser bench bench-tools flood clean mutate mutate-survivors audio-tools audit

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the project's dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,serve,audit]'
	touch $@

# Compiled catalogs are build output: made from the committed .po files, never committed.
catalogs: $(VENV)/.installed
	$(BIN)/pybabel compile --directory translations --statistics

# The settings and the database are checked first, as for `make serve`.
run: catalogs
	@$(BIN)/python -m reader.serve --check
	@$(MAKE) --no-print-directory demo-audio
	$(BIN)/flask run --host "$(HOST)" --port "$(PORT)"

# The demo's audio edition, so its articles can be listened to: recorded once (unchanged articles
# are skipped), only for the demo database, and only where eSpeak NG and LAME are or can be installed.
demo-audio: catalogs
	@if [ -n "$$READER_DATABASE" ]; then exit 0; fi; \
	if $(MAKE) --no-print-directory audio-tools; then $(BIN)/flask articles audio --all; \
	else echo "Serving the demo without its audio edition."; fi

# Production: granian (a WSGI server with its HTTP layer in Rust), one worker per core.
# Settings and the database are checked once first: one clear line per problem, exit status 1.
serve: catalogs
	$(BIN)/python -m reader.serve --host "$(HOST)" --port "$(PORT)" --workers "$(WORKERS)"

# Load tools for the benchmark, from Debian's packages when missing (as root).
bench-tools:
	@missing=""; command -v wrk >/dev/null 2>&1 || missing="$$missing wrk"; \
	command -v nginx >/dev/null 2>&1 || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else echo "The benchmark needs:$$missing (Debian packages)" >&2; exit 1; fi; \
	fi

# Speed and size on this machine: BENCH_ARTICLES=100000 BENCH_SECONDS=10 by default.
BENCH_ARTICLES ?= 100000
BENCH_SECONDS ?= 10
bench: catalogs bench-tools
	$(BIN)/python -m reader.tools.benchmark --articles "$(BENCH_ARTICLES)" --seconds "$(BENCH_SECONDS)"

# Worker memory before and after 20,000 hostile requests (100 KB headers, distinct keys).
flood: catalogs bench-tools
	$(BIN)/python -m reader.tools.flood --requests 20000

# The audio edition's voices and encoder: eSpeak NG and LAME from Debian's packages, installed
# when missing and we are root; otherwise say what to install.
audio-tools:
	@if command -v espeak-ng >/dev/null 2>&1 && command -v lame >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing espeak-ng and lame with apt-get ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq espeak-ng lame >/dev/null; \
	else \
		echo "The audio edition needs the Debian packages espeak-ng and lame: install them." >&2; exit 1; \
	fi

# The browser the end-to-end tests drive: Debian's Chromium (Playwright's own downloads are not
# reachable here). Installed when missing and we are root; otherwise say what to install.
browser:
	@if [ -n "$$CHROMIUM_PATH" ] && [ -x "$$CHROMIUM_PATH" ]; then exit 0; fi; \
	if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -q "Noto Sans Armenian"; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium and Noto fonts with apt-get ..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	elif ! command -v chromium >/dev/null 2>&1; then \
		echo "The browser tests need Chromium: install the 'chromium' package (or set CHROMIUM_PATH)." >&2; exit 1; \
	fi

# Everything: lint, types, every test (the browser ones included).
# The accessibility audit of every page in every display state (report in instance/audit/, which the
# accessibility statement reads): AUDIT_ARGS='--quick', '--acr', '--lang hy', '--base-url URL'.
audit: catalogs browser
	$(BIN)/flask audit $(AUDIT_ARGS)

test: catalogs browser audio-tools
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

# The edit-test loop: lint, types and every test that needs no browser.
test-fast: catalogs audio-tools
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -p no:cacheprovider -m "not e2e" $(PYTEST_ARGS)

# Mutation testing, kept like coverage (not part of `make test`: hours on two cores). mutmut mutates the
# modules listed in pyproject.toml's [tool.mutmut] and runs the tests that need no browser against
# each mutant; then the score per module and every surviving mutant with its file:line (exit status
# 1 when over 10 % survive that MUTATION.md does not explain as equivalent).
# A run can be stopped and resumed: mutmut keeps each verdict in mutants/ and checks again the
# mutants of every function whose code changed since. MUTATE_FRESH=1 starts over.
# MUTANTS='reader.prefs.*' runs only those mutants (the report then shows the others unchecked).
# `make mutate-survivors` checks every unexplained survivor again against today's tests.
mutate: catalogs
	$(if $(MUTATE_FRESH),rm -rf mutants)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/mutmut run $(MUTANTS)
	$(BIN)/python -m tests.mutation_report

mutate-survivors: catalogs
	@names="$$($(BIN)/python -m tests.mutation_report --names)"; \
	if [ -z "$$names" ]; then echo "no unexplained survivors to try again"; else PATH="$(abspath $(BIN)):$$PATH" $(BIN)/mutmut run $$names; fi
	$(BIN)/python -m tests.mutation_report

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# Extract messages from code and templates, merge them into translations/hy, compile.
translations: $(VENV)/.installed
	$(BIN)/flask translate update
	$(BIN)/flask translate compile

clean:
	rm -rf $(VENV) instance .pytest_cache
