"""Caller memory: the facts a line states, and how they are said back."""

import pytest

from fitness_voice.dialogue import memory


@pytest.mark.parametrize(("line", "facts"), [
    ("my name is Sam", {"name": "Sam"}),
    ("call me Jo", {"name": "Jo"}),
    ("I'm Sam and I want to lose weight", {"name": "Sam", "goal": "lose weight"}),
    ("I want to run a 5k", {"goal": "train for a 5k"}),
    ("actually my goal now is to run a half marathon", {"goal": "train for a half marathon"}),
    ("my aim this year is a marathon", {"goal": "train for a marathon"}),
    ("I want to build muscle, I have been training for ten years",
     {"goal": "build muscle", "experience": "advanced"}),
    ("I'm a complete beginner", {"experience": "beginner"}),
    ("I have been lifting for two years", {"experience": "intermediate"}),
    ("I have a bad knee", {"injuries": "knee"}),
    ("my knees hurt when I run", {"injuries": "knee"}),
    ("I have dumbbells and a kettlebell", {"equipment": "dumbbell, kettlebell"}),
    ("no equipment", {"equipment": "none"}),
    ("I can train three days a week", {"days_per_week": 3}),
    ("I only have 20 minutes", {"minutes_per_session": 20}),
    ("I have an hour to train", {"minutes_per_session": 60}),
    # Not facts: a body part without a complaint, a time in the past, a mood,
    # a question, a phrase that only looks like a name.
    ("my back", {}),
    ("I did 20 minutes ago", {}),
    ("I'm tired", {}),
    ("how do I build muscle", {}),
    ("it is what it is", {}),
    # Someone else's facts are theirs; a name put right; a name before "and".
    ("and for a beginner like my wife who's just starting", {}),
    ("my son has a bad knee", {}),
    ("no it's not tom it's tam", {"name": "Tam"}),
    ("the name's jo and i want to get stronger", {"name": "Jo", "goal": "get stronger"}),
    ("hey this is rosa um what should i eat before a run", {"name": "Rosa"}),
    ("hey this is dana i'm totally out of shape", {"name": "Dana"}),
    ("i've changed my mind i wanna train for a half marathon instead",
     {"goal": "train for a half marathon"}),
])
def test_extract_finds_the_facts_a_line_states(line, facts):
    assert memory.extract(line) == facts


@pytest.mark.parametrize(("line", "bare", "name"), [
    ("Sam", True, "Sam"),
    ("it's Priya.", True, "Priya"),
    ("Sam", False, None),  # a lone word is a name only in answer to "what should I call you?"
    ("sore", True, None),
    ("hello", True, None),
    ("my name is jo smith", False, "Jo"),
    ("oh by the way my name's actually sasha", False, "Sasha"),
    ("it's actually sam", False, "Sam"),
    ("i'm actually pretty new to this", False, None),
    ("my name is really long", False, None),
    ("just call me dj", False, "DJ"),  # initials are said in capitals
    ("it's tj", True, "TJ"),
    ("i'm lynn", False, "Lynn"),
])
def test_extract_name(line, bare, name):
    assert memory.extract_name(line, bare=bare) == name


@pytest.mark.parametrize(("facts", "said"), [
    ({}, ""),
    ({"goal": "lose weight"}, "Got it, I'll remember your goal is to lose weight."),
    ({"experience": "intermediate", "minutes_per_session": 30},
     "Got it, I'll remember you're an intermediate and you have about thirty minutes a session."),
    ({"goal": "get fitter", "experience": "beginner", "equipment": "none"},
     "Got it, I'll remember your goal is to get fitter, you're a beginner and you train "
     "without equipment."),
])
def test_describe_confirms_facts_in_one_sentence(facts, said):
    assert memory.describe(facts) == said


FORGET_HINT = "If you'd like me to forget all of it, just say forget me."


@pytest.mark.parametrize(("name", "profile", "said"), [
    (None, {}, "I don't have anything saved about you yet. You can tell me your name, your "
               "goal, and any injuries I should know about."),
    ("Sam", {}, f"I know your name is Sam. {FORGET_HINT}"),
    (None, {"goal": "tone up"}, f"I know your goal is to tone up. {FORGET_HINT}"),
    ("Sam", {"injuries": "knee", "days_per_week": 3},
     f"I know your name is Sam and to go easy on your knee and you can train three days a "
     f"week. {FORGET_HINT}"),
    ("Sam", {"injuries": None, "unknown": "x"}, f"I know your name is Sam. {FORGET_HINT}"),
])
def test_read_back_says_what_we_know(name, profile, said):
    assert memory.read_back(name, profile) == said


@pytest.mark.parametrize(("line", "bare", "name"), [
    # Names given outright or in passing.
    ("hi coach my name is Sam", False, "Sam"),
    ("hi, I'm Maria and I want to know how often to run", False, "Maria"),
    ("hi it's ben", False, "Ben"),
    ("this is Dev here", False, "Dev"),
    ("you can call me Jo", False, "Jo"),
    ("I'm Mary-Jane", False, "Mary-Jane"),
    # Not names: numbers, feelings, verb forms, adjectives, fitness words, clauses.
    ("I'm sixty eight can I still lift", False, None),
    ("I'm dying to get abs", False, None),
    ("this is useless you keep giving me junk answers", False, None),
    ("I'm in my second trimester", False, None),
    ("I'm short of breath", False, None),
    ("I'm brand new to the gym", False, None),
    ("I'm exhausted all the time", False, None),
    ("I'm kidding", False, None),
    ("it's gonna be hot tomorrow", False, None),
    ("call me crazy but I love burpees", False, None),
    ("my name is not important", False, None),
    ("I'm wheezing and my throat feels tight", False, None),
    ("i'm killing it this week", False, None),
    ("i'm outside at the moment", False, None),
    ("i'm female and forty", False, None),
    ("i'm shy about going to the gym", False, None),
    ("huh", True, None),
    ("pardon", True, None),
    ("I'm Sam", False, "Sam"),  # at the start, a whole clause
    ("honestly I'm Sam", False, None),  # not at the start: too unsure
    # The answer to "what should I call you?": a name alone, at most two words.
    ("Sam Smith", True, "Sam"),
    ("Jo please", True, "Jo"),
    ("sixty", True, None),
    ("tired", True, None),
    ("squats", True, None),
    ("running", True, None),
    ("fine thanks", True, None),
    ("um", True, None),
    ("my knee hurts", True, None),
    ("Sterling", True, "Sterling"),  # a name with a verb's ending, listed as a name
])
def test_names_only_when_they_are_names(line, bare, name):
    assert memory.extract_name(line, bare=bare) == name


@pytest.mark.parametrize(("word", "name"), [
    ("sam", True), ("priya", True), ("oona", True), ("hope", True), ("will", True),
    ("useless", False), ("dying", False), ("sixty", False), ("kilos", False),
    ("pregnant", False), ("motivated", False), ("tiredness", False), ("painful", False),
    ("nervous", False), ("gonna", False), ("x", False), ("r2d2", False),
])
def test_looks_like_name(word, name):
    assert memory.looks_like_name(word) is name


def test_the_not_names_vocabulary_is_a_few_hundred_words():
    vocabulary = memory.not_names()
    assert len(vocabulary.words) >= 300
    assert {"useless", "dying", "sixty", "tired", "squats", "um"} <= vocabulary.words
    assert "ing" in vocabulary.endings


@pytest.mark.parametrize(("data", "error"), [
    ({"feelings": ["tired", True], "endings": ["ing"], "names_with_those_endings": ["ming"],
      "titles": ["dr"]},
     "quote yes"),
    ({"feelings": ["Tired"], "endings": ["ing"], "names_with_those_endings": ["ming"],
      "titles": ["dr"]},
     "lowercase word"),
    ({"feelings": ["tired", "tired"], "endings": ["ing"], "names_with_those_endings": ["ming"],
      "titles": ["dr"]},
     "twice"),
    ({"feelings": ["tired"], "names_with_those_endings": ["ming"], "titles": ["dr"]},
     "no .endings."),
    ({"feelings": ["tired"], "endings": ["ing"], "names_with_those_endings": ["ming"],
      "titles": ["dr"]},
     "a few hundred"),
])
def test_a_broken_not_names_file_stops_the_app(monkeypatch, data, error):
    monkeypatch.setattr(memory.lang, "data", lambda name, language=None: data)
    monkeypatch.setattr(memory.lang, "active_language", lambda: "test-broken")
    memory._not_names.cache_clear()
    try:
        with pytest.raises(memory.lang.LanguageDataError, match=error):
            memory.not_names()
    finally:
        memory._not_names.cache_clear()


@pytest.mark.parametrize(("line", "goal"), [
    ("get a six pack", "get a six pack"),
    ("I want to climb Kilimanjaro next year", "climb kilimanjaro next year"),
    ("mostly to feel better", "feel better"),
    ("this is useless", None),
    ("more energy", None),
    ("I want to know how to run faster and get stronger without hurting my knees", None),
])
def test_a_goal_in_the_callers_own_words(line, goal):
    assert memory.goal_in_own_words(line) == goal


@pytest.mark.parametrize(("line", "bare", "name"), [
    ("it's Dr Patel", True, "Patel"),
    ("this is Mrs Jones speaking", False, "Jones"),
    ("Dr", True, None),
    ("I'm grand thanks", False, None),
])
def test_titles_are_not_names(line, bare, name):
    assert memory.extract_name(line, bare=bare) == name
