"""The conversation eval file stays well formed (bench/conversation.py runs it).

Only the schema is checked here, never the coach's figures.
"""

from pathlib import Path

import pytest
import yaml

EVAL_FILE = Path(__file__).with_name("conversations.yaml")
SPLITS = {"held_out", "tuned"}
CATEGORIES = {"caller_facts", "non_names", "red_flags", "crisis", "lookalikes", "reasoning",
              "exercise_choice", "kb_gap", "smalltalk", "memory", "followups", "slips",
              "off_topic", "workout"}
ROUTES = {"answer", "memory", "smalltalk", "emergency", "crisis", "goodbye", "off_topic"}
ITEM_KEYS = {"id", "category", "split", "setup", "turns", "after"}
EXPECT_KEYS = {"route", "facts", "numbers", "must_not", "not_repeat"}
SETUP_KEYS = {"name", "goal", "experience", "injuries", "equipment", "days_per_week",
              "minutes_per_session"}
AFTER_KEYS = {"stored_name"}


def _items():
    with open(EVAL_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["items"]


ITEMS = _items()


def _phrase(value):
    # Numbers are fine ("180"); YAML booleans (an unquoted yes/no) are a mistake.
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) \
        and str(value).strip() != ""


def test_size_and_shape_of_the_set():
    assert len(ITEMS) >= 220
    multi = [item for item in ITEMS if len(item["turns"]) > 1]
    assert len(multi) * 3 >= len(ITEMS), "at least a third multi-turn"
    held_out = [item for item in ITEMS if item["split"] == "held_out"]
    # The first 76 held-out items were written before any work; fresh items written
    # later and fixed against joined the tuned split, and 23 more held-out ones were
    # written (and never fixed against) in the third session: the share is a fifth.
    assert len(held_out) >= 99, "every held-out item kept"
    assert len(held_out) * 6 >= len(ITEMS), "held-out share at least a sixth"
    assert {item["category"] for item in ITEMS} >= CATEGORIES - {"workout", "off_topic"}


def test_ids_are_unique():
    ids = [item["id"] for item in ITEMS]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_item_schema(item):
    assert set(item) <= ITEM_KEYS, set(item) - ITEM_KEYS
    assert isinstance(item["id"], str) and item["id"]
    assert item["split"] in SPLITS
    assert item["category"] in CATEGORIES
    assert item["id"].startswith({"held_out": "ho-", "tuned": "tu-"}[item["split"]])
    setup = item.get("setup")
    if setup is not None:
        assert isinstance(setup, dict) and set(setup) <= SETUP_KEYS, setup
    turns = item["turns"]
    assert isinstance(turns, list) and 1 <= len(turns) <= 4
    for turn in turns:
        assert set(turn) == {"say", "expect"}, turn
        assert isinstance(turn["say"], str) and turn["say"].strip(), turn
        expect = turn["expect"]
        assert isinstance(expect, dict) and expect, f"no expectation for {turn['say']!r}"
        assert set(expect) <= EXPECT_KEYS, set(expect) - EXPECT_KEYS
        assert expect.get("route", "answer") in ROUTES
        for group in expect.get("facts") or ():
            assert isinstance(group, list) and group, expect
            assert all(_phrase(alt) for alt in group), group
        for spec in expect.get("numbers") or ():
            assert set(spec) <= {"min", "max", "unit"} and spec["min"] <= spec["max"], spec
        for phrase in expect.get("must_not") or ():
            assert _phrase(phrase), expect
        if "not_repeat" in expect:
            assert expect["not_repeat"] is True
    after = item.get("after") or {}
    assert set(after) <= AFTER_KEYS, after
    if "stored_name" in after:
        wanted = after["stored_name"]
        values = wanted if isinstance(wanted, list) else [wanted]
        assert all(value is None or isinstance(value, str) for value in values), wanted
    if setup is None:
        assert "stored_name" in after, "a new caller's item says what name ends up stored"


@pytest.mark.parametrize(("text", "phrase", "found"), [
    ("three squats a day", "squat", True),
    ("swimming burns calories", "swim", True),
    ("a stopped clock", "stop", True),
    ("swimsuit shopping", "swim", False),
    ("about 120 grams", "12", False),
])
def test_the_scorer_matches_a_phrase_and_its_word_forms(text, phrase, found):
    from bench.conversation import canon, contains
    assert contains(canon(text), phrase) is found
