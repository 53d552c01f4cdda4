"""What the caller's words ask for: questions, goodbyes and small talk by pattern,
everything else by its nearest labelled examples (the real embedding model)."""

import pytest

from fitness_voice import lang
from fitness_voice.dialogue import intents
from fitness_voice.dialogue.intents import IntentRouter
from fitness_voice.retrieval import embeddings
from fitness_voice.retrieval.examples import ExampleClassifier


@pytest.mark.parametrize(("line", "question"), [
    ("how much protein do I need", True),
    ("my knee is sore what leg exercise can I do lying down", True),
    ("I'm sixty eight can I still lift", True),
    ("I've got a bad back is it okay to do deadlifts", True),
    ("if I walk thirty minutes five days a week is that enough", True),
    ("i'm breastfeeding will working out mess up my supply", True),
    ("hi I'm Maria and I want to know how often I should run", True),
    ("any tips for sleeping better", True),
    ("protein?", True),
    # A request is a question too.
    ("I've got a bad knee, give me some leg exercises", True),
    ("I have resistance bands and want a routine for my back", True),
    ("I'd like some tips for running in the heat", True),
    ("I have a bad knee", False),
    ("I want to lose weight", False),
    ("I'm Sam", False),
    ("I did it yesterday", False),
    ("okay I'm gonna go do my workout now see ya", False),
    ("I've been training for two years", False),
])
def test_is_question(line, question):
    assert intents.is_question(line) is question


@pytest.mark.parametrize(("line", "goodbye"), [
    ("bye", True),
    ("okay thanks, that's all for today, bye", True),
    ("ok thanks bye", True),
    ("that's all for today", True),
    ("alright, talk to you later coach", True),
    ("I'm off to the gym now, see ya", True),
    ("cheers coach, see you next week", True),
    ("thanks so much, bye", True),
    ("how do I say bye to belly fat", False),
    ("byes and lunges", False),
    ("is that all I need to do", False),
    ("that's it? what about stretching", False),
    ("what do I say to my trainer when I want to say goodbye to him", False),
])
def test_is_goodbye(line, goodbye):
    assert intents.is_goodbye(line) is goodbye


@pytest.mark.parametrize(("line", "yes"), [
    ("yes", True),
    ("okay sure", True),
    ("yeah go ahead", True),
    # "Want to hear more?" then a goodbye that starts with "okay" ends the call.
    ("okay thanks that's all for today bye", False),
    ("ok cheers bye", False),
    ("okay how many sets", False),
])
def test_is_yes_is_not_a_goodbye_or_a_question(line, yes):
    assert intents.is_yes(line) is yes


@pytest.mark.parametrize(("line", "accepts"), [
    ("why not", True), ("well why not", True), ("yes please", True),
    ("why not do it every day", False), ("no thanks", False),
])
def test_why_not_accepts_an_offer(line, accepts):
    assert intents.accepts_offer(line) is accepts


def test_why_not_is_no_plain_yes():
    assert intents.is_yes("why not") is False  # after an answer it asks why


@pytest.mark.parametrize(("line", "advice"), [
    ("so should i still train today or wait", True),
    ("is it ok to train today", True),
    ("what's today's workout", False),
    ("what should i do today", False),
])
def test_advice_questions_are_told_from_commands(line, advice):
    assert bool(intents.ASKS_ADVICE.match(intents.words(line))) is advice


@pytest.mark.parametrize(("line", "label"), [
    ("say that again", "repeat"),
    ("sorry, can you repeat that", "repeat"),
    ("slow down please", "slower"),
    ("what can you even do", "help"),
    ("so what can you help me with", "help"),
    ("what is this", "help"),
    ("thank you that's really helpful", "thanks"),
    ("thanks", "thanks"),
    ("that was really useful", "thanks"),
    ("hey coach", "small_talk"),
    ("good morning", "small_talk"),
    ("hi coach how are you doing today", "small_talk"),
    ("how do I repeat a workout week after week", None),
    ("thanks, and how long should I rest", None),
    ("hey coach how much protein do I need", None),
    ("help me understand creatine", None),
])
def test_the_first_pass_patterns(line, label):
    assert intents.first_pass(line) == label


def test_the_labelled_examples_are_valid():
    examples = intents.load_examples()
    assert set(examples) == set(intents.LABELS)
    assert all(intents.MIN_EXAMPLES <= len(phrases) <= intents.MAX_EXAMPLES
               for phrases in examples.values())


@pytest.mark.parametrize(("data", "error"), [
    ({"thanks": ["thanks"] * 10}, "no examples for"),
    ({**{label: [f"{label} {i}" for i in range(10)] for label in intents.LABELS},
      "dancing": [f"dance {i}" for i in range(10)]}, "unknown labels"),
    ({**{label: [f"{label} {i}" for i in range(10)] for label in intents.LABELS},
      "thanks": ["thanks"] * 3}, "needs 10 to 60"),
    ({**{label: [f"{label} {i}" for i in range(10)] for label in intents.LABELS},
      "thanks": [True] + [f"thanks {i}" for i in range(9)]}, "quote yes"),
    ({**{label: [f"{label} {i}" for i in range(10)] for label in intents.LABELS},
      "thanks": ["goodbye 1"] + [f"thanks {i}" for i in range(9)]}, "under both"),
])
def test_broken_examples_stop_the_app(monkeypatch, data, error):
    monkeypatch.setattr(lang, "data", lambda name, language=None: data)
    with pytest.raises(lang.LanguageDataError, match=error):
        intents.load_examples()


@pytest.fixture(scope="module")
def router():
    embedder = embeddings.get_embedder()
    classifier = ExampleClassifier(embedder.embed, intents.load_examples())
    return IntentRouter(embedder.embed, classifier=classifier)


# Callers' own words, none of them one of the labelled examples.
@pytest.mark.parametrize(("line", "label"), [
    ("could you lead me through a routine now", "start_workout"),
    ("run me through a workout please", "start_workout"),
    ("can you work out a training timetable for my week", "weekly_plan"),
    ("what am i supposed to be doing today", "todays_workout"),
    ("what did i get up to in my previous workout", "last_time"),
    ("what info have you kept on me", "about_me"),
    ("please delete all my information", "forget_me"),
    ("could you say all that again", "repeat"),
    ("whoa you're speaking way too quickly", "slower"),
    ("i'm heading off now cheers see you", "goodbye"),
    ("are you a robot", "identity"),
    ("i've no idea what to ask you", "help"),
    ("brilliant, cheers for that", "thanks"),
    ("tell me a funny joke", "off_topic"),
    ("you're not listening to me at all", "complaint"),
    # Questions: nearest to the on-topic examples, or to nothing; never an intent.
    ("can you help me get fitter", None),
    ("what should I eat after my workout", None),
    ("how do I do a deadlift", None),
    ("what's a good leg workout with dumbbells", None),
    ("I'm not feeling very motivated today", None),
    ("my shins hurt after running", None),
])
def test_routing_by_meaning(router, line, label):
    routed = router.route(line)
    assert (routed.label if routed else None) == label, routed


def test_a_failing_embedder_routes_nothing(caplog):
    def broken(texts):
        raise RuntimeError("model not loaded")
    assert IntentRouter(broken).route("let's work out") is None
    assert "routing by meaning failed" in caplog.text


def test_no_embedder_routes_nothing():
    assert IntentRouter(None).route("bye") is None
