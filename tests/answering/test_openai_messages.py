"""The Chat Completions messages for a turn, and the profile facts a tool call may set,
checked without a server."""

import pytest

from fitness_voice.answering import openai_messages, system_prompt
from fitness_voice.answering.openai_messages import build_messages, clean_profile_updates
from tests.answering.notes import MARKDOWN, SLEEP, ctx


def system_of(context):
    return build_messages(context)[0]["content"]


def test_the_system_message_is_the_prompt_then_the_caller_then_the_notes():
    system = system_of(ctx("How long should I sleep?", [SLEEP], profile={"name": "Sam"}))
    assert system.startswith(system_prompt() + "\n\n")
    caller, notes = system[len(system_prompt()) + 2:].split("\n\n", 1)
    assert caller == "About the caller (from what they told you before): name: Sam."
    assert notes.startswith("Coaching notes for this question, best match first:\n\n"
                            "[1] Sleep for fitness - How much sleep you need\nAdults need")


@pytest.mark.parametrize("profile, line", [
    ({}, "About the caller: nothing yet; this may be their first call."),
    ({"name": "", "goal": None}, "About the caller: nothing yet; this may be their first call."),
    ({"injuries": "sore knee", "days_per_week": 3, "name": "Ann"},
     "About the caller (from what they told you before): name: Ann; "
     "injuries or limitations: sore knee; training days per week: 3."),
    ({"goal": "run " * 40}, "About the caller (from what they told you before): goal: "
     + "run " * 19 + "run ...."),
])
def test_the_profile_line(profile, line):
    assert line in system_of(ctx("hi", profile=profile))


@pytest.mark.parametrize("passages, relevant, header", [
    ([], False, "Coaching notes: none matched this question."),
    ([SLEEP], True, "Coaching notes for this question, best match first:"),
    ([SLEEP], False, "Coaching notes found for this question. They may not answer it; "
                     "use them only if they do:"),
])
def test_the_notes_header_says_how_far_to_trust_them(passages, relevant, header):
    assert system_of(ctx("hi", passages, relevant=relevant)).endswith(
        header if not passages else header + "\n\n[1] Sleep for fitness - How much sleep you "
        "need\n" + " ".join(SLEEP.text.split()))


def test_notes_are_plain_and_at_most_four():
    system = system_of(ctx("warm up?", [MARKDOWN] * 6))
    assert "[4] Warm-up - Warm-up basics" in system and "[5]" not in system
    assert "**" not in system.split("Coaching notes", 1)[1]


def test_history_is_the_last_six_turns_clipped():
    history = [(f"question {i}", f"answer {i}") for i in range(8)] + [("x" * 700, "")]
    messages = build_messages(ctx("last", history=history))
    said = [m["content"] for m in messages[1:]]
    assert said[0] == "question 3" and said[-1] == "last"
    assert len(said[-2]) <= 604 and said[-2].endswith("...")


@pytest.mark.parametrize("values, expected", [
    ({"name": "  Sam ", "shoe_size": 9}, {"name": "Sam"}),
    ({"days_per_week": "3", "minutes_per_session": 45.7}, {"days_per_week": 3,
                                                           "minutes_per_session": 45}),
    ({"days_per_week": 0, "minutes_per_session": 241}, {}),
    ({"days_per_week": True, "minutes_per_session": "an hour"}, {}),
    ({"experience": " Advanced "}, {"experience": "advanced"}),
    ({"experience": "expert"}, {}),
    ({"name": "x" * 60, "goal": "y" * 200}, {"name": "x" * 40, "goal": "y" * 120}),
    ({"injuries": "  ", "equipment": "two\n dumbbells"}, {"equipment": "two dumbbells"}),
])
def test_clean_profile_updates(values, expected):
    assert clean_profile_updates(values) == expected


@pytest.mark.parametrize("calls, expected", [
    ([("c1", "update_profile", '{"name": "Sam"}'), ("c2", "update_profile", '{"goal": "5k"}')],
     {"name": "Sam", "goal": "5k"}),
    ([("c1", "delete_everything", '{"name": "Sam"}')], {}),
    ([("c1", "update_profile", "not json")], {}),
    ([("c1", "update_profile", "")], {}),
])
def test_profile_updates_merge_the_tool_calls(calls, expected):
    assert openai_messages.profile_updates(calls) == expected


def test_tool_results_name_what_was_saved():
    results = openai_messages.tool_results([("c1", "update_profile", "{}")],
                                           {"name": "Sam", "goal": "5k"})
    assert results == [{"role": "tool", "tool_call_id": "c1",
                        "content": '{"saved": ["goal", "name"]}'}]


@pytest.mark.parametrize("a, b, total", [
    ({}, {"total_tokens": 3}, {"total_tokens": 3}),
    ({"total_tokens": 2, "prompt_tokens": 1}, {"total_tokens": 3},
     {"total_tokens": 5, "prompt_tokens": 1}),
])
def test_add_usage(a, b, total):
    assert openai_messages.add_usage(a, b) == total
