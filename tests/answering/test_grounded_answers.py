"""Answers composed for the question: its kind, the caller's profile and figures,
two passages when one leaves part of it open, follow-ups, honest misses, and the
lines that must not trip the safety output check."""

import pytest

from fitness_voice import lang, safety
from fitness_voice.answering import GroundedResponder, system_prompt
from tests.answering.notes import Passage, ctx, sentences

PLANK_HOW = Passage(
    "plank.md#0",
    "To do a plank, prop yourself up on your forearms, elbows under your shoulders. "
    "Lift your hips so your body forms a straight line from head to heels.",
    "Plank", "How to do a plank", "plank.md", score=0.70)
PLANK_HOLD = Passage(
    "plank.md#1",
    "Hold a plank for about 20 to 30 seconds to start, for two or three sets. "
    "Stop the set when your hips start to sag.",
    "Plank", "How long to hold a plank", "plank.md", score=0.0)
STRETCH_HOLD = Passage(
    "stretch.md#0",
    "Hold a static stretch for 10 to 30 seconds, to the point of mild tightness.",
    "Stretching", "How long to hold a stretch", "stretch.md", score=0.55)
REPS_STRENGTH = Passage(
    "reps.md#0",
    "For maximal strength, lift heavier weights for about 1 to 6 repetitions per set. "
    "Save this heavy work for big lifts once your technique is solid.",
    "Sets and reps", "How many reps for strength", "reps.md", score=0.66)
REPS_MUSCLE = Passage(
    "reps.md#1",
    "For building muscle, about 6 to 12 repetitions per set is a common and effective range. "
    "The last few reps of each set should feel hard.",
    "Sets and reps", "How many reps to build muscle", "reps.md", score=0.65)
SETS = Passage(
    "sets.md#0",
    "Most adults do well with 2 to 4 sets per exercise. Beginners can progress with 1 to 3 sets.",
    "Sets", "How many sets per exercise", "sets.md", score=0.64)
DOMS = Passage(
    "doms.md#0",
    "Delayed onset muscle soreness is the stiff feeling that shows up 12 to 24 hours after a "
    "new or harder workout. It is a normal response to unfamiliar effort. It usually peaks "
    "one to three days after exercise and fades within about five to seven days.",
    "Muscle soreness", "What delayed onset muscle soreness is", "doms.md", score=0.6)
PROTEIN_DAY = Passage(
    "protein.md#0",
    "For building muscle, aim for about 1.4 to 2.0 grams of protein per kilogram of body "
    "weight per day. Research suggests the benefit levels off around 1.6 grams per kilogram.",
    "Protein", "How much protein per day", "protein.md", score=0.68)
PROTEIN_CUT = Passage(
    "protein.md#1",
    "When cutting calories, eating more protein helps you hold on to muscle. "
    "Staying around 1.6 to 2.2 grams per kilogram works well alongside strength training.",
    "Protein", "Protein while losing weight", "protein.md", score=0.6)
VEG_FOODS = Passage(
    "veg.md#0",
    "Good vegetarian protein sources are tofu, tempeh, lentils, beans and eggs.",
    "Vegetarian protein", "Vegetarian protein foods", "veg.md", score=0.62)
MAX_HR = Passage(
    "hr.md#0",
    "A common estimate of maximum heart rate is 220 minus your age, so a 40 year old would "
    "have a maximum of about 180 beats per minute.",
    "Heart rate", "How to estimate your maximum heart rate", "hr.md", score=0.65)
ZONE_2 = Passage(
    "hr.md#1",
    "Zone 2 training means steady, easy cardio, usually around 60 to 70 percent of maximum "
    "heart rate.",
    "Heart rate", "What zone 2 training is", "hr.md", score=0.63)
FILES = {"plank.md": [PLANK_HOW, PLANK_HOLD], "reps.md": [REPS_STRENGTH, REPS_MUSCLE],
         "protein.md": [PROTEIN_DAY, PROTEIN_CUT], "hr.md": [MAX_HR, ZONE_2],
         "doms.md": [DOMS]}


@pytest.fixture
def coach():
    return GroundedResponder(passages_of=lambda file: list(FILES.get(file, [])))


class Call:
    def __init__(self, responder, profile=None):
        self.responder, self.profile = responder, dict(profile or {})
        self.history, self.state = [], {}

    def say(self, words, passages=(), relevant=None):
        answer = self.responder.answer(ctx(words, passages, relevant=relevant,
                                           history=self.history[-6:], profile=self.profile,
                                           state=self.state))
        self.history.append((words, answer.text))
        return answer.text


def words(text):
    return len(text.replace("Want to hear more?", "").split())


@pytest.mark.parametrize("question, passages, profile, wanted, unwanted", [
    # The kind of question picks the sentence: a duration for "how long" ...
    ("how long should I hold a plank", [PLANK_HOW, STRETCH_HOLD], {}, "20 to 30 seconds",
     "forearms"),
    # ... a yes-and-reason for "is that normal" ...
    ("sore after a workout, is that normal?", [DOMS], {}, "normal response", None),
    # ... the caller's goal picks between ranges ...
    ("how many reps should I do", [REPS_STRENGTH, REPS_MUSCLE], {"goal": "build muscle"},
     "6 to 12 repetitions", "1 to 6"),
    ("how many reps should I do", [REPS_STRENGTH, REPS_MUSCLE], {"goal": "get stronger"},
     "1 to 6 repetitions", "6 to 12"),
    # ... and "how much" without "per meal" means a day.
    ("how much protein do I need", [PROTEIN_CUT, PROTEIN_DAY], {}, "per day", None),
])
def test_the_sentence_that_answers_the_question(coach, question, passages, profile, wanted,
                                                 unwanted):
    text = Call(coach, profile).say(question, passages)
    assert wanted in text
    assert unwanted is None or unwanted not in text
    assert words(text) <= 40


def test_two_passages_answer_two_halves(coach):
    # The reps passage leaves "sets" open; the sets passage is about sets.
    text = Call(coach, {"goal": "build muscle"}).say(
        "how many sets and reps for building muscle", [REPS_MUSCLE, SETS])
    assert "6 to 12 repetitions" in text and "2 to 4 sets" in text


@pytest.mark.parametrize("said, passages, wanted", [
    ("I weigh 80 kg, how much protein?", [PROTEIN_DAY],
     "At 80 kilograms, that's about 110 to 160 grams of protein a day."),
    ("how much protein for a hundred and fifty pounds", [PROTEIN_DAY],
     "At 150 pounds, that's about 95 to 135 grams of protein a day."),
    ("I'm fifty, what's my max heart rate?", [MAX_HR, ZONE_2],
     "At 50, that's a maximum of about 170 beats per minute."),
    ("what heart rate is zone two for a forty year old", [MAX_HR, ZONE_2],
     "At 40, that's about 110 to 125 beats per minute."),
])
def test_numbers_worked_out_from_the_callers_figures(coach, said, passages, wanted):
    text = Call(coach).say(said, passages)
    assert text.startswith(wanted)
    assert "40 year old" not in text  # the notes' own example is left out


def test_tell_me_more_after_a_worked_figure_reads_the_rule(coach):
    call = Call(coach)
    assert call.say("I'm fifty, what's my max heart rate?", [MAX_HR]).endswith(
        "Want to hear more?")
    assert call.say("yes").startswith("A common estimate of maximum heart rate is 220 minus")


def test_figures_given_after_the_question(coach):
    call = Call(coach)
    call.say("how much protein do I need?", [PROTEIN_DAY])
    assert call.say("I weigh seventy kilos", [PROTEIN_DAY]).startswith(
        "At 70 kilograms, that's about 100 to 140 grams of protein a day.")


def test_how_long_after_how_to_reads_the_hold_time_of_the_same_exercise(coach):
    call = Call(coach)
    assert "forearms" in call.say("how do I do a plank", [PLANK_HOW])
    # Retrieval finds the stretch hold time; the plank file has the answer.
    text = call.say("how long should I hold it", [STRETCH_HOLD, PLANK_HOW])
    assert "20 to 30 seconds" in text and "stretch" not in text


def test_why_gives_the_reason_not_a_repeat(coach):
    call = Call(coach)
    first = call.say("how much protein do I need", [PROTEIN_DAY, PROTEIN_CUT])
    assert "1.4 to 2.0 grams" in first
    why = call.say("why?", [PROTEIN_DAY, PROTEIN_CUT])
    assert "helps you hold on to muscle" in why
    assert "1.4 to 2.0" not in why


def test_why_reads_the_reason_sentence_of_the_last_passage(coach):
    call = Call(coach)
    passage = Passage("rest.md#0", "Take one or two rest days a week, especially when you "
                      "are starting out. You can train on back to back days if you alternate "
                      "muscle groups or mix hard and easy sessions. Rest days let your muscles "
                      "repair, because training breaks them down.", "Rest",
                      "How many rest days", "rest.md", score=0.7)
    first = call.say("how many rest days do I need", [passage])
    assert "repair" not in first
    assert call.say("why", [passage]).startswith("Rest days let your muscles repair")


def test_why_after_the_reason_was_said_says_just_the_reason(coach):
    call = Call(coach)
    passage = Passage("rest.md#1", "Take a rest day a week, because muscles repair between "
                      "sessions. Walk on rest days.", "Rest", "Rest days", "rest.md", score=0.7)
    call.say("do I need rest days", [passage])
    assert call.say("but why", [passage]) == "Take a rest day a week, because muscles repair " \
        "between sessions."


def test_why_reads_the_why_section_of_the_last_answers_file():
    day = Passage("muscle.md#0", "Aim for 1.6 grams of protein per kilogram a day. Spread it "
                  "over your meals.", "Protein", "How much protein a day", "muscle.md",
                  score=0.7)
    why = Passage("muscle.md#1", "Training signals muscle to grow, and protein supplies the "
                  "amino acids it rebuilds with.", "Protein", "Why protein helps build muscle",
                  "muscle.md", score=0.0)
    call = Call(GroundedResponder(passages_of=lambda file: [day, why]))
    call.say("how much protein should i eat", [day])
    assert call.say("why", [day]).startswith("Training signals muscle to grow")


def test_a_yes_or_no_question_hears_the_verdict_first(coach):
    older = Passage("older.md#0", "Strength training is safe and valuable for most older "
                    "adults, and it helps slow the natural loss of muscle and bone with age. "
                    "Aim for at least two days a week working all the major muscle groups. "
                    "Start with a light weight you can lift 10 to 15 times with good form.",
                    "Older adults", "Strength training for older adults", "older.md",
                    score=0.6)
    assert Call(coach).say("i'm seventy can i still lift weights", [older]).startswith(
        "Strength training is safe")


def test_a_follow_up_with_words_of_its_own_answers_those_words(coach):
    cold = Passage("sick.md#0", "With a runny nose, light exercise is usually fine if you feel "
                   "up to it. Reduce the intensity of your workout. Stay home so you don't "
                   "spread your cold.", "Exercising when sick", "Should I exercise with a cold",
                   "sick.md", score=0.66)
    fever = Passage("sick.md#1", "Skip exercise if you have a fever or body aches. Rest and "
                    "wait until the fever has gone.", "Exercising when sick",
                    "When not to exercise", "sick.md", score=0.64)
    call = Call(coach)
    call.say("i've got a cold should i still work out", [cold, fever])
    assert "fever" in call.say("what if i've got a fever too", [cold, fever])


def test_a_condition_follow_up_keeps_the_question(coach):
    call = Call(coach)
    call.say("how many sets should I do", [SETS])
    assert "1 to 3 sets" in call.say("what about for beginners?", [SETS])


@pytest.mark.parametrize("question, passages, relevant, expected", [
    # On topic, the nearest passage is related: say so, then the nearest useful thing.
    ("how do I get rid of a side stitch when running", [DOMS], False, None),
    ("does foam rolling help with muscle soreness", [DOMS], False,
     "I don't have notes on exactly that yet. The closest I have: "),
    # Nothing related: honest, and what the coach can help with.
    ("what's a good rowing stroke rate", [PLANK_HOW], False, "I don't have notes on that yet"),
    ("what's a good rowing stroke rate", [], False, "I don't have notes on that yet"),
])
def test_honest_misses(coach, question, passages, relevant, expected):
    text = Call(coach).say(question, passages, relevant=relevant)
    assert "I don't have notes on" in text
    if expected:
        assert text.startswith(expected)
    assert "keep to your training" not in text


def test_a_slip_the_notes_match_anyway_is_answered():
    creatine = Passage("creatine.md#0", "Creatine is one of the most studied supplements, "
                       "and research shows it's safe for healthy people.", "Creatine",
                       "Is creatine safe", "creatine.md", score=0.27)
    text = Call(GroundedResponder()).say("is create in safe", [creatine], relevant=False)
    assert text.startswith("Creatine is one of the most studied supplements")


@pytest.mark.parametrize("said, key", [
    ("what can you even do", "capabilities"),
    ("who am I talking to", "capabilities"),
    ("help, I don't know what to ask", "capabilities"),
    ("how are you doing today", "how_are_you"),
    ("thank you that's really helpful", "welcome"),
    ("okay thanks that's all for today bye", "goodbye"),
    ("okay I'm gonna go do my workout now, see ya", "goodbye"),
])
def test_small_talk_gets_its_line(coach, said, key):
    assert Call(coach).say(said) == lang.catalogue()[f"answering.{key}"]


def test_no_line_of_the_grounded_responder_trips_the_safety_output_check():
    lines = lang.catalogue()
    keys = [key for key in lines._lines if key.startswith("answering.")]
    fields = {"name": "Sam", "nearest": "Rest days let your muscles recover.",
              "weight": "80 kilograms", "low": 110, "high": 160, "amount": "grams of protein",
              "age": 50, "max": 170, "said": "30 minutes 5 times a week", "total": 150,
              "target": 150, "more": 15, "distance": "5 kilometers", "time": "30 minutes",
              "pace": "6 minutes", "unit": "kilometer"}
    for key in keys:
        for variant in lines.choices(key):
            text = variant.format(**fields)
            assert safety.check_reply(text, instructions=system_prompt()) is None, key


def test_computed_lines_are_in_the_catalogue():
    lines = lang.catalogue()
    fields = {"weight": "80 kilograms", "low": 1, "high": 2, "amount": "grams", "age": 50,
              "max": 170, "distance": "5 kilometers", "time": "30 minutes", "pace": "6 minutes",
              "unit": "kilometer"}
    for key in ("computed_per_weight", "computed_per_weight_single", "computed_max_heart_rate",
                "computed_heart_rate_range", "computed_weeks", "computed_pace"):
        assert lines.say(f"answering.{key}", **fields)


def test_a_reply_is_three_sentences_at_most_with_the_offer_of_more(coach):
    steps = Passage("steps.md#0", "Stand tall. Brace your core. Lower slowly. Pause at the "
                    "bottom. Drive up through your heels. Breathe out at the top.", "Squat",
                    "How to do a squat", "steps.md", score=0.7)
    text = Call(coach).say("how do I do a squat", [steps])
    assert text.endswith("Want to hear more?")
    assert len(sentences(text)) <= 3


@pytest.mark.parametrize("question, passages", [
    ("how much protein do I need", [PROTEIN_DAY, PROTEIN_CUT]),
    ("how many sets and reps for building muscle", [REPS_MUSCLE, SETS]),
    ("sore after a workout, is that normal?", [DOMS]),
    ("how do I do a plank", [PLANK_HOW]),
])
def test_replies_stay_short(coach, question, passages):
    text = Call(coach).say(question, passages)
    assert len(sentences(text)) <= 3 and words(text) <= 48


def test_a_sentence_sending_the_caller_to_emergency_help_counts_for_less(coach):
    # Lines that reach the responder were judged safe: "out of breath after sprints".
    breathless = Passage(
        "breath.md#0", "Severe breathlessness that does not settle with rest is an emergency, "
        "so stop and call emergency services. Normal breathlessness from exercise eases "
        "quickly once you slow down.", "Breathlessness", "Breathlessness during exercise",
        "breath.md", score=0.6)
    text = Call(coach).say("I get out of breath during sprints but it goes away, is that okay?",
                           [breathless])
    assert text.startswith("Normal breathlessness from exercise eases quickly")
