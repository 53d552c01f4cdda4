"""The coach as the factory builds it (real knowledge base, workouts, safety),
called directly with plain turn data: no HTTP, no database."""

import pytest

from fitness_voice import create_app
from fitness_voice.contract import CallerInfo, CallState, TurnInput
from tests.conftest import app_config


@pytest.fixture(scope="session")
def coach(tmp_path_factory):
    app = create_app(app_config(tmp_path_factory.mktemp("dialogue")))
    return app.extensions["fitness_voice"].coach


def turn(line, state=None, confidence=0.93, caller=None, history=()):
    """What the caller said, as the call loop hands it to the coach."""
    return TurnInput(line, confidence, caller or CallerInfo("+15555550100"),
                     state if state is not None else CallState(), list(history))
