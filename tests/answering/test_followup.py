"""Follow-ups rewritten as standalone questions; new questions left as they are."""

import pytest

from fitness_voice.answering import followup, standalone_question


def history(*said):
    return [(line, "a reply") for line in said]


@pytest.mark.parametrize("before, said, expected, kind", [
    # "it", "that", "them" point back at what the last question was about.
    (["how do i do a plank"], "how long should i hold it", "how long should i hold a plank",
     "reference"),
    (["is creatine safe"], "does it make you bloated", "does creatine make you bloated",
     "reference"),
    (["what's a good chest exercise"], "can i do that at home",
     "can i do chest exercise at home", "reference"),
    (["how many rest days do i need"], "and what should i do on them",
     "and what should i do on rest days", "reference"),
    (["how much sleep do i need", "any tips to sleep better"],
     "does working out late mess it up", "does working out late mess sleep up", "reference"),
    # "why?" asks for the reason behind the last answer.
    (["how much protein"], "why", "why how much protein", "why"),
    (["what exercise is best during menopause"], "why does that help",
     "why what exercise is best during menopause", "why"),
    (["how much protein"], "but why is that", "why how much protein", "why"),
    # A condition on the previous question.
    (["how much protein should i eat to build muscle"], "what about if i'm vegetarian",
     "how much protein should i eat to build muscle if i'm vegetarian", "condition"),
    (["how many sets should i do per exercise"], "what about for beginners",
     "how many sets should i do per exercise for beginners", "condition"),
    (["how much caffeine is safe in a day"], "what if i'm pregnant",
     "how much caffeine is safe in a day if i'm pregnant", "condition"),
    (["what can i do for my legs"], "and at home?", "what can i do for my legs at home",
     "condition"),
    # A new topic in the frame of the last question.
    (["how do i do a plank"], "what about squats", "how do i do squats", "new_topic"),
    (["how many sets should i do for squats"], "and lunges", "how many sets should i do for lunges",
     "new_topic"),
    # Nothing of its own to be about: the last topic is added.
    (["how do i do a goblet squat"], "how do i progress", "how do i progress for a goblet squat",
     "bare"),
    (["how do i do squats properly"], "how deep should i go", "how deep should i go for squats",
     "bare"),
    (["how do i do a hip flexor stretch"], "what about the other side",
     "what about the other side for a hip flexor stretch", "bare"),
    # "once that gets easy": the harder version of what was just talked about.
    (["how do i do a glute bridge"], "and when it gets too easy",
     "a harder a glute bridge variation", "reference"),
    (["how do i do a glute bridge"], "what's the next step",
     "a harder a glute bridge variation", "reference"),
    (["how do i do a plank"], "once i can do that easily", "a harder a plank variation",
     "reference"),
    # The caller's own figures complete the question before.
    (["how much protein do i need"], "i weigh seventy kilos",
     "i weigh seventy kilos how much protein do i need", "figures"),
    # About the caller, short: leans on the topic.
    (["i'm fifty what's my max heart rate"], "so what's moderate for me",
     "what's moderate for me max heart rate", "reference"),
    # The object of doing, the unit of the last answer, a new fact about the caller.
    (["how long should i hold a hamstring stretch"], "should i be doing that before my runs",
     "should i be doing a hamstring stretch before my runs", "reference"),
    (["how much exercise do i need to lose weight"], "wait is that per day or per week",
     "how much exercise do i need to lose weight per day or per week", "condition"),
    (["how much caffeine before a workout"], "oh wait i'm pregnant does that change anything",
     "how much caffeine before a workout i'm pregnant", "condition"),
    (["how many push ups should i do"], "the thing is i can't really do even one properly",
     "an easier push ups variation", "reference"),
    # Small talk in between is skipped.
    (["how do i do a plank", "yes"], "how long should i hold it",
     "how long should i hold a plank", "reference"),
    (["how do i do a plank", "thanks", "tell me more"], "how long should i hold it",
     "how long should i hold a plank", "reference"),
    # A chain: the topic carries through follow-ups.
    (["how do i start running i've never run before", "how fast should i go"],
     "and how many times a week", "and how many times a week for running never run", "bare"),
])
def test_follow_ups_become_standalone_questions(before, said, expected, kind):
    resolved = followup.resolve(said, history(*before))
    assert (resolved.question, resolved.follow_up) == (expected, kind)
    assert standalone_question(said, history(*before), {}) == expected


@pytest.mark.parametrize("before, said", [
    ([], "how long should i hold it"),                       # nothing to lean on
    (["how do i do a plank"], "how do i do a lunge"),        # a topic of its own
    (["how do i do a plank"], "is it okay to run when it's below freezing outside"),
    (["how much sleep do i need"], "any tips to sleep better"),
    (["should i stretch before running"], "so when should i do the long stretches then"),
    (["how do i do a plank"], "yes please"),                 # small talk is not a question
    (["how do i do a plank"], "tell me more"),
    (["how do i do a plank"], "Sore after leg day, is that normal?"),
])
def test_new_questions_come_back_unchanged(before, said):
    assert followup.resolve(said, history(*before)).follow_up is None
    assert standalone_question(said, history(*before), {}) == said


def test_the_last_passage_title_stands_in_for_misheard_words():
    # "create in" was heard for creatine; the answer came from the creatine notes.
    state = {"grounded": {"title": "creatine", "sentences": ["x"]}}
    assert standalone_question("how much should i take", history("is create in safe"),
                               state) == "how much should i take for creatine"
    # Words that match the notes are kept.
    state = {"grounded": {"title": "plank", "sentences": ["x"]}}
    assert standalone_question("how long should i hold it", history("how do i do a plank"),
                               state) == "how long should i hold a plank"


@pytest.mark.parametrize("said, topic", [
    ("how do i do a plank", "a plank"),
    ("is creatine safe", "creatine"),
    ("what's a good chest exercise", "chest exercise"),
    ("how many rest days do i need", "rest days"),
    ("how much protein", "protein"),
    ("i'm seventy kilos how much caffeine should i take before lifting", "caffeine lifting"),
    ("what should i do for shoulders with dumbbells", "shoulders with dumbbells"),
    ("so um yeah what's the best warm up before a run", "warm up before a run"),
    ("how long", None),
])
def test_topic_of(said, topic):
    assert followup.topic_of(said) == topic
