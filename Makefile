# Two commands: `make run` (serve the app with demo data) and `make test` (the whole suite).
# Everything else is set up on the way, on a fresh machine too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app server
HOST ?= 127.0.0.1
PORT ?= 5000
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locales/*/LC_MESSAGES/messages.po))

.PHONY: run test test-sqlite test-browser test-postgres lint catalogs translations db demo chromium kannel sms-gateway vendor clean

run: $(VENV)/.stamp-runtime catalogs db
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.stamp-dev catalogs chromium kannel
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-browser
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped (.ci/run sets it)"; fi

# Two workers (pytest-xdist), one per core; a file's tests stay together on one worker, and
# each worker has its own databases (tests/conftest.py). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
PYTEST_PARALLEL := $(if $(filter 0,$(PYTEST_WORKERS)),,-n $(PYTEST_WORKERS) --dist loadfile)

test-sqlite:
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q $(PYTEST_PARALLEL) --ignore=tests/browser $(PYTEST_ARGS)

# In a process of their own: their live apps keep an in-process Celery worker and beat running
# until the session ends, and the other tests swap their app's engine for one shared test
# connection (tests/conftest.py), which a thread must never reach. A browser test that fails
# on a loaded 2-core machine is tried once more (and reported as a rerun: read them, a rerun
# is a race to find); failing twice fails the run.
test-browser:
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -q -rR --reruns 1 tests/browser $(BROWSER_ARGS)

# The browser tests run their own app on SQLite: once (above) is enough.
test-postgres:
	$(BIN)/python -m pytest -q $(PYTEST_PARALLEL) --ignore=tests/browser $(PYTEST_ARGS)

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

# Scaled out on this machine ("Running at scale" in the README): gunicorn, a Celery worker and
# beat (Procfile, run by honcho) on PostgreSQL and Redis; RabbitMQ works the same way:
# make scaled SCALED_BROKER=amqp://guest:guest@127.0.0.1:5672//
.PHONY: scaled
SCALED_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/compatriot
SCALED_BROKER ?= redis://127.0.0.1:6379/0
SCALED_ENV := DATABASE_URL=$(SCALED_DATABASE_URL) CELERY_BROKER_URL=$(SCALED_BROKER) \
	PATH="$(CURDIR)/$(BIN):$$PATH"
scaled: $(VENV)/.stamp-dev catalogs
	$(BIN)/python -m bench.pgdb ensure $(SCALED_DATABASE_URL)
	env $(SCALED_ENV) $(FLASK) db upgrade heads
	env $(SCALED_ENV) $(FLASK) embassies import server/embassies/data/sample_missions.json --sample
	env $(SCALED_ENV) $(BIN)/honcho start -p $(PORT)

# The browser tests drive Debian's Chromium (Playwright's own download does not work here);
# a CJK font makes the Chinese screenshots legible.
chromium:
	@(test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi wenquanyi) \
	  || (apt-get update && apt-get install -y chromium fonts-wqy-microhei)

# Kannel (bearerbox, smsbox) and fakesmsc, the simulated operator, from Debian: the PostgreSQL
# pass runs tests/sms/test_sms_kannel.py against them.
kannel:
	@(command -v bearerbox >/dev/null && test -x /usr/lib/kannel/test/fakesmsc) \
	  || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y kannel kannel-extras)

# The SMS chain for a running app (make run / make scaled): prints the SMS_GATEWAY_URL to start
# the app with; Ctrl-C stops bearerbox, smsbox and fakesmsc.
sms-gateway: kannel
	$(BIN)/python -m deploy.kannel.chain --app http://$(HOST):$(PORT) \
	  --secret "$$(cat $${COMPATRIOT_INSTANCE_PATH:-instance}/sms_callback_secret)"

# Third-party JS for the apps, from npm at pinned versions (see pwa/vendor/README.md).
IDB_VERSION := 8.0.3
LEAFLET_VERSION := 1.9.4
TOPOJSON_CLIENT_VERSION := 3.1.0
WORLD_ATLAS_VERSION := 2.0.2
vendor:
	tmp=$$(mktemp -d) && (cd "$$tmp" && npm pack -q idb@$(IDB_VERSION)) \
	  && tar -xzf "$$tmp"/idb-$(IDB_VERSION).tgz -C "$$tmp" \
	  && cp "$$tmp"/package/build/index.js pwa/vendor/idb.js \
	  && cp "$$tmp"/package/build/umd.js pwa/vendor/idb.umd.js \
	  && cp "$$tmp"/package/LICENSE pwa/vendor/idb.LICENSE && rm -rf "$$tmp"
	tmp=$$(mktemp -d) && (cd "$$tmp" && npm pack -q leaflet@$(LEAFLET_VERSION)) \
	  && tar -xzf "$$tmp"/leaflet-$(LEAFLET_VERSION).tgz -C "$$tmp" \
	  && mkdir -p pwa/vendor/leaflet/images \
	  && cp "$$tmp"/package/dist/leaflet.js "$$tmp"/package/dist/leaflet.css pwa/vendor/leaflet/ \
	  && cp "$$tmp"/package/dist/images/*.png pwa/vendor/leaflet/images/ \
	  && cp "$$tmp"/package/LICENSE pwa/vendor/leaflet/LICENSE && rm -rf "$$tmp"
	tmp=$$(mktemp -d) && (cd "$$tmp" && npm pack -q topojson-client@$(TOPOJSON_CLIENT_VERSION)) \
	  && tar -xzf "$$tmp"/topojson-client-$(TOPOJSON_CLIENT_VERSION).tgz -C "$$tmp" \
	  && mkdir -p pwa/vendor/topojson-client \
	  && cp "$$tmp"/package/dist/topojson-client.min.js pwa/vendor/topojson-client/topojson-client.min.js \
	  && cp "$$tmp"/package/LICENSE pwa/vendor/topojson-client/LICENSE && rm -rf "$$tmp"
	tmp=$$(mktemp -d) && (cd "$$tmp" && npm pack -q world-atlas@$(WORLD_ATLAS_VERSION)) \
	  && tar -xzf "$$tmp"/world-atlas-$(WORLD_ATLAS_VERSION).tgz -C "$$tmp" \
	  && mkdir -p pwa/vendor/world-atlas \
	  && cp "$$tmp"/package/countries-50m.json pwa/vendor/world-atlas/countries-50m.json \
	  && cp "$$tmp"/package/LICENSE pwa/vendor/world-atlas/LICENSE && rm -rf "$$tmp"

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
	find locales -name '*.mo' -delete
