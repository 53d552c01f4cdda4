"""build_responder: the responders the configuration picks."""

from fitness_voice.answering import FallbackResponder, GroundedResponder, build_responder
from tests.answering.notes import SQUAT_HOW, ctx, passages_of


def test_build_responder_without_a_key_is_grounded():
    assert isinstance(build_responder({}), GroundedResponder)
    assert isinstance(build_responder({"OPENAI_API_KEY": ""}), GroundedResponder)


def test_build_responder_with_a_key_talks_to_the_configured_server(openai_server):
    responder = build_responder({
        "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": openai_server.base_url,
        "OPENAI_MODEL": "local-model", "OPENAI_TIMEOUT": "2", "OPENAI_MAX_TOKENS": "90",
        "OPENAI_TEMPERATURE": "0"}, passages_of=passages_of)
    try:
        assert isinstance(responder, FallbackResponder)
        assert responder.primary.timeout == 2.0
        answer = responder.answer(ctx("How do I squat?", [SQUAT_HOW]))
    finally:
        responder.primary.close()
    assert answer.source == "openai"
    body = openai_server.requests[0]
    assert (body["model"], body["max_completion_tokens"], body["temperature"]) == (
        "local-model", 90, 0.0)
