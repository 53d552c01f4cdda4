import pytest

from fitness_voice.answering import GroundedResponder, OpenAIResponder
from tests.answering.notes import passages_of


@pytest.fixture
def grounded():
    return GroundedResponder(passages_of=passages_of)


@pytest.fixture
def openai_responder(openai_server):
    """An OpenAIResponder pointed at the peer; set .stream or .timeout per test."""
    responder = OpenAIResponder(api_key="sk-test", base_url=openai_server.base_url, timeout=1.0)
    yield responder
    responder.close()
