"""The call flow, called directly: silence, unclear speech and goodbyes."""

import pytest

from fitness_voice.contract import CallState, Reply
from fitness_voice.dialogue.flow import CallFlow, CallFlowSettings, for_the_ear
from tests.dialogue.conftest import turn

FIRST_REPROMPT = "Sorry, I didn't hear anything. What would you like to work on?"
SECOND_REPROMPT = "I still can't hear you. If you're there, just ask me a question."
MISSED_GOODBYE = "I can't hear you, so I'll hang up for now. Call back any time. Goodbye!"
UNCLEAR = "Sorry, I didn't quite catch that. Could you say it again?"
CLOSING = "Thanks for calling. Keep moving and take care. Goodbye!"


@pytest.mark.parametrize(("missed_before", "kind", "said", "end_call"), [
    (0, "reprompt", FIRST_REPROMPT, False),
    (1, "reprompt", SECOND_REPROMPT, False),
    (2, "silence-goodbye", MISSED_GOODBYE, True),
])
@pytest.mark.parametrize("silence", ["", "   "])
def test_silence_reprompts_then_hangs_up(coach, silence, missed_before, kind, said, end_call):
    state = CallState(missed=missed_before)
    reply = coach.respond(turn(silence, state))
    assert (reply.kind, reply.text, reply.end_call) == (kind, said, end_call)
    assert state.missed == missed_before + 1


@pytest.mark.parametrize(("max_missed", "kinds"), [
    (1, ["silence-goodbye"]),
    (2, ["reprompt", "silence-goodbye"]),
    (4, ["reprompt", "reprompt", "reprompt", "silence-goodbye"]),
])
def test_the_number_of_misses_is_a_setting(coach, max_missed, kinds):
    flow = CallFlow(CallFlowSettings(max_missed_turns=max_missed), coach.pipeline)
    state = CallState()
    assert [flow.respond(turn("", state)).kind for _ in kinds] == kinds


def test_speech_resets_the_missed_count(coach):
    state = CallState(missed=2)
    coach.respond(turn("hello coach", state))
    assert state.missed == 0


def test_silence_in_a_workout_belongs_to_the_workout(coach):
    state = CallState()
    coach.respond(turn("let's work out, twenty minutes, no equipment", state))
    reply = coach.respond(turn("", state))
    assert reply.kind.startswith("workout-") and state.missed == 0


@pytest.mark.parametrize(("confidence", "asked_again", "unclear"), [
    (0.1, False, True),
    (0.29, False, True),
    (0.1, True, False),  # asked once already: take what we heard
    (0.3, False, False),
    (0.93, False, False),
    (None, False, False),  # Twilio sent no Confidence: not a low one
])
def test_low_confidence_is_asked_again_once(coach, confidence, asked_again, unclear):
    state = CallState(asked_again=asked_again)
    reply = coach.respond(turn("how much protein", state, confidence=confidence))
    assert (reply.kind == "unclear") is unclear
    assert state.asked_again is unclear
    if unclear:
        assert reply.text == UNCLEAR


@pytest.mark.parametrize("line", ["bye", "Goodbye.", "that's all", "ok thanks bye", "hang up",
                                  "that's all for today", "alright, talk to you later coach"])
def test_goodbye_closes_the_call(coach, line):
    reply = coach.respond(turn(line))
    assert (reply.kind, reply.text, reply.end_call) == ("goodbye", CLOSING, True)


@pytest.mark.parametrize("line", ["how do I say bye to belly fat", "byes and lunges",
                                  "is that all I need to do"])
def test_lines_that_mention_goodbye_are_not_goodbyes(coach, line):
    reply = coach.respond(turn(line))
    assert reply.kind != "goodbye" and not reply.end_call


def test_the_goodbye_is_not_what_say_that_again_repeats(coach):
    state = CallState(last_reply="Rest two minutes.")
    coach.respond(turn("bye", state))
    assert state.last_reply == "Rest two minutes."


def test_replies_are_made_for_the_ear():
    reply = for_the_ear(Reply("Do 3x10 and rest 90s.", segments=["Hold for 30s.", 25, "Go."]))
    assert reply.text == "Do three sets of ten and rest ninety seconds."
    assert reply.segments == ["Hold for thirty seconds.", 25, "Go."]


def test_fixed_phrases_start_with_the_flow_and_hold_lines(coach):
    phrases = coach.fixed_phrases()
    assert phrases[:8] == [FIRST_REPROMPT, SECOND_REPROMPT, MISSED_GOODBYE, UNCLEAR, CLOSING,
                           "One moment.", "Still thinking.",
                           "Sorry, that's taking me too long. Could you ask me again?"]
    assert "Welcome back! What would you like to work on today?" in phrases
    assert len(phrases) == len(set(phrases))


@pytest.mark.parametrize(("line", "kind"), [
    ("I have crushing chest pain", "safety-red_flag"),
    ("I want to end my life", "safety-crisis"),
    ("how much protein", "unclear"),  # anything else heard badly is asked again
])
def test_a_red_flag_heard_with_low_confidence_is_not_asked_again(coach, line, kind):
    state = CallState(intake="name")
    reply = coach.respond(turn(line, state, confidence=0.1))
    assert reply.kind == kind
    assert state.asked_again is (kind == "unclear")
