"""Numbers worked out for the caller: numbers in words and digits, the caller's
figures, and rates and formulas in the notes applied to them."""

import pytest

from fitness_voice.answering import compute
from fitness_voice.answering.numbers import numbers, with_digits, words_said


@pytest.mark.parametrize("text, values", [
    ("i weigh 80 kg", [80]),
    ("80kg", [80]),
    ("a hundred and fifty pounds", [150]),
    ("one hundred fifty", [150]),
    ("sixty five kilos", [65]),
    ("sixty-five kilos", [65]),
    ("one point five liters", [1.5]),
    ("1.5 liters", [1.5]),
    ("half a kilogram to one kilogram a week", [0.5, 1]),
    ("two hundred twenty minus your age", [220]),
    ("1,200 calories", [1200]),
    ("twenty to thirty seconds", [20, 30]),
    ("a few sets", []),
    ("", []),
])
def test_numbers_in_words_and_digits(text, values):
    assert [value for value, _start, _end in numbers(text)] == values


@pytest.mark.parametrize("text, expected", [
    ("what heart rate is zone two for a forty year old",
     "what heart rate is zone 2 for a 40 year old"),
    ("one leg calf raise", "one leg calf raise"),          # a lone "one" stays a word
    ("twenty to thirty seconds", "20 to 30 seconds"),
    ("Zone 2, at 60 to 70%", "zone 2 at 60 to 70"),
])
def test_with_digits(text, expected):
    assert with_digits(text) == expected


@pytest.mark.parametrize("text, count", [
    ("110 grams", 4),                 # one hundred ten grams
    ("1.4 to 2.0 grams", 8),          # one point four to two point zero grams
    ("1,200 calories", 5),
    ("about 25 minutes", 3),
    ("70%", 2),
    ("Rest (2 days).", 3),
    ("", 0),
])
def test_words_said_counts_numbers_as_spoken(text, count):
    assert words_said(text) == count


@pytest.mark.parametrize("said, weight, weight_said, age, lose", [
    ("i weigh 80 kg how much protein", 80, "80 kilograms", None, None),
    ("I weigh 80kg", 80, "80 kilograms", None, None),
    ("i'm sixty five kilos and want to build muscle", 65, "65 kilograms", None, None),
    ("how much protein if i'm a hundred and fifty pounds", 68.0, "150 pounds", None, None),
    ("i weigh 176 pounds", 79.8, "176 pounds", None, None),
    ("i weigh 180", 81.6, "180 pounds", None, None),        # no unit: pounds only if > 150
    ("i weigh 75", 75, "75 kilograms", None, None),
    ("i'm 12 stone", 76.2, "12 stone", None, None),
    ("i'm fifty what's my max heart rate", None, None, 50, None),
    ("zone two for a forty year old", None, None, 40, None),
    ("i am 35 years old and weigh 70 kilos", 70, "70 kilograms", 35, None),
    ("i want to lose ten kilos how long will that take", None, None, None, 10),
    ("i lost a kilo during my run", None, None, None, None),  # not their weight
    ("i'm 30 minutes into my run", None, None, None, None),   # not an age
    ("i ran 5 k", None, None, None, None),
    ("how much protein do i need", None, None, None, None),
])
def test_caller_figures(said, weight, weight_said, age, lose):
    figures = compute.caller_figures(said)
    assert figures.weight_kg == (pytest.approx(weight, abs=0.1) if weight else None)
    assert figures.weight_said == weight_said
    assert figures.age == age
    assert figures.lose_kg == (pytest.approx(lose) if lose else None)


@pytest.mark.parametrize("said, lost, lost_said, weekly, weekly_said", [
    ("i lost two kilos sweating in a hot class", 2, "2 kilograms", None, None),
    ("i lost a kilo during my run", 1, "a kilogram", None, None),
    ("i dropped about three pounds on the bike", 1.4, "3 pounds", None, None),
    ("i want to lose ten kilos", None, None, None, None),       # a target, not a loss
    ("if i cycle forty five minutes three times a week is that enough", None, None, 135,
     "45 minutes 3 times a week"),
    ("i walk thirty minutes five days a week", None, None, 150, "30 minutes 5 times a week"),
    ("3 days a week for 20 minutes", None, None, 60, "20 minutes 3 times a week"),
    ("i swim for an hour twice a week", None, None, 120, "60 minutes twice a week"),
    ("i do half an hour every day", None, None, 210, "30 minutes a day"),
    ("i run 5k three times a week", None, None, None, None),   # no minutes said
])
def test_caller_figures_lost_and_weekly(said, lost, lost_said, weekly, weekly_said):
    figures = compute.caller_figures(said)
    assert figures.lost_kg == (pytest.approx(lost, abs=0.1) if lost else None)
    assert (figures.lost_said, figures.weekly_minutes, figures.weekly_said) == (
        lost_said, weekly, weekly_said)


def test_caller_figures_take_the_latest_first():
    figures = compute.caller_figures("i'm 90 kilos now", "i weigh 95 kilos", "i'm forty")
    assert (figures.weight_kg, figures.age) == (90, 40)


PROTEIN = ("For building muscle, the International Society of Sports Nutrition recommends "
           "about 1.4 to 2.0 grams of protein per kilogram of body weight per day.")
PROTEIN_CUT = "For most people, staying around 1.6 to 2.2 grams per kilogram works well."
FLUID = ("The American College of Sports Medicine suggests drinking about 5 to 7 milliliters "
         "of fluid per kilogram of body weight around four hours before exercise.")
CAFFEINE = ("Research on performance uses about 3 to 6 milligrams of caffeine per kilogram of "
            "body weight, taken around 60 minutes before exercise.")
MAX_HR = ("A common estimate of maximum heart rate is 220 minus your age, so a 40 year old "
          "would have a maximum of about 180 beats per minute.")
INTENSITY = ("The American College of Sports Medicine classes moderate intensity as roughly 64 "
             "to 76 percent of maximum heart rate, and vigorous intensity as about 77 to 95 "
             "percent.")
ZONE_2 = ("Zone 2 training means steady, easy cardio, usually around 60 to 70 percent of "
          "maximum heart rate.")
LOSS_RATE = ("The NHS suggests a safe and sustainable rate of weight loss is about half a "
             "kilogram to one kilogram a week.")
NO_RATE = "Spread your protein over three or four meals."
REHYDRATE = ("The American College of Sports Medicine suggests about 1.5 liters of fluid for "
             "every kilogram of body weight lost during exercise, sipped over the next few hours.")
WEEKLY = ("Adults aged 18 to 64 should aim for 150 to 300 minutes of moderate aerobic activity "
          "a week.")
WEEKLY_START = "To get fitter, build up to about 150 minutes a week of moderate activity."


@pytest.mark.parametrize("question, said, sentences, line, fields", [
    ("how much protein", "i weigh 80 kg", [PROTEIN], "computed_per_weight",
     {"weight": "80 kilograms", "low": 110, "high": 160, "amount": "grams of protein a day"}),
    ("how much protein", "i'm a hundred and fifty pounds", [PROTEIN], "computed_per_weight",
     {"weight": "150 pounds", "low": 95, "high": 135, "amount": "grams of protein a day"}),
    # The substance comes from the question when the rate does not say it.
    ("how much protein when cutting", "i'm ninety kilos", [PROTEIN_CUT], "computed_per_weight",
     {"weight": "90 kilograms", "low": 145, "high": 200, "amount": "grams of protein"}),
    ("how much should i drink before a run", "i weigh sixty kilos", [FLUID],
     "computed_per_weight", {"weight": "60 kilograms", "low": 300, "high": 420,
                             "amount": "milliliters of fluid"}),
    ("how much caffeine before lifting", "i'm seventy kilos", [CAFFEINE], "computed_per_weight",
     {"weight": "70 kilograms", "low": 210, "high": 420, "amount": "milligrams of caffeine"}),
    # The first rate in order, past sentences without one.
    ("how much protein", "i weigh 80 kg", [NO_RATE, PROTEIN], "computed_per_weight",
     {"weight": "80 kilograms", "low": 110, "high": 160, "amount": "grams of protein a day"}),
    ("what's my max heart rate", "i'm fifty", [MAX_HR, INTENSITY], "computed_max_heart_rate",
     {"age": 50, "max": 170}),
    # An intensity named in the question picks its range; a zone beats the maximum.
    ("what's moderate for me", "i'm fifty", [MAX_HR, INTENSITY], "computed_heart_rate_range",
     {"age": 50, "low": 110, "high": 130, "max": 170}),
    ("what's vigorous for me", "i'm fifty", [INTENSITY], "computed_heart_rate_range",
     {"age": 50, "low": 130, "high": 160, "max": 170}),
    ("what heart rate is zone two", "a forty year old", [MAX_HR, ZONE_2],
     "computed_heart_rate_range", {"age": 40, "low": 110, "high": 125, "max": 180}),
    ("how long will that take", "i want to lose ten kilos", [LOSS_RATE], "computed_weeks",
     {"amount": "10 kilograms", "low": 10, "high": 20}),
    # A rate per kilogram lost is applied to what was sweated off, in half liters.
    ("how much should i drink", "i lost two kilos sweating", [REHYDRATE],
     "computed_per_lost_single", {"weight": "2 kilograms", "low": 3, "high": 3,
                                  "amount": "liters of fluid"}),
    ("how much should i drink", "i lost a kilo on my run", [REHYDRATE],
     "computed_per_lost_single", {"weight": "a kilogram", "low": 1.5, "high": 1.5,
                                  "amount": "liters of fluid"}),
    # Weekly minutes added up against the guideline.
    ("is that enough", "i cycle forty five minutes three times a week", [WEEKLY],
     "computed_weekly_short", {"said": "45 minutes 3 times a week", "total": 135,
                               "target": 150, "more": 15}),
    ("is that enough", "i walk 30 minutes five days a week", [NO_RATE, WEEKLY_START],
     "computed_weekly_meets", {"said": "30 minutes 5 times a week", "total": 150,
                               "target": 150, "more": 0}),
    # A pace from the caller's goal alone, per kilometer unless a mile is asked or said.
    ("what pace is that per kilometre", "i want to run a five k in thirty minutes", [NO_RATE],
     "computed_pace", {"distance": "5 kilometers", "time": "30 minutes",
                       "pace": "6 minutes", "unit": "kilometer"}),
    ("what pace per mile", "10k in 55 minutes", [NO_RATE], "computed_pace",
     {"distance": "10 kilometers", "time": "55 minutes", "pace": "8 minutes 50 seconds",
      "unit": "mile"}),
    ("what pace do i need", "a half marathon in 2 hours", [NO_RATE], "computed_pace",
     {"distance": "a half marathon", "time": "2 hours", "pace": "5 minutes 40 seconds",
      "unit": "kilometer"}),
    ("how fast is that", "three miles in 1 hour", [NO_RATE], "computed_pace",
     {"distance": "3 miles", "time": "1 hour", "pace": "20 minutes", "unit": "mile"}),
])
def test_compute(question, said, sentences, line, fields):
    found = compute.compute(question, list(enumerate(sentences)), compute.caller_figures(said))
    assert (found.line, found.fields) == (line, fields)


@pytest.mark.parametrize("question, said, sentences", [
    ("how much protein", "", [PROTEIN]),                       # no figures
    ("how much protein", "i'm fifty", [PROTEIN]),               # an age, not a weight
    ("how much protein per meal", "i weigh 80 kg", [PROTEIN]),  # a daily rate, per meal asked
    ("how much protein per meal", "i weigh 80 kg", [PROTEIN_CUT]),  # no period: daily
    ("how much protein", "i weigh 80 kg", [NO_RATE]),           # no rate in the notes
    ("what's my max heart rate", "i weigh 80 kg", [MAX_HR]),
    ("how much should i drink", "i weigh 80 kg", [REHYDRATE]),  # a loss rate, no loss said
    ("what pace should i run", "i run 5k three times a week", [NO_RATE]),  # no time said
    ("how much protein", "a 5k in 30 minutes", [NO_RATE]),      # a race, no pace asked
])
def test_nothing_to_compute(question, said, sentences):
    assert compute.compute(question, list(enumerate(sentences)),
                           compute.caller_figures(said)) is None
