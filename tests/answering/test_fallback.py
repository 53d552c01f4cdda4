"""The fallback: every failure of the model ends with the grounded answer, and
repeats need no model at all."""

import pytest

from fitness_voice.answering import (
    FallbackResponder,
    GroundedResponder,
    OpenAIResponder,
)
from tests.answering.notes import (
    PROTEIN_DAILY,
    PROTEIN_FOODS,
    SLEEP,
    SQUAT_HOW,
    ctx,
    line,
)

FAILURES = {
    "slow": "timed out",
    "timeout": "timed out",
    "error500": "HTTP 500",
    "error429": "HTTP 429",
    "malformed": "malformed",
    "empty": "empty reply",
}


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
@pytest.mark.parametrize("mode", list(FAILURES))
def test_fallback_answers_from_the_knowledge_base(openai_server, openai_responder,
                                                  grounded, mode, stream):
    openai_server.mode = mode
    openai_server.delay = 2.0  # "slow": past the 1 s budget
    openai_responder.stream = stream
    responder = FallbackResponder(openai_responder, grounded)
    question = "How much protein should I eat a day?"

    answer = responder.answer(ctx(question, [PROTEIN_DAILY, PROTEIN_FOODS]))

    expected = GroundedResponder().answer(ctx(question, [PROTEIN_DAILY, PROTEIN_FOODS]))
    assert answer.source == "grounded"
    assert answer.text == expected.text
    assert "1.6 grams of protein per kilogram" in answer.text
    assert FAILURES[mode] in answer.error
    assert answer.passages_used == ["protein.md#0"]
    assert {"llm_ms", "primary_ms"} <= set(answer.timings)
    assert len(openai_server.requests) == 1  # no retries past the budget


def test_streamed_reply_that_trickles_past_the_budget_falls_back(openai_server,
                                                                openai_responder, grounded):
    # Every chunk arrives well within the read timeout, but the whole reply does not.
    openai_server.chunk_delay = 0.15
    openai_responder.stream = True
    answer = FallbackResponder(openai_responder, grounded).answer(
        ctx("How much sleep do I need?", [SLEEP]))
    assert answer.source == "grounded"
    assert "while streaming" in answer.error
    assert "seven hours" in answer.text


def test_slow_reply_within_budget_is_used(openai_server, openai_responder, grounded):
    openai_server.mode = "slow"
    openai_server.delay = 0.2
    openai_responder.timeout = 3.0
    answer = FallbackResponder(openai_responder, grounded).answer(ctx("How do I squat?"))
    assert answer.source == "openai" and answer.error is None


def test_fallback_keeps_profile_updates_when_the_follow_up_fails(openai_server,
                                                                 openai_responder, grounded):
    openai_server.mode = "tool_call"
    openai_server.follow_up_mode = "error500"
    answer = FallbackResponder(openai_responder, grounded).answer(
        ctx("I'm Sam and I want to build muscle.", [SQUAT_HOW], relevant=False))
    assert answer.source == "grounded"
    assert "HTTP 500" in answer.error
    assert answer.profile_updates == {"name": "Sam", "goal": "build muscle"}


def test_fallback_survives_an_unreachable_server(grounded):
    responder = OpenAIResponder(api_key="sk-test", base_url="http://127.0.0.1:9/v1", timeout=1.0)
    try:
        answer = FallbackResponder(responder, grounded).answer(ctx("hello"))
    finally:
        responder.close()
    assert answer.source == "grounded" and "connect" in answer.error


def test_repeat_and_slower_do_not_call_the_model(openai_server, openai_responder, grounded):
    responder = FallbackResponder(openai_responder, grounded)
    history = [("How do I squat?", "Sit back and keep your chest up.")]
    state = {}
    again = responder.answer(ctx("Sorry, can you say that again?", history=history, state=state))
    slower = responder.answer(ctx("Say that slower please", history=history, state=state))
    assert again.text == slower.text == "Sit back and keep your chest up."
    assert state["slow"] is True
    assert openai_server.requests == []


def test_fallback_never_raises(grounded):
    class Broken:
        source = "grounded"

        def answer(self, ctx):
            raise RuntimeError("bug")

    answer = FallbackResponder(Broken(), Broken()).answer(ctx("How do I squat?"))
    assert answer.text == line("last_resort")
    assert "RuntimeError" in answer.error
