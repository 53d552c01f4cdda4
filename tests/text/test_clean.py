"""Plain speakable text: markdown, URLs, emails and emoji removed, and a length cap."""

import re

import pytest

from fitness_voice import lang
from fitness_voice.text.clean import clean_reply, split_sentences


@pytest.mark.parametrize("raw, cleaned", [
    ("Here's a plan:\n- Squats\n- Lunges", "Here's a plan. Squats. Lunges."),
    ("Try these:\n* Squats\n* Lunges\n* Push-ups", "Try these. Squats. Lunges."),
    ("1. Warm up for five minutes\n2. Do the circuit\n3. Cool down",
     "Warm up for five minutes. Do the circuit. Cool down."),
    ("**Great job!** Keep _going_.", "Great job! Keep going."),
    ("## Warm up\nWalk for five minutes.", "Warm up. Walk for five minutes."),
    ("Use the `rest` timer.", "Use the rest timer."),
    ("Read more at https://www.nhs.uk/live-well/exercise/ today.", "Read more today."),
    ("See www.example.com for details. Keep it easy.", "For details. Keep it easy."),
    ("The [NHS guide](https://www.nhs.uk) is good.", "The NHS guide is good."),
    ("Email me at coach@example.com. Rest well.", "Email me. Rest well."),
    ("Great work \U0001F4AA\U0001F525! You got this \U0001F44D\U0001F3FD",
     "Great work! You got this."),
    ("Nice \u2764\ufe0f job \u2705 today \u2b50", "Nice job today."),
    ("Run when it's under 30\u00b0C.", "Run when it's under 30 degrees C."),
    ("Try a hip hinge, e.g. a deadlift. Then rest. Then stretch. Then go home.",
     "Try a hip hinge, e.g. a deadlift. Then rest. Then stretch."),
    ("Add 2.5 kg. Rest 90 s.", "Add 2.5 kg. Rest 90 s."),
    ("Walk ~20 minutes at 70-80% effort, 3x10 squats, 1.6 g/kg protein.",
     "Walk ~20 minutes at 70-80% effort, 3x10 squats, 1.6 g/kg protein."),
    ("> Quote of the day\nMove more.", "Quote of the day. Move more."),
    ("Good question\nDo squats", "Good question. Do squats."),
    ("   lots    of   space   ", "Lots of space."),
    ("| Day | Workout |\n|---|---|\n| Mon | Legs |", "Day, Workout. Mon, Legs."),
])
def test_clean_reply(raw, cleaned):
    assert clean_reply(raw) == cleaned


def test_clean_reply_caps_sentences_and_characters_at_a_sentence_boundary():
    text = " ".join(f"Sentence number {n} is here." for n in range(1, 8))
    assert clean_reply(text) == ("Sentence number 1 is here. Sentence number 2 is here. "
                                 "Sentence number 3 is here.")
    assert clean_reply(text, max_sentences=5, max_chars=60) == (
        "Sentence number 1 is here. Sentence number 2 is here.")
    assert clean_reply(text, max_sentences=1) == "Sentence number 1 is here."


def test_clean_reply_cuts_one_long_sentence_at_a_word_never_mid_word():
    words = ["squat", "lunge", "hinge", "press", "row", "carry"] * 30
    text = " ".join(words) + "."
    for limit in (40, 57, 100, 399):
        out = clean_reply(text, max_chars=limit)
        assert len(out) <= limit
        assert out.endswith(".")
        assert all(word in words for word in out[:-1].lower().split()), out


def test_clean_reply_prefers_a_clause_boundary_for_a_long_sentence():
    text = ("Keep your chest up and your knees out as you squat down, pause for a moment at "
            "the bottom, then drive up through your whole foot and squeeze at the top.")
    assert clean_reply(text, max_chars=110) == (
        "Keep your chest up and your knees out as you squat down, pause for a moment at the "
        "bottom.")


@pytest.mark.parametrize("raw", [
    "https://example.com/a/very/long/link",
    "- - -\n# \U0001F4AA go\n",
    "**\U0001F4AA** [](https://example.com) ok",
    "coach@example.com",
])
def test_clean_reply_is_never_empty_when_there_were_words(raw):
    out = clean_reply(raw)
    assert out and re.search(r"\w", out)


def test_clean_reply_of_nothing_is_empty():
    assert clean_reply("") == ""
    assert clean_reply("\U0001F4AA\U0001F525") == ""
    assert clean_reply("   ") == ""
    assert clean_reply("- - -\n# \U0001F4AA\n") == ""


def test_clean_reply_is_stable():
    raw = "## Plan\n- **Squats**: 3x10\n- Lunges \U0001F525\nSee https://x.com."
    once = clean_reply(raw)
    assert clean_reply(once) == once


@pytest.mark.parametrize("raw", ["https://example.com/a/very/long/link", "coach@example.com"])
def test_clean_reply_with_nothing_speakable_left_says_it_lost_its_thread(raw):
    assert clean_reply(raw) == lang.catalogue()["text.nothing_speakable"]
    assert clean_reply(raw) == ("Sorry, I lost my train of thought there. "
                                "Could you ask me that again?")


@pytest.mark.parametrize("text, sentences", [
    ("Try a hinge, e.g. a deadlift. Then rest.", ["Try a hinge, e.g. a deadlift.", "Then rest."]),
    ("Add 2.5 more. Rest!", ["Add 2.5 more.", "Rest!"]),
    ("Add 2.5 kg. Rest!", ["Add 2.5 kg. Rest!"]),  # "kg." is an abbreviation
    ("See Dr. Lee today", ["See Dr. Lee today"]),
    ("", []),
])
def test_split_sentences(text, sentences):
    assert split_sentences(text) == sentences
