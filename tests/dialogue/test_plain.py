"""Figures of speech put plainly before routing and retrieval (dialogue/plain.py)."""

import pytest

from fitness_voice import lang, safety
from fitness_voice.dialogue import plain


@pytest.mark.parametrize(("line", "said"), [
    ("I'm dying to get abs", "i really want to get abs"),
    ("that workout nearly killed me lol", "that workout was really hard lol"),
    ("leg day destroyed me", "leg day was really hard"),
    ("my legs are dead after that spin class", "my legs are really sore and tired after"),
    ("my arms feel like jelly", "my arms feel really sore and tired"),
    ("give me something that'll kill my arms", "work my arms hard"),
    ("what will absolutely murder my glutes", "work my glutes hard"),
    ("give me a killer leg workout", "give me a hard leg workout"),
    ("i'm killing it this week", "i'm doing really well this week"),
    ("i passed out on the couch after leg day", "i fell asleep on the couch"),
    ("i passed out after the gym and slept ten hours", "i fell asleep after the gym"),
    ("how do i make chest press less of a pain to set up", "less of a hassle to set up"),
    ("i could barely walk after leg day", "i was really sore and stiff after leg day"),
    ("i can hardly move since that class", "i am really sore and stiff since"),
    ("i want to get absolutely shredded for summer", "i want to lose body fat and keep muscle"),
    ("what's good for rounded shoulders", "what's good for hunched posture"),
])
def test_figures_of_speech_are_put_plainly(line, said):
    assert said in plain.plain_words(line).lower()


@pytest.mark.parametrize("line", [
    "my knee is killing me", "my chest is killing me", "i'm dying", "I have chest pain",
    "how do i do a dead bug", "i passed out at the gym", "i have a pain in my neck",
    "i rolled my ankle and can barely walk on it", "my dad can barely walk",
    "how do i cut my carbs",
])
def test_plain_words_leave_the_rest_alone(line):
    assert plain.plain_words(line) == line


@pytest.mark.parametrize("line", [
    "my chest is killing me", "i passed out during my run and slept for hours after",
    "i'm dying, i can't breathe",
])
def test_safety_reads_the_callers_own_words(line):
    assert safety.classify(line).category == safety.Category.RED_FLAG


@pytest.mark.parametrize(("data", "error"), [
    ({}, "needs a 'figures' list"),
    ({"figures": [{"say": "x"}]}, "exactly say and plain"),
    ({"figures": [{"say": "(", "plain": "y"}]}, "not a pattern"),
])
def test_a_broken_figures_file_stops_the_app(monkeypatch, data, error):
    monkeypatch.setattr(lang, "data", lambda name, language=None: data)
    plain._figures.cache_clear()
    try:
        with pytest.raises(lang.LanguageDataError, match=error):
            plain.plain_words("anything", "xx")
    finally:
        plain._figures.cache_clear()
