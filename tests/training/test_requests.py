"""Reading what the caller asked for: minutes, equipment, limitations, level, focus."""

from pathlib import Path

import pytest
import yaml

from fitness_voice import lang
from fitness_voice.training import commands, requests
from fitness_voice.training.requests import (
    EQUIPMENT,
    FOCUSES,
    LEVELS,
    LIMITATIONS,
    goal_kind,
    normalize_equipment,
    normalize_level,
    normalize_limitations,
    parse_minutes,
    parse_request,
)

PROFILE = {"equipment": "dumbbell", "injuries": "knee", "experience": "beginner",
           "minutes_per_session": 30}


def test_parse_request_example_from_the_issue():
    assert parse_request("twenty minutes, no equipment, my knee hurts a bit", PROFILE) == {
        "minutes": 20, "equipment": [], "limitations": ["knee"], "level": "beginner",
        "focus": None}


@pytest.mark.parametrize("text, profile, expected", [
    ("let's do half an hour", {}, {"minutes": 30}),
    ("I've got fifteen minutes", {}, {"minutes": 15}),
    ("an hour please", {}, {"minutes": 60}),
    ("a twenty-five minute workout", {}, {"minutes": 25}),
    ("45 min with my kettlebell", PROFILE, {"minutes": 45, "equipment": ["kettlebell"]}),
    ("quick 10 minute session, bodyweight only", PROFILE, {"minutes": 10, "equipment": []}),
    ("twenty", {}, {"minutes": 20}),
    ("three quarters of an hour", {}, {"minutes": 45}),
    ("give me a minute, then thirty minutes", {}, {"minutes": 30}),
    ("let's work out", PROFILE, {"minutes": 30, "equipment": ["dumbbells"],
                                 "limitations": ["knee"], "level": "beginner", "focus": None}),
    ("let's work out", {}, {"minutes": 20, "equipment": [], "limitations": [],
                            "level": "beginner", "focus": None}),
    ("upper body with dumbbells and a bench", {}, {"equipment": ["dumbbells", "bench"],
                                                   "focus": "upper body"}),
    ("I have resistance bands", {}, {"equipment": ["resistance band"]}),
    ("I don't have my dumbbells today", PROFILE, {"equipment": []}),
    ("my back hurts", {}, {"limitations": ["lower back"]}),
    ("my lower back is sore today", PROFILE, {"limitations": ["knee", "lower back"]}),
    ("sore knees and a bad shoulder", {}, {"limitations": ["knee", "shoulder"]}),
    ("I'm pregnant, twenty minutes", {}, {"limitations": ["pregnancy"], "minutes": 20}),
    ("my wrist is injured", {}, {"limitations": ["wrist"]}),
    ("my knee is fine now", PROFILE, {"limitations": []}),
    ("okay, my knee hurts", {}, {"limitations": ["knee"]}),
    ("my legs are sore", {}, {"limitations": [], "focus": None}),
    ("legs today", {}, {"focus": "lower body"}),
    ("let's work on my abs", {}, {"focus": "core"}),
    ("some cardio", {}, {"focus": "cardio"}),
    ("arms and legs", {}, {"focus": "full body"}),
    ("full body please", {}, {"focus": "full body"}),
    ("I'm intermediate now", PROFILE, {"level": "intermediate"}),
    ("challenge me", {"experience": "intermediate"}, {"level": "advanced"}),
    ("take it easy today", {"experience": "intermediate"}, {"level": "beginner"}),
    ("let's go", {"experience": "Advanced lifter", "equipment": "none", "injuries": "bad back",
                  "minutes_per_session": "45"},
     {"level": "advanced", "equipment": [], "limitations": ["lower back"], "minutes": 45}),
])
def test_parse_request(text, profile, expected):
    parsed = parse_request(text, profile)
    assert set(parsed) == {"minutes", "equipment", "limitations", "level", "focus"}
    assert {key: parsed[key] for key in expected} == expected


@pytest.mark.parametrize("said, minutes", [
    ("twenty", 20), ("about 30", 30), ("um, 12, please", 12), ("three", None), ("200", None),
    ("half an hour", 30), ("a quarter of an hour", 15), ("an hour and a half", 90),
    ("forty-five mins", 45), ("an hour", 60), ("2 hours", 120), ("give me a minute", None),
    ("I did that 20 minutes ago", None), (25, 25), (0, None), (True, None), (None, None),
])
def test_parse_minutes(said, minutes):
    assert parse_minutes(said) == minutes


@pytest.mark.parametrize("said, equipment", [
    ("dumbbell, bench", ["dumbbells", "bench"]),
    (["mat", "hand weights"], ["dumbbells", "mat"]),
    ("resistance bands and a chair", ["resistance band", "chair"]),
    ("the stairs", ["step"]),
    ("a gym", list(EQUIPMENT)),
    ("none", []),
    (None, []),
])
def test_normalize_equipment(said, equipment):
    assert normalize_equipment(said) == equipment


@pytest.mark.parametrize("said, limitations", [
    ("bad knees", ["knee"]),
    (["lower back", "knee"], ["knee", "lower back"]),
    ("achilles and neck", ["ankle", "neck"]),
    ("upper back", ["lower back"]),  # the cautious reading
    ("hypertension", ["high blood pressure"]),
    ("none", []),
    (None, []),
])
def test_normalize_limitations(said, limitations):
    assert normalize_limitations(said) == limitations


@pytest.mark.parametrize("said, level", [
    ("Advanced lifter", "advanced"), ("intermediate", "intermediate"), ("new", "beginner"),
    (None, "beginner"),
])
def test_normalize_level(said, level):
    assert normalize_level(said) == level


@pytest.mark.parametrize("goal, kind", [
    ("build muscle", "muscle"), ("get stronger", "muscle"), ("lose weight", "weight"),
    ("train for a run", "endurance"), ("run a 5k", "endurance"), ("get fitter", "fitness"),
    (None, "fitness"),
])
def test_goal_kind(goal, kind):
    assert goal_kind(goal) == kind


# --- the vocabulary files ------------------------------------------------------------------

ENGLISH = lang.LANG_ROOT / "en" / "training"


@pytest.fixture
def english():
    return requests.vocabulary("en"), commands.phrases("en")


@pytest.fixture
def language_root(english, tmp_path, monkeypatch):
    """A throwaway language "xx" starting as a copy of the English vocabularies."""
    monkeypatch.setattr(lang, "LANG_ROOT", tmp_path)
    caches = (lang._data, requests._vocabulary, commands._phrases)
    for cache in caches:
        cache.cache_clear()
    (tmp_path / "xx" / "training").mkdir(parents=True)
    for path in ENGLISH.glob("*.yaml"):
        (tmp_path / "xx" / "training" / path.name).write_text(path.read_text("utf-8"), "utf-8")
    yield tmp_path / "xx" / "training"
    for cache in caches:
        cache.cache_clear()


def edit(path: Path, change):
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data), "utf-8")


def test_the_english_vocabularies_name_every_canonical_name():
    words = requests.vocabulary("en")
    assert [name for _, name in words.equipment] == list(EQUIPMENT)
    assert sorted(name for _, name in words.limitations) == sorted(LIMITATIONS)
    assert sorted(name for _, name in words.levels) == sorted(LEVELS)
    assert [name for name, _ in words.focus] == list(FOCUSES)
    assert [name for name, _ in commands.phrases("en").commands] == list(commands.COMMANDS)


def test_a_copied_vocabulary_loads(language_root, english):
    assert (requests.vocabulary("xx"), commands.phrases("xx")) == english


@pytest.mark.parametrize("change, problem", [
    (lambda data: data["equipment"].pop("mat"), "'equipment' must name exactly"),
    (lambda data: data["levels"].update(expert=["expert"]), "'levels' must name exactly"),
    (lambda data: data.pop("hurt"), "missing 'hurt'"),
    (lambda data: data.update(healed=[]), "'healed' must be a list of patterns"),
    (lambda data: data.update(gym="gym"), "'gym' must be a list of patterns"),
    (lambda data: data["focus"].update(core=["(abs"]), "'focus.core': missing \\)"),
])
def test_a_broken_request_vocabulary_is_refused(language_root, change, problem):
    edit(language_root / "requests.yaml", change)
    with pytest.raises(lang.LanguageDataError, match=problem):
        requests.vocabulary("xx")


@pytest.mark.parametrize("change, problem", [
    (lambda data: data["commands"].pop("skip"), "'commands' must name exactly"),
    (lambda data: data["intents"].update(dance=["dance"]), "'intents' must name exactly"),
    (lambda data: data["commands"].update(done=["(done"]), "'commands.done': missing \\)"),
])
def test_a_broken_command_vocabulary_is_refused(language_root, change, problem):
    edit(language_root / "commands.yaml", change)
    with pytest.raises(lang.LanguageDataError, match=problem):
        commands.phrases("xx")
