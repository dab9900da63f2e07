# samenloket — every target sets up what it needs; `make run` and `make test`
# work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: install run build serve test test-cms test-fast bench cms lint clean browser \
	nginx frontend-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## build all 342 sites and SC feeds from content/, then serve public/ locally
run: build
	$(BIN)/samenloket serve --host $(HOST) --port $(PORT)

build: install
	$(BIN)/samenloket check
	$(BIN)/samenloket build

## the CMS (demo accounts, http://127.0.0.1:8000/admin/) with the preview server
## (http://127.0.0.1:8001) and the rebuild worker; Ctrl+C stops all three
cms: install
	$(BIN)/python cms/manage.py demo_setup
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/samenloket preview --cms http://127.0.0.1:8000 & \
	$(BIN)/python cms/manage.py rebuild_worker & \
	$(BIN)/python cms/manage.py runserver --noreload 127.0.0.1:8000

## Debian's Chromium for the browser tests (never a downloaded browser)
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "installeer chromium: sudo apt-get install chromium"; exit 1; fi; }

## Debian's nginx, so the test can check the sample config with `nginx -t`
## (installed only: the package does not start it here)
nginx:
	@test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; \
	  else echo "installeer nginx: sudo apt-get install nginx-light"; exit 1; fi; }

## npm test tools pinned in package-lock.json (axe-core, vnu.jar); --ignore-scripts:
## vnu-jar's optional Java download is not needed (Java is on the machine)
NPM_STAMP := node_modules/.installed-stamp
$(NPM_STAMP): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NPM_STAMP)

frontend-deps: $(NPM_STAMP)

test: install browser nginx frontend-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

## the CMS tests alone (SQLite unless DATABASE_URL is set)
test-cms: install
	$(BIN)/python -m pytest -q tests/cms

test-fast: install frontend-deps
	$(BIN)/python -m pytest -q -m "not browser and not slow"

## the modules are compiled to bytecode first, as Python does on a machine that
## does not set PYTHONDONTWRITEBYTECODE (this one does): start-up as users see it
bench: install
	$(BIN)/python -m compileall -q samenloket sitegen exports bench
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf public exports-out build .pytest_cache node_modules
