# Two commands do all the set-up on a fresh machine:
#   make demo   installs into .venv, prepares the database and knowledge base,
#               and holds a phone call with the coach in this terminal
#   make test   installs into .venv and runs the test suite
#   make console  the operator console with demo calls, on port 5000
# Both use the development set (requirements-dev.txt: the production install, plus
# sentence-transformers on a CPU-only torch, piper and the test tools).
PYTHON ?= python3.11
VENV ?= .venv
BIN = $(VENV)/bin
SCRIPT ?=
# A scripted demo calls from its own number, so it never renames the interactive
# caller's profile (the interactive demo calls from +15555550100).
SCRIPT_FROM ?= +15555550142

.PHONY: demo test setup serve console lint bench clean reset-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-piper.txt \
		requirements-torch.txt setup.cfg | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-deps -r requirements-torch.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $@

setup: $(VENV)/.installed
	$(BIN)/fitness-voice db upgrade

demo: setup
	$(BIN)/fitness-voice call $(if $(SCRIPT),--script $(SCRIPT) --skip-pauses --from $(SCRIPT_FROM),)

# Forget every demo caller and the rendered audio; the venv and the index stay.
reset-demo:
	rm -f instance/fitness_voice.db instance/fitness_voice.db-wal instance/fitness_voice.db-shm
	rm -rf instance/audio

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
