# Cocreate: `make run` serves the forum with demo data; `make test` runs every test.
# bash: make run waits for whichever of its two processes ends first (wait -n).
SHELL := /bin/bash
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
# Babel skips folders whose names start with an underscore unless they are named outright.
I18N_SOURCES := forum templates templates/_macros templates/_partials
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint format translations browser checkers clean

# The web workers and one job consumer, together; Ctrl-C (or either one ending) stops both.
run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) search drain
	@echo "Cocreate is at http://127.0.0.1:$(PORT)  (Ctrl-C stops it)"
	@trap 'kill $$web $$worker 2>/dev/null; wait' EXIT INT TERM; \
	export COCREATE_BASE_URL=$${COCREATE_BASE_URL:-http://127.0.0.1:$(PORT)}; \
	$(FLASK) worker & worker=$$!; \
	$(BIN)/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) app:app & web=$$!; \
	wait -n; echo "A process of the forum ended; stopping the other"

test: $(VENV)/.installed-dev browser checkers lint
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract the strings, merge them into the catalogs, compile the catalogs we ship.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -o forum/translations/messages.pot --no-location --sort-output $(I18N_SOURCES)
	$(BIN)/pybabel update -i forum/translations/messages.pot -d forum/translations -w 100 --ignore-obsolete
	$(BIN)/pybabel compile -d forum/translations

# Browser tests use Debian's Chromium (Playwright's own download cannot reach its servers) and CJK fonts.
browser:
	@command -v chromium >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1 || { \
		echo "Installing Chromium and CJK fonts for the browser tests"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# The markup checkers the tests run: the Nu HTML Checker (vnu.jar, on a headless Java) and axe-core,
# pinned in tests/tools/package-lock.json. vnu-jar's install script, which would fetch a Java, is skipped.
checkers: tests/tools/node_modules/.installed
	@command -v java >/dev/null || { \
		echo "Installing a headless Java for the HTML checker"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; }

tests/tools/node_modules/.installed: tests/tools/package-lock.json
	cd tests/tools && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output
