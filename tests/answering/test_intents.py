"""The grounded responder's small talk and call control, matched on the whole utterance."""

import pytest

from fitness_voice.answering.intents import INTENTS, intent_of, question_part


@pytest.mark.parametrize("said, intent", [
    ("Could you say that slower please", "slower"),
    ("slow down", "slower"),
    ("you're talking too fast", "slower"),
    ("Repeat that", "repeat"),
    ("what?", "repeat"),
    ("Pardon me", "repeat"),
    ("I didn't catch that", "repeat"),
    ("go on", "more"),
    ("and then?", "more"),
    ("anything else I should know", "more"),
    ("tell me more about that", "more"),
    ("what can you help me with", "capabilities"),
    ("who are you", "capabilities"),
    ("thanks so much", "thanks"),
    ("that was really helpful", "thanks"),
    ("good evening coach", "greeting"),
    ("hi there how are you", "greeting"),
    ("yes please", "yes"),
    ("sure thing", "yes"),
    ("got it thanks", "ack"),
    ("fair enough", "ack"),
    ("nope", "no"),
    ("no thank you", "no"),
    ("not right now", "no"),
])
def test_intent_of_small_talk(said, intent):
    assert intent in INTENTS
    assert intent_of(said) == intent


@pytest.mark.parametrize("said", [
    "How do I repeat the circuit?",
    "more protein or more carbs?",
    "Yes, I do squats",
    "Should I go slower on the way down?",
    "",
    "   ",
    "?!",
])
def test_questions_and_nothing_have_no_intent(said):
    assert intent_of(said) is None


@pytest.mark.parametrize("said, question", [
    ("Hi coach, how much protein?", "how much protein"),
    ("ok so um what about squats", "what about squats"),
    ("tell me more about planks", "planks"),
    ("could you tell me more about sleep", "sleep"),
    ("Thanks! And what about rest days?", "and what about rest days"),
    ("Great, quick question: is running bad for knees?", "is running bad for knees"),
    ("hello", ""),
])
def test_question_part_drops_leading_small_talk(said, question):
    assert question_part(said) == question
