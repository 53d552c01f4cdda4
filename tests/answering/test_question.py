"""The kind of question asked, and which sentences look like answers to it."""

import pytest

from fitness_voice import lang
from fitness_voice.answering import question


@pytest.mark.parametrize("said, kind", [
    ("why", "why"),
    ("so why is that", "why"),
    ("why does that help", "why"),
    ("how come my legs shake", "why"),
    ("how long should i hold it", "duration"),
    ("i want to lose ten kilos how long will that take", "duration"),
    ("when can i start running again after having a baby", "duration"),
    ("how often should i do it", "frequency"),
    ("and how many times a week", "frequency"),
    ("when should i stretch", "when"),
    ("should i eat before or after my workout", "when"),
    ("how much protein", "amount"),
    ("how many sets should i do per exercise", "amount"),
    ("how deep should i go", "amount"),
    ("what's my max heart rate", "amount"),
    ("what heart rate is zone two for a forty year old", "amount"),
    ("is the elliptical as good as running", "comparison"),
    ("is whey protein better than pea protein", "comparison"),
    ("free weights versus machines", "comparison"),
    ("sore after leg day is that normal", "ok"),
    ("is creatine safe", "ok"),
    ("can i do that at home", "ok"),
    ("is it okay to run when it's below freezing outside", "ok"),
    ("how do i do a plank", "how_to"),
    ("how do i get rid of a stitch", "how_to"),
    ("what's a good chest exercise", "what_to_do"),
    ("any tips to sleep better", "what_to_do"),
    ("what can i do at home with no equipment", "what_to_do"),
    ("what is hiit training", "what_is"),
    ("tell me about creatine", "what_is"),
    ("i like running", None),
    # What the caller says about themselves first does not hide the question.
    ("i'm sixty eight can i still lift", "ok"),
    ("my knee hurts should i still run", "ok"),
    ("i've got a bad back is it okay to do deadlifts", "ok"),
    ("i want to build muscle", None),
    ("", None),
])
def test_kind_of(said, kind):
    assert question.kind_of(said) == kind


@pytest.mark.parametrize("kind, sentence, expected", [
    ("why", "Rest days let your muscles repair, because training breaks them down.", True),
    ("why", "Protein helps you hold on to muscle.", True),
    ("why", "Hold a plank for 20 to 30 seconds.", False),
    ("duration", "Hold a plank for about 20 to 30 seconds to start.", True),
    ("duration", "It usually fades within five to seven days.", True),
    ("duration", "Keep your hips level.", False),
    ("frequency", "Do two or three sessions a week.", True),
    ("frequency", "Train twice a week.", True),
    ("frequency", "Keep your back flat.", False),
    ("when", "Save long stretches for after your workout.", True),
    ("amount", "Aim for 1.6 grams per kilogram.", True),
    ("amount", "Go as low as you comfortably can.", True),
    ("amount", "Keep your chest up.", False),
    ("ok", "Mild soreness after a new workout is normal.", True),
    ("ok", "Most people can keep training while pregnant.", True),
    ("comparison", "Both work, so pick the one you enjoy.", True),
    ("how_to", "Stand with your feet shoulder width apart.", True),
    ("what_is", "Zone 2 is steady, easy cardio.", True),
    (None, "Anything at all.", False),
])
def test_fits(kind, sentence, expected):
    assert question.fits(kind, sentence) is expected


@pytest.mark.parametrize("asked, text, expected", [
    ("how much protein do i need", "about 1.6 grams per kilogram per day", True),
    ("how much protein do i need", "20 to 40 grams per meal", False),
    ("how much protein per meal", "about 1.6 grams per kilogram per day", False),
    ("how much water during a workout", "drink 2 liters a day", False),
])
def test_preferred_without_a_period_asked_is_a_day(asked, text, expected):
    assert question.preferred("amount", asked, text) is expected


def _with_questions(tmp_path, monkeypatch, text):
    (tmp_path / "xx" / "answering").mkdir(parents=True)
    (tmp_path / "xx" / "answering" / "questions.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setattr(lang, "LANG_ROOT", tmp_path)
    lang._data.cache_clear()
    question._kinds.cache_clear()


@pytest.mark.parametrize("text, error", [
    ("kinds: []\n", "must be a list"),
    ("kinds:\n  - {name: nonsense, asks: [a], answers: [b]}\n", "unknown question kind"),
    ("kinds:\n  - {name: why, asks: ['(unclosed'], answers: [b]}\n", "bad pattern"),
    ("kinds:\n  - {name: why, asks: [a], answers: [b]}\n", "kinds missing"),
])
def test_question_data_is_checked_when_loaded(tmp_path, monkeypatch, text, error):
    _with_questions(tmp_path, monkeypatch, text)
    try:
        with pytest.raises(lang.LanguageDataError, match=error):
            question._kinds("xx")
    finally:
        lang._data.cache_clear()
        question._kinds.cache_clear()


@pytest.mark.parametrize("said, plainer", [
    ("does creatine actually do anything", "what does creatine do"),
    ("so does hiit actually work for fat loss", "what does hiit do for fat loss"),
    ("do i really have to warm up before lifting", "why warm up before lifting"),
    # Left as they are: a yes-or-no about an effect, a plain "do I need", a noun needed.
    ("does stretching help with soreness", "does stretching help with soreness"),
    ("do i need to warm up", "do i need to warm up"),
    ("do i actually need protein shakes", "do i actually need protein shakes"),
    # "I can't do one" asks for the easier version.
    ("i can't do a single push up", "an easier push up variation"),
    ("honestly i still can't do a single chin up yet", "an easier chin up variation"),
    ("i can't do any squats properly", "an easier squat variation"),
    ("i can't do a push up because my wrist hurts", "i can't do a push up because my wrist hurts"),
    ("i literally can't do a single push up what should i do instead",
     "an easier push up variation"),
    # Whether to take a supplement: what it does is the answer.
    ("should i be taking creatine", "what does creatine do"),
    ("so is creatine actually worth taking or is it a waste of money", "what does creatine do"),
    ("should i take creatine before or after", "should i take creatine before or after"),
])
def test_ways_of_asking_that_mean_a_plainer_question(said, plainer):
    assert question.paraphrased(said) == plainer
