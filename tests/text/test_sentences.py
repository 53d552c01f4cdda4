"""The one sentence splitter, and lines that become sentences."""

import pytest

from fitness_voice.text.sentences import join_lines, split_sentences


@pytest.mark.parametrize(("text", "sentences"), [
    ("Squat low. Rest a minute!", ["Squat low.", "Rest a minute!"]),
    ("Ready? Go!", ["Ready?", "Go!"]),
    ("Wait... what?!", ["Wait...", "what?!"]),
    ("Eat 2.5 cups of oats. Then rest.", ["Eat 2.5 cups of oats.", "Then rest."]),
    ("Try e.g. squats. Or lunges.", ["Try e.g. squats.", "Or lunges."]),
    ("Ask Dr. Smith first. Then train.", ["Ask Dr. Smith first.", "Then train."]),
    ("Take vitamin D. It helps.", ["Take vitamin D. It helps."]),
    ("Add 5 kg. next week.", ["Add 5 kg. next week."]),
    ("Bands, mats, etc. Then go.", ["Bands, mats, etc.", "Then go."]),
    ("bands, mats, etc. and so on.", ["bands, mats, etc. and so on."]),
    ('He said "stop." Then rest.', ['He said "stop."', "Then rest."]),
    ("Rest (a minute.) Go.", ["Rest (a minute.)", "Go."]),
    ("No trailing stop", ["No trailing stop"]),
    ("One.  \n Two.", ["One.", "Two."]),
    ("... !", []),
    ("Done. -- . Next.", ["Done.", "Next."]),
    ("", []),
])
def test_split_sentences(text, sentences):
    assert split_sentences(text) == sentences


@pytest.mark.parametrize(("text", "sentences"), [
    ("Ask Dr. Smith first.", ["Ask Dr.", "Smith first."]),
    ("Take vitamin D. It helps.", ["Take vitamin D.", "It helps."]),
    ("Six thirty A M. Go.", ["Six thirty A M.", "Go."]),
    ("Eat 2.5 g. Rest.", ["Eat 2.5 g.", "Rest."]),
])
def test_without_abbreviations_every_stop_ends_a_sentence(text, sentences):
    assert split_sentences(text, abbreviations=False) == sentences


@pytest.mark.parametrize(("text", "sentences"), [
    ("Keep going. then rest.", ["Keep going. then rest."]),
    ("Keep going. Then rest.", ["Keep going.", "Then rest."]),
    ("Do it. 3 sets.", ["Do it.", "3 sets."]),
    ('Do it. "Slowly," he said.', ["Do it.", '"Slowly," he said.']),
    ("Do it. (Slowly.) Rest.", ["Do it.", "(Slowly.)", "Rest."]),
    ("Rest. ", ["Rest."]),
])
def test_capital_next_ends_a_sentence_only_before_a_capital_or_digit(text, sentences):
    assert split_sentences(text, abbreviations=False, capital_next=True) == sentences


@pytest.mark.parametrize(("text", "joined"), [
    ("Warm up:\n- 5 min bike\n- leg swings", "Warm up: - 5 min bike. - leg swings."),
    ("one line", "one line"),
    ("  one line  \n\n", "one line"),
    ("First\nSecond!\nThird,", "First. Second! Third,"),
    ("", ""),
])
def test_join_lines_makes_each_line_a_sentence(text, joined):
    assert join_lines(text) == joined
