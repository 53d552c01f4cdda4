"""The answer stage's own checks: the safety check of what is about to be said."""

import pytest

from fitness_voice import answering, lang
from fitness_voice.answering.contract import LLMAnswer
from fitness_voice.dialogue import grounded

NOT_FOUND = lang.catalogue()["answering.not_found"]
PROMPT_ECHO = " ".join(answering.system_prompt().split()[20:40])


@pytest.mark.parametrize(("text", "source", "replaced"), [
    # Grounded text comes from our own notes: its honest "nothing on that" shares
    # words with the prompt and must be spoken as it is.
    (NOT_FOUND, "grounded", False),
    (PROMPT_ECHO, "grounded", False),
    # A model echoing its instructions is replaced.
    (PROMPT_ECHO, "openai", True),
    # The other checks apply to every answer.
    ("You have tendonitis, so rest it.", "grounded", True),
    ("You have tendonitis, so rest it.", "openai", True),
    ("Take 400 milligrams of ibuprofen.", "openai", True),
    ("Aim for 800 calories a day.", "grounded", True),
    ("Aim for about one point six grams of protein per kilogram a day.", "openai", False),
])
def test_the_safety_check_of_the_answer(text, source, replaced):
    assert (grounded._checked(LLMAnswer(text, source)) is not None) is replaced


@pytest.mark.parametrize("said, caution, expected", [
    ("Squats build your legs. Keep your chest up. Want to hear more?",
     "Go easy on your knee.",
     "Squats build your legs. Keep your chest up. Go easy on your knee."),
    ("Squats build your legs.", "Go easy on your knee.",
     "Squats build your legs. Go easy on your knee."),
])
def test_the_injury_caution_keeps_the_answer_within_three_sentences(said, caution, expected):
    assert grounded.cautioned(said, caution) == expected
