# samenloket — every target sets up what it needs; `make run` and `make test`
# work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: install run build serve test test-cms test-fast bench cms lint clean browser

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

## Debian's Chromium for the browser tests (never a downloaded browser)
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "installeer chromium: sudo apt-get install chromium"; exit 1; fi; }

test: install browser
	$(BIN)/python -m pytest -q

## the CMS tests alone (SQLite unless DATABASE_URL is set)
test-cms: install
	$(BIN)/python -m pytest -q tests/cms

test-fast: install
	$(BIN)/python -m pytest -q -m "not browser and not slow"

bench: install
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf public exports-out build .pytest_cache
