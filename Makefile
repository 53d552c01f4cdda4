# Two commands do all the set-up on a fresh machine:
#   make demo   installs into .venv, prepares the database and knowledge base,
#               and holds a phone call with the coach in this terminal
#   make test   installs into .venv and runs the test suite
#   make console  the operator console with demo calls, on port 5000
PYTHON ?= python3.11
VENV ?= .venv
BIN = $(VENV)/bin
SCRIPT ?=

.PHONY: demo test setup serve console lint bench clean

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

# The operator console on http://127.0.0.1:5000/console with demo calls, signed in
# as the development operator (README: "The operator console").
console: setup
	FLASK_APP=wsgi $(BIN)/flask console demo
	FLASK_APP=wsgi $(BIN)/flask run --port $${PORT:-5000}

test: $(VENV)/.installed
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .

bench: setup
	$(BIN)/python bench/turn_latency.py

clean:
	rm -rf $(VENV) instance .pytest_cache
