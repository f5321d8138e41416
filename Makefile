# Two commands: `make run` (serve the app with demo data) and `make test` (the whole suite).
# Everything else is set up on the way, on a fresh machine too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app server
HOST ?= 127.0.0.1
PORT ?= 5000
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/messages.po))

.PHONY: run test test-sqlite test-postgres lint catalogs translations db demo chromium vendor clean

run: $(VENV)/.stamp-runtime catalogs db
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.stamp-dev catalogs chromium
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped (.ci/run sets it)"; fi

test-sqlite:
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q $(PYTEST_ARGS)

test-postgres:
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check .

$(VENV)/.stamp-runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.stamp-dev: $(VENV)/.stamp-runtime requirements-dev.txt
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $@

# Compiled catalogs are build output (not committed): built here for run and test.
catalogs: $(MO_FILES)
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(VENV)/.stamp-runtime
	$(BIN)/pybabel compile -d locales -l $* --statistics

# Re-extract every marked string (server and apps) and merge it into the catalogs.
translations: $(VENV)/.stamp-runtime
	$(FLASK) translate extract
	$(FLASK) translate update

# Create or upgrade the embedded database and load the sample mission directory.
db: $(VENV)/.stamp-runtime
	$(FLASK) db upgrade heads
	$(FLASK) embassies import server/embassies/data/sample_missions.json --sample

# The browser tests drive Debian's Chromium (Playwright's own download does not work here);
# a CJK font makes the Chinese screenshots legible.
chromium:
	@(test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi wenquanyi) \
	  || (apt-get update && apt-get install -y chromium fonts-wqy-microhei)

# Third-party JS for the app, from npm at a pinned version (see pwa/vendor/README.md).
IDB_VERSION := 8.0.3
vendor:
	tmp=$$(mktemp -d) && (cd "$$tmp" && npm pack -q idb@$(IDB_VERSION)) \
	  && tar -xzf "$$tmp"/idb-$(IDB_VERSION).tgz -C "$$tmp" \
	  && cp "$$tmp"/package/build/index.js pwa/vendor/idb.js \
	  && cp "$$tmp"/package/LICENSE pwa/vendor/idb.LICENSE && rm -rf "$$tmp"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find locales -name '*.mo' -delete
