# Two commands do all the set-up on a fresh machine:
#   make demo   installs into .venv, prepares the database and knowledge base,
#               and holds a phone call with the coach in this terminal
#   make test   installs into .venv and runs the test suite
PYTHON ?= python3.11
VENV ?= .venv
BIN = $(VENV)/bin
SCRIPT ?=

.PHONY: demo test setup serve lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: requirements.txt setup.cfg | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

setup: $(VENV)/.installed
	FLASK_APP=wsgi $(BIN)/flask db upgrade

demo: setup
	$(BIN)/fitness-voice call $(if $(SCRIPT),--script $(SCRIPT) --skip-pauses,)

serve: setup
	$(BIN)/gunicorn wsgi:app --config gunicorn.conf.py

test: $(VENV)/.installed
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python bench/turn_latency.py

clean:
	rm -rf $(VENV) instance .pytest_cache
