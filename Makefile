# Alliance Warehouse. Two commands on a fresh machine:
#   make warehouse   build the warehouse from ../shared/data (embedded PostgreSQL by default)
#   make test        run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: install browser compose-tools warehouse test test-unit bench lint docs clean stop

install: $(VENV)/.installed browser compose-tools

# Headless Chromium for the report's browser test (Debian's package). Idempotent; a machine
# without apt (or without root) goes on without it and that test is skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
		>/dev/null 2>&1 || echo "chromium not installed: the report's browser test will be skipped"

# Debian's docker-compose, so that tests/unit/test_compose.py validates docker-compose.yml
# (`docker-compose config`; no Docker engine needed). Idempotent, as for Chromium above.
compose-tools:
	@command -v docker-compose >/dev/null 2>&1 || docker compose version >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker-compose) \
		>/dev/null 2>&1 || echo "docker-compose not installed: the compose config test will be skipped"

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

warehouse: install  ## migrate, ingest every source and build every dbt model
	$(BIN)/alliances refresh

test: install  ## the whole suite: unit, integration (embedded PostgreSQL) and dbt build
	$(BIN)/pytest $(PYTEST_ARGS)

test-unit: install
	$(BIN)/pytest tests/unit $(PYTEST_ARGS)

# BENCH_ARGS: e.g. --factors 1,4,16 (or --x16), --repeats 3, --work DIR, --keep
BENCH_ARGS ?=
bench: install  ## refresh timings, peak memory and the DuckDB/numpy peers at 1x and 4x the votes
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/refresh_benchmark.py $(BENCH_ARGS)

docs: install  ## build and serve the dbt docs (every mart column, lineage graph)
	$(BIN)/alliances docs

lint: install
	$(BIN)/ruff check etl flows tests benchmarks migrations

stop:
	-$(BIN)/alliances db stop

clean: stop
	rm -rf $(VENV) .warehouse
