"""The OpenAI responder against a real Chat Completions server on loopback
(tests/peers/openai_server.py): the request it sends, and what it makes of replies."""

import pytest

from fitness_voice.answering import LLMError
from tests.answering.notes import MARKUP, SQUAT_HOW, SQUAT_MISTAKES, ctx
from tests.peers.openai_server import DEFAULT_REPLY


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_openai_answer_is_the_server_text_with_usage(openai_server, openai_responder, stream):
    openai_responder.stream = stream
    answer = openai_responder.answer(ctx("How do I squat?", [SQUAT_HOW]))

    assert answer.text == DEFAULT_REPLY
    assert answer.source == "openai"
    assert answer.error is None
    assert answer.passages_used == ["squat.md#0"]
    usage = answer.usage
    assert usage["completion_tokens"] == len(DEFAULT_REPLY.split())
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    assert "llm_ms" in answer.timings
    body = openai_server.requests[0]
    assert body.get("stream", False) is stream
    if stream:
        assert body["stream_options"] == {"include_usage": True}


def test_openai_request_carries_prompt_notes_history_and_profile(openai_server, openai_responder):
    history = [("Hi, I'm Sam.", "Hi Sam! What would you like to work on?"),
               ("I want to get stronger legs.", "Squats are a great place to start.")]
    profile = {"name": "Sam", "goal": "stronger legs", "injuries": "sore left knee",
               "days_per_week": 3}
    openai_responder.answer(ctx("What do people get wrong on squats?",
                                [SQUAT_MISTAKES, SQUAT_HOW], history=history, profile=profile))

    body = openai_server.requests[0]
    assert body["model"] == "gpt-4o-mini"
    assert body["max_completion_tokens"] == 160
    assert body["temperature"] == 0.4
    assert [tool["function"]["name"] for tool in body["tools"]] == ["update_profile"]
    assert openai_server.headers[0]["authorization"] == "Bearer sk-test"
    messages = body["messages"]
    assert [m["role"] for m in messages] == [
        "system", "user", "assistant", "user", "assistant", "user"]
    system = messages[0]["content"]
    assert "phone" in system and "one to three short" in system
    assert "Bodyweight squat - Common squat mistakes" in system
    assert "Bodyweight squat - How to do a bodyweight squat" in system
    assert "letting the knees cave inward" in system
    assert system.index("Common squat mistakes") < system.index("How to do a bodyweight squat")
    assert "name: Sam" in system and "injuries or limitations: sore left knee" in system
    assert "training days per week: 3" in system
    assert messages[1]["content"] == "Hi, I'm Sam."
    assert messages[4]["content"] == "Squats are a great place to start."
    assert messages[-1] == {"role": "user", "content": "What do people get wrong on squats?"}


def test_openai_says_when_no_notes_matched(openai_server, openai_responder):
    openai_responder.answer(ctx("Who won the football last night?", [], relevant=False))
    system = openai_server.requests[0]["messages"][0]["content"]
    assert "none matched this question" in system
    assert "nothing yet" in system  # no profile


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_openai_tool_call_updates_profile_then_speaks(openai_server, openai_responder, stream):
    openai_responder.stream = stream
    openai_server.mode = "tool_call"
    openai_server.tool_arguments = {"name": "Sam", "goal": "build muscle", "days_per_week": 3}
    openai_server.reply_text = "Nice to meet you, Sam. Three days a week is a great start."

    answer = openai_responder.answer(ctx("I'm Sam, I want to build muscle, three days a week."))

    assert answer.profile_updates == {"name": "Sam", "goal": "build muscle", "days_per_week": 3}
    assert answer.text == "Nice to meet you, Sam. Three days a week is a great start."
    assert len(openai_server.requests) == 2
    follow_up = openai_server.requests[1]
    assert follow_up["tool_choice"] == "none"
    call = follow_up["messages"][-2]
    assert call["role"] == "assistant"
    assert call["tool_calls"][0]["function"]["name"] == "update_profile"
    result = follow_up["messages"][-1]
    assert result["role"] == "tool" and result["tool_call_id"] == call["tool_calls"][0]["id"]
    first, second = (sum(len(str(m.get("content") or "").split()) for m in r["messages"])
                     for r in openai_server.requests)
    assert answer.usage["prompt_tokens"] == first + second


def test_openai_tool_call_with_text_needs_no_second_call(openai_server, openai_responder):
    openai_server.mode = "tool_call"
    openai_server.tool_content = "Got it, Sam. Let's build some muscle."
    answer = openai_responder.answer(ctx("My name is Sam and I want to build muscle."))
    assert answer.text == "Got it, Sam. Let's build some muscle."
    assert answer.profile_updates == {"name": "Sam", "goal": "build muscle"}
    assert len(openai_server.requests) == 1


@pytest.mark.parametrize("arguments, expected", [
    ({"name": "  Sam ", "days_per_week": 12, "minutes_per_session": "45",
      "experience": "Beginner", "shoe_size": 9}, {"name": "Sam", "minutes_per_session": 45,
                                                  "experience": "beginner"}),
    ({"experience": "expert", "injuries": "", "equipment": "two dumbbells"},
     {"equipment": "two dumbbells"}),
    ('{"name": "Sam", ', {}),
    ('["Sam"]', {}),
])
def test_openai_profile_updates_keep_only_sensible_values(openai_server,
                                                          openai_responder, arguments, expected):
    openai_server.mode = "tool_call"
    openai_server.tool_arguments = arguments
    answer = openai_responder.answer(ctx("Some things about me."))
    assert answer.profile_updates == expected
    assert answer.text == DEFAULT_REPLY


def test_openai_server_without_tool_support_still_answers(openai_server, openai_responder):
    openai_server.mode = "no_tools"
    first = openai_responder.answer(ctx("How do I squat?"))
    second = openai_responder.answer(ctx("And how deep?"))
    assert first.text == second.text == DEFAULT_REPLY
    assert [("tools" in body) for body in openai_server.requests] == [True, False, False]


def test_openai_reply_cut_off_keeps_whole_sentences(openai_server, openai_responder):
    openai_server.reply_text = "Do three sets of ten. Then rest for about two"
    openai_server.finish_reason = "length"
    assert openai_responder.answer(ctx("How many sets?")).text == "Do three sets of ten."


def test_openai_reply_is_made_plain_for_speech(openai_server, openai_responder):
    openai_server.reply_text = ("**Squat** with your chest up.\n- Push your knees out\n"
                                "- Sit back, see https://example.com/squat 💪")
    text = openai_responder.answer(ctx("How do I squat?")).text
    assert not MARKUP.search(text), text
    assert text == "Squat with your chest up. Push your knees out. Sit back, see."


@pytest.mark.parametrize("junk", [
    "", "   \n ", "I'm sorry, but I can't assist with that.", "Sorry, I cannot help with that "
    "request.", '{"reply": "Do squats."}', "As an AI language model, I cannot give advice.",
    "<think>The user wants squats.</think>",
])
def test_openai_unusable_reply_is_an_error(openai_server, openai_responder, junk):
    openai_server.reply_text = junk
    with pytest.raises(LLMError):
        openai_responder.answer(ctx("How do I squat?"))


def test_openai_keeps_a_real_answer_that_declines_to_diagnose(openai_server, openai_responder):
    openai_server.reply_text = ("Sorry, I can't help with diagnosing knee pain, so please see a "
                                "physiotherapist. Meanwhile keep squats pain free.")
    text = openai_responder.answer(ctx("Why does my knee click?")).text
    assert text == openai_server.reply_text
