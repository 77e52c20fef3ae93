# IMS — the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The PostgreSQL server used by the second test run (the tests create and drop their own database).
IMS_TEST_POSTGRES ?= postgres://postgres@127.0.0.1:5432/ims
export IMS_TEST_POSTGRES

.PHONY: install run test lint test-sqlite test-postgres bench lock clean

install: $(STAMP)

$(STAMP): requirements/lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "IMS needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

## Install, migrate, load the demo organisation (new database only) and serve on http://127.0.0.1:8000
run: install
	@IMS_DEBUG=$${IMS_DEBUG:-true} $(BIN)/ims migrate --noinput -v 0
	@IMS_DEBUG=$${IMS_DEBUG:-true} $(BIN)/ims load-standards
	@IMS_DEBUG=$${IMS_DEBUG:-true} $(BIN)/ims load-factors
	@IMS_DEBUG=$${IMS_DEBUG:-true} IMS_HOST=$${IMS_HOST:-127.0.0.1} IMS_PORT=$${IMS_PORT:-8000} $(BIN)/ims demo --if-empty
	@IMS_DEBUG=$${IMS_DEBUG:-true} $(BIN)/ims serve --host $${IMS_HOST:-127.0.0.1} --port $${IMS_PORT:-8000}

## Install and run every gate and the whole suite on SQLite, then on PostgreSQL
test: install lint test-sqlite test-postgres

lint: install
	$(BIN)/ruff check ims tests bench
	$(BIN)/ruff format --check ims tests bench
	IMS_DEBUG=true $(BIN)/mypy ims
	IMS_DEBUG=true $(BIN)/ims makemigrations --check --dry-run

test-sqlite: install
	$(BIN)/python -m pytest -n $${IMS_TEST_WORKERS:-auto} --dist loadgroup

test-postgres: install
	@if $(BIN)/python -m tests.postgres_available "$(IMS_TEST_POSTGRES)"; then \
	  DATABASE_URL="$(IMS_TEST_POSTGRES)" $(BIN)/python -m pytest -n $${IMS_TEST_WORKERS:-auto} --dist loadgroup -m "not browser"; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL at $(IMS_TEST_POSTGRES) is not reachable; CI requires it." >&2; exit 1; \
	else echo "*** PostgreSQL run NOT done: no server at $(IMS_TEST_POSTGRES). Set IMS_TEST_POSTGRES to run it. ***" >&2; fi

## Benchmarks (not part of `make test`): prints `name: value unit` lines
bench: install
	$(BIN)/python -m bench

## Re-resolve the pinned dependencies after changing pyproject.toml
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes -o requirements/lock.txt

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
