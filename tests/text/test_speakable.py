"""Text for the ear: what every speech engine is given to say."""

import pytest

from fitness_voice.text.speakable import cache_text, for_speech

CASES = [
    # sets and reps
    ("Do 3x10 squats.", "Do three sets of ten squats."),
    ("3 x 10 reps", "three sets of ten reps"),
    ("4×8-12 rows", "four sets of eight to twelve rows"),
    ("3X5", "three sets of five"),
    ("Do 3 sets of 8 to 12 reps", "Do three sets of eight to twelve reps"),
    ("Train 2x a week", "Train twice a week"),
    ("Stretch 3x per day", "Stretch three times per day"),
    ("1 rep short", "one rep short"),
    # weights
    ("Add 10kg", "Add ten kilograms"),
    ("Add 10 kg", "Add ten kilograms"),
    ("Use 1 kg plates", "Use one kilogram plates"),
    ("Start with 2.5 kg", "Start with two point five kilograms"),
    ("Squat 225 lbs", "Squat two hundred twenty-five pounds"),
    ("Just 1 lb more", "Just one pound more"),
    ("Grab 10-15lb dumbbells", "Grab ten to fifteen pounds dumbbells"),
    # distance, time, energy, mass
    ("Run 5km", "Run five kilometers"),
    ("Walk 20-30 minutes", "Walk twenty to thirty minutes"),
    ("Walk 20–30 min daily", "Walk twenty to thirty minutes daily"),
    ("Rest 1 min", "Rest one minute"),
    ("Rest 2 mins", "Rest two minutes"),
    ("Hold 30s", "Hold thirty seconds"),
    ("Hold 45 sec per side", "Hold forty-five seconds per side"),
    ("Sleep 7-9 hrs", "Sleep seven to nine hours"),
    ("Eat 2,000 kcal", "Eat two thousand kilocalories"),
    ("Aim for 30g of protein", "Aim for thirty grams of protein"),
    ("1.6 g/kg of protein", "one point six grams per kilogram of protein"),
    ("3-5 mg/kg of caffeine", "three to five milligrams per kilogram of caffeine"),
    ("Drink 500ml of water", "Drink five hundred milliliters of water"),
    ("Keep it under 150 bpm", "Keep it under one hundred fifty beats per minute"),
    ("Run 400m repeats", "Run four hundred meters repeats"),
    # percentages and numbers
    ("Work at 80% effort", "Work at eighty percent effort"),
    ("70-80% of your max", "seventy to eighty percent of your max"),
    ("Take 10,000 steps", "Take ten thousand steps"),
    ("Go 0.5 km further", "Go zero point five kilometers further"),
    ("10+ reps", "ten plus reps"),
    ("Walk ~20 minutes", "Walk about twenty minutes"),
    ("Set 1st, 2nd, 3rd and 4th", "Set first, second, third and fourth"),
    ("on the 21st day", "on the twenty-first day"),
    ("your 100th workout", "your one hundredth workout"),
    ("Run a 5k", "Run a five K"),
    ("in your 30s", "in your thirties"),
    ("since the 1990s", "since the nineteen nineties"),
    ("It costs $20 a month", "It costs twenty dollars a month"),
    ("Eat 1/2 a banana", "Eat one half a banana"),
    ("Start at 6:30 am", "Start at six thirty A M"),
    ("Train at 7pm", "Train at seven P M"),
    ("Meet at 8:05", "Meet at eight oh five"),
    # abbreviations
    ("Try HIIT twice", "Try hit twice"),
    ("Keep your RPE at 7", "Keep your R P E at seven"),
    ("80% of your 1RM", "eighty percent of your one-rep max"),
    ("e.g. squats", "for example squats"),
    ("squats vs lunges", "squats versus lunges"),
    ("squats vs. lunges", "squats versus lunges"),
    ("Check your BMI", "Check your B M I"),
    ("DB rows & KB swings", "dumbbell rows and kettlebell swings"),
    ("Ease DOMS with light cardio", "Ease doms with light cardio"),
    # safety lines must be dialled digit by digit
    ("Call 911 now.", "Call nine one one now."),
    ("call or text 988", "call or text nine eight eight"),
    ("Call 1-800-273-8255", "Call one, eight zero zero, two seven three, eight two five five"),
    ("Dial (555) 555-0100", "Dial five five five, five five five, zero one zero zero"),
    # markdown and lists become plain sentences
    ("**Squats**: chest up", "Squats: chest up"),
    ("Warm up:\n- 5 min bike\n- leg swings", "Warm up: five minutes bike. leg swings."),
    ("## Plan\n1. Squat\n2. Rest", "Plan. Squat. Rest."),
    ("HR < 150", "HR less than one hundred fifty"),
    ("squat - then rest", "squat, then rest"),
    # text with nothing to change stays as it is
    ("Keep your back straight!", "Keep your back straight!"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "spoken"), CASES)
def test_for_speech(text, spoken):
    assert for_speech(text) == spoken


@pytest.mark.parametrize(("text", "_"), CASES)
def test_for_speech_is_idempotent(text, _):
    # The coach filters its replies through for_speech and the speaker does it
    # again: doing it twice must change nothing.
    once = for_speech(text)
    assert for_speech(once) == once


def test_no_digits_survive_in_a_typical_reply():
    reply = ("Do 3x10 goblet squats with a 12kg kettlebell, rest 60-90s between sets, "
             "and finish with 10 min of easy cardio at 60% of your max heart rate.")
    spoken = for_speech(reply)
    assert not any(char.isdigit() for char in spoken), spoken


@pytest.mark.parametrize(("a", "b"), [
    ("Do 3x10 squats.", "do three sets of ten   squats."),
    ("Add 10kg", "Add 10 kilograms"),
    ("Rest  90s.", "rest ninety seconds."),
    ("Try HIIT", "TRY HIT"),
])
def test_cache_text_folds_what_sounds_the_same(a, b):
    assert cache_text(a) == cache_text(b)


def test_cache_text_keeps_what_sounds_different():
    assert cache_text("Rest 90 seconds.") != cache_text("Rest 60 seconds.")
    assert cache_text("Great job!") != cache_text("Great job?")
