"""Markdown to plain spoken prose, sentences, and the normalising utterances are matched in."""

import pytest

from fitness_voice.answering.plain_text import normalise, plain, sentences_of


@pytest.mark.parametrize("markdown, prose", [
    ("## Heading\nBody text.", "Body text."),
    ("**Bold** and *soft* and `code` and __under__", "Bold and soft and code and under"),
    ("See [the guide](https://x.org/a) now.", "See the guide now."),
    ("Visit https://example.com or www.x.org today", "Visit or today"),
    ("![img](a.png)Text", "Text"),
    ("A note[1] here.", "A note here."),
    ("<b>bold</b> text", "bold text"),
    ("> quoted advice", "quoted advice"),
    ("Strong 💪 legs", "Strong legs"),
    ("Protein & carbs ~30 g", "Protein and carbs about 30 g"),
    ("Rest 2-3 min. between sets, e.g. sixty seconds.",
     "Rest 2-3 minutes between sets, for example sixty seconds."),
    ("snake_case_word stays", "snake_case_word stays"),
    ("| a | b |\n|---|---|\n| 1 | 2 |\nAfter the table.", "After the table."),
    ("Sources: WHO 2020", ""),
    ("Line one\nwraps here.", "Line one wraps here."),
    ("Ends with colon:", "Ends with colon."),
    (None, ""),
])
def test_plain(markdown, prose):
    assert plain(markdown) == prose


@pytest.mark.parametrize("markdown, prose", [
    ("Cues:\n- chest up\n- knees out\n- brace", "Cues: chest up, knees out, and brace."),
    ("Cues:\n- Chest up\n- knees out", "Cues: chest up and knees out."),
    ("Cues:\n- chest up", "Cues: chest up."),
    ("- one\n- two", "One. Two."),
    ("1. first step\n2) second step", "First step. Second step."),
    ("Steps:\n- Stand with your feet apart and your toes slightly out\n- Push your hips back",
     "Steps. Stand with your feet apart and your toes slightly out. Push your hips back."),
])
def test_plain_lists_become_sentences(markdown, prose):
    assert plain(markdown) == prose


@pytest.mark.parametrize("text, expected", [
    ("One sentence. Two here! Three? ok.", ["One sentence.", "Two here!", "Three? ok."]),
    ("Do 3 sets. 10 reps each.", ["Do 3 sets.", "10 reps each."]),
    ("Hi. A short one.", ["A short one."]),  # one-word sentences are dropped
    ("## Title\n- easy cardio\n- dynamic stretches", ["Easy cardio.", "Dynamic stretches."]),
])
def test_sentences_of(text, expected):
    assert sentences_of(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Hello, Coach!", "hello coach"),
    ("What’s up?", "what's up"),
    ("  lots   of   space ", "lots of space"),
    ("e-mail 3x/week", "e mail 3x week"),
    (None, ""),
])
def test_normalise(text, expected):
    assert normalise(text) == expected
