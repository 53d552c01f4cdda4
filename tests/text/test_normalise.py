"""The one normaliser for matching, in each of its forms."""

import pytest

from fitness_voice.text.normalise import KEEP, SENTENCES, WORDS, normalise


@pytest.mark.parametrize(("text", "normalised"), [
    ("  Hello,   World! ", "hello world"),
    ("What’s a PLANK?", "what's a plank"),
    ("Didn`t catch that", "didn't catch that"),
    ("2.5 km, 1,200 kcal", "2 5 km 1 200 kcal"),
    ("ＦＵＬＬ width", "full width"),
    ("tabs\tand\nlines", "tabs and lines"),
    ("—", ""),
    ("", ""),
    (None, ""),
])
def test_words_keeps_letters_digits_and_apostrophes(text, normalised):
    assert normalise(text) == normalised == normalise(text, punctuation=WORDS)


@pytest.mark.parametrize(("text", "normalised"), [
    ("  My Knee,  it HURTS. ", "my knee, it hurts."),
    ("don’t have   weights", "don't have weights"),
    ("Half-hour\nplease", "half-hour please"),
    (None, ""),
])
def test_keep_only_folds_case_apostrophes_and_spaces(text, normalised):
    assert normalise(text, punctuation=KEEP) == normalised


@pytest.mark.parametrize(("text", "normalised"), [
    ("I can't breathe.", "i can not breathe ."),
    ("I cant breathe", "i can not breathe"),
    ("I CANNOT do it!", "i can not do it ."),
    ("It’s fine; I'm OK", "it is fine . i am ok"),
    ("I won't, they're gonna", "i will not they are going to"),
    ("She's sore. He'd rest", "she is sore . he would rest"),
    ("I eat eight hundred calories.", "i eat 800 calories ."),
    ("I eat 1,200 calories a day", "i eat 1200 calories a day"),
    ("a thousand calories", "1000 calories"),
    ("one side of my face", "one side of my face"),
    ("Take 2.5 mg... now", "take 2.5 mg . now"),
    ("St. John's wort", "st . johns wort"),
    ("e.g. squats", "e . g . squats"),
    ("Pain!?! Help", "pain . help"),
    ("", ""),
])
def test_safety_form_expands_contractions_and_numbers_and_marks_sentences(text, normalised):
    assert normalise(text, punctuation=SENTENCES, contractions=True, numbers=True) == normalised


@pytest.mark.parametrize(("text", "options", "normalised"), [
    ("Sam's knee, dont ask", {"contractions": True}, "sam's knee do not ask"),
    ("Sam's knee, dont ask", {"contractions": True, "punctuation": SENTENCES},
     "sams knee do not ask"),
    ("dont", {"contractions": True}, "do not"),
    ("I don't, dont", {"contractions": True, "punctuation": KEEP}, "i do not, do not"),
    ("eight hundred", {"numbers": True}, "800"),
    ("eight hundred", {}, "eight hundred"),
    ("1,200 kcal", {"numbers": True, "punctuation": KEEP}, "1200 kcal"),
])
def test_options_combine(text, options, normalised):
    assert normalise(text, **options) == normalised


def test_an_unknown_punctuation_form_is_refused():
    with pytest.raises(ValueError, match="punctuation"):
        normalise("hi", punctuation="none")
