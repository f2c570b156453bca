# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres lint bench bench-broadcast bench-load bench-web clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/kepubot run-or-chat

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy  # pyproject.toml: strict on content/ and the services

test: lint
	$(BIN)/python -m pytest -q

# The same suite on PostgreSQL: the server of KEPUBOT_TEST_DATABASE_URL, else a local one that
# .ci/postgres installs (Debian's package) and starts on 127.0.0.1.
test-postgres: $(STAMP)
	KEPUBOT_TEST_DATABASE_URL="$${KEPUBOT_TEST_DATABASE_URL:-$$(bash .ci/postgres start)}" \
		$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/qa.py

bench-broadcast: $(STAMP)
	$(BIN)/python bench/broadcast.py

bench-load: $(STAMP)
	$(BIN)/python bench/load.py

bench-web: $(STAMP)
	$(BIN)/python bench/web.py

clean:
	rm -rf $(VENV) data/*.db .pytest_cache
