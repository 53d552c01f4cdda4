"""The one number-word table: numbers said for the ear, and numbers a caller said."""

import re

import pytest

from fitness_voice.text.numbers import (
    SPOKEN_BELOW_HUNDRED,
    amount_words,
    digits_words,
    number_words,
    ordinal_words,
    parse_number,
    words_to_numbers,
)


@pytest.mark.parametrize(("n", "words"), [
    (0, "zero"), (7, "seven"), (13, "thirteen"), (20, "twenty"), (42, "forty-two"),
    (100, "one hundred"), (105, "one hundred five"), (999, "nine hundred ninety-nine"),
    (1000, "one thousand"), (1250, "one thousand two hundred fifty"),
    (2_000_000, "two million"), (1_000_001, "one million one"),
])
def test_number_words(n, words):
    assert number_words(n) == words


@pytest.mark.parametrize(("n", "words"), [
    (1, "first"), (2, "second"), (3, "third"), (5, "fifth"), (8, "eighth"), (9, "ninth"),
    (12, "twelfth"), (20, "twentieth"), (21, "twenty-first"), (40, "fortieth"),
    (100, "one hundredth"), (112, "one hundred twelfth"),
])
def test_ordinal_words(n, words):
    assert ordinal_words(n) == words


@pytest.mark.parametrize(("digits", "words"), [
    ("911", "nine one one"), ("988", "nine eight eight"), ("0", "zero"),
    ("1-800", "one eight zero zero"),
])
def test_digits_words_reads_digit_by_digit(digits, words):
    assert digits_words(digits) == words


@pytest.mark.parametrize(("raw", "words"), [
    ("1,500", "one thousand five hundred"), ("2.5", "two point five"), (".5", "point five"),
    ("007", "zero zero seven"), ("10", "ten"), ("0.25", "zero point two five"),
])
def test_amount_words(raw, words):
    assert amount_words(raw) == words


# Every entry of the tables this one replaces: memory.NUMBER_WORDS,
# planner._UNITS/_TENS and workouts.EFFORT_WORDS read the same.
OLD_TABLES = [
    ("one", 1), ("two", 2), ("three", 3), ("four", 4), ("five", 5), ("six", 6), ("seven", 7),
    ("eight", 8), ("nine", 9), ("ten", 10), ("eleven", 11), ("twelve", 12), ("thirteen", 13),
    ("fourteen", 14), ("fifteen", 15), ("sixteen", 16), ("seventeen", 17), ("eighteen", 18),
    ("nineteen", 19), ("twenty", 20), ("thirty", 30), ("forty", 40), ("fifty", 50),
    ("sixty", 60), ("seventy", 70), ("eighty", 80), ("ninety", 90),
    ("forty five", 45), ("forty-five", 45),
]


@pytest.mark.parametrize(("said", "number"), OLD_TABLES + [
    ("twenty one", 21), ("ninety-nine", 99), ("zero", 0), ("Forty  Five", 45),
    ("one hundred", 100), ("a hundred", 100), ("an hundred", 100), ("one hundred and five", 105),
    ("twelve hundred", 1200), ("twenty five hundred", 2500), ("a thousand", 1000),
    ("two thousand five hundred six", 2506), ("one hundred twenty thousand", 120_000),
    ("45", 45), ("007", 7), ("1.5", 1.5), (" 30 ", 30),
])
def test_parse_number_reads_one_number(said, number):
    parsed = parse_number(said)
    assert parsed == number and type(parsed) is type(number)


@pytest.mark.parametrize("said", [
    "", "a", "an", "five twenty", "twenty ten", "twenty twenty", "ten one", "hundred",
    "one two", "and five", "five and", "thousand thousand", "one hundred hundred",
    "1,200", ".5", "-3", "forty five minutes", "plenty", "zero one",
])
def test_parse_number_refuses_what_is_not_one_number(said):
    assert parse_number(said) is None


@pytest.mark.parametrize(("said", "number"), [("a", 1), ("an", 1), ("An", 1), ("a hundred", 100)])
def test_a_means_one_when_the_caller_asks_for_amounts(said, number):
    assert parse_number(said, a_means_one=True) == number


@pytest.mark.parametrize(("sentence", "converted"), [
    ("i eat eight hundred calories", "i eat 800 calories"),
    ("twelve hundred a day", "1200 a day"),
    ("a thousand calories", "1000 calories"),
    ("one hundred and twenty", "120"),
    ("two thousand five hundred", "2500"),
    ("nine hundred ninety nine", "999"),
    ("one side of my face", "one side of my face"),
    ("twenty five minutes", "twenty five minutes"),
    ("a lot of hundred", "a lot of 100"),
    ("hundred and and", "100 and and"),
    ("and a thousand", "and 1000"),
    ("", ""),
])
def test_words_to_numbers_converts_only_runs_with_a_scale(sentence, converted):
    assert " ".join(words_to_numbers(sentence.split())) == converted


@pytest.mark.parametrize(("text", "found"), [
    ("about forty five minutes", "forty five"), ("forty-five", "forty-five"),
    ("seventeen reps", "seventeen"), ("ninety", "ninety"), ("twenty\tone", "twenty\tone"),
    ("a hundred", None), ("zero", None), ("twentyone", None),
])
def test_spoken_below_hundred_finds_one_to_ninety_nine(text, found):
    match = re.search(rf"\b(?:{SPOKEN_BELOW_HUNDRED})\b", text)
    assert (match.group(0) if match else None) == found
