"""Caller memory: the facts a line states, and how they are said back."""

import pytest

from fitness_voice.dialogue import memory


@pytest.mark.parametrize(("line", "facts"), [
    ("my name is Sam", {"name": "Sam"}),
    ("call me Jo", {"name": "Jo"}),
    ("I'm Sam and I want to lose weight", {"name": "Sam", "goal": "lose weight"}),
    ("I want to run a 5k", {"goal": "train for a run"}),
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
