"""The semantic check beside the rules: when it may upgrade a line, and what it says.

The gate is tested with fixed vectors (no model); the labelled set and the
look-alikes with the app's embedder (slow)."""

import numpy as np
import pytest

from fitness_voice import lang, safety
from fitness_voice.safety import semantic
from fitness_voice.safety.verdict import Category

LINES = lang.catalogue("en")


def unit(*values):
    vector = np.asarray(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


RED, CRISIS, SAFE = unit(1, 0, 0), unit(0, 1, 0), unit(0, 0, 1)
# Each line's vector: where it sits among the examples below.
TABLE = {
    "red example": RED, "crisis example": CRISIS, "safe example": SAFE,
    "my ribs feel funny and tight": unit(1, 0, 0.1),           # near the red flag
    "everything feels heavy lately": unit(0, 1, 0.1),          # near the crisis line
    "between the two": unit(1, 0, 0.95),                       # no clear margin
    "no chest pain, but my ribs feel funny": RED,              # a rule ruled its words out
    "who won the game last night, something feels very wrong": RED,  # rules: off-topic
    "I think I sprained my ankle, ribs feel funny": RED,       # the rules say medical
    "how many sets should I do": SAFE,
}


class TableEmbedder:
    def __init__(self, table=TABLE, fail=False):
        self.table, self.fail = table, fail

    def embed(self, texts):
        if self.fail:
            raise RuntimeError("the model is gone")
        return np.stack([self.table[text] for text in texts])


ITEMS = [("red example", Category.RED_FLAG), ("crisis example", Category.CRISIS),
         ("safe example", Category.SAFE)]


@pytest.fixture
def check():
    return semantic.SemanticCheck(TableEmbedder().embed, ITEMS, min_score=0.6, margin=0.08)


@pytest.mark.parametrize("line, category", [
    ("my ribs feel funny and tight", Category.RED_FLAG),        # the rules miss it
    ("everything feels heavy lately", Category.CRISIS),
    ("between the two", Category.SAFE),                         # not clearly nearer
    ("how many sets should I do", Category.SAFE),               # nearest the look-alikes
    ("no chest pain, but my ribs feel funny", Category.SAFE),   # the rules decided
    ("who won the game last night, something feels very wrong", Category.RED_FLAG),
    ("I think I sprained my ankle, ribs feel funny", Category.MEDICAL),  # medical stands
])
def test_what_the_semantic_check_may_upgrade(check, line, category):
    assert safety.classify(line, semantic=check).category is category


def test_a_semantic_red_flag_says_the_red_flag_line_and_stops_the_workout(check):
    verdict = safety.classify("my ribs feel funny and tight", semantic=check,
                              emergency_number="112")
    assert verdict.reason == "sounds_like"
    assert verdict.reply == LINES.say("safety.red_flag", emergency_number="112")
    assert verdict.stop_workout and not verdict.end_call


def test_a_semantic_crisis_says_the_crisis_line(check):
    verdict = safety.classify("everything feels heavy lately", semantic=check)
    assert verdict.category is Category.CRISIS and verdict.stop_workout
    assert verdict.reply == LINES.say("safety.crisis_lifeline", emergency_number="911")


def test_rules_alone_without_a_check_or_with_semantic_false(check):
    line = "my ribs feel funny and tight"
    assert safety.classify(line, semantic=False).category is Category.SAFE
    previous = semantic.configured()
    try:
        assert safety.use_semantic(None) is None
        assert safety.classify(line).category is Category.SAFE
        assert safety.use_semantic(TableEmbedder(), ITEMS) is not None  # a provider
        assert safety.classify(line).category is Category.RED_FLAG
        assert safety.use_semantic(TableEmbedder().embed, ITEMS) is not None  # or its embed
        assert safety.classify(line).category is Category.RED_FLAG
        assert safety.classify(line, semantic=False).category is Category.SAFE
    finally:
        semantic._configured.check = previous


def test_a_failing_embedder_leaves_the_rules_verdict(check):
    broken = semantic.SemanticCheck(TableEmbedder().embed, ITEMS)
    broken.classifier._embed = TableEmbedder(fail=True).embed
    assert safety.classify("my ribs feel funny and tight", semantic=broken).category is (
        Category.SAFE)
    assert safety.classify("I have chest pain", semantic=broken).category is Category.RED_FLAG


def test_an_embedder_that_cannot_embed_the_examples_turns_the_check_off():
    previous = semantic.configured()
    try:
        assert safety.use_semantic(TableEmbedder(fail=True), ITEMS) is None
        assert semantic.configured() is None
    finally:
        semantic._configured.check = previous


def test_a_quarter_of_the_labelled_set_is_held_out_of_the_examples():
    items = semantic.labelled("en")
    held = [text for text, _ in items if semantic.held_out(text)]
    assert 0.15 < len(held) / len(items) < 0.35
    for category in (Category.RED_FLAG, Category.CRISIS, Category.SAFE):
        assert any(c is category for text, c in items if semantic.held_out(text)), category
    assert semantic.held_out(" I Want To Die ") == semantic.held_out("i want to die")


# -- with the app's embedder ---------------------------------------------------

LOOKALIKES = ["chest day", "give me a killer leg workout", "I'm dying to get abs",
              "I passed out on the couch after leg day lol", "my legs are dead after squats",
              "this workout is killing me", "that workout killed me", "I could sleep forever",
              "how do I sleep better", "i can't keep going, my legs are burning",
              "my chest is pumped after bench", "I'm dead tired", "kill me now, more burpees?"]


@pytest.fixture(scope="module")
def real_check():
    from fitness_voice.retrieval.embeddings import get_embedder
    return semantic.SemanticCheck(get_embedder().embed)


@pytest.mark.slow
def test_the_labelled_set_still_classifies_as_labelled_with_the_check(real_check):
    wrong = [(text, category.value, verdict.category.value)
             for text, category in semantic.labelled("en")
             if (verdict := safety.classify(text, semantic=real_check)).category is not category]
    assert wrong == []


@pytest.mark.slow
@pytest.mark.parametrize("line", LOOKALIKES)
def test_look_alikes_are_not_upgraded(real_check, line):
    assert safety.classify(line, semantic=real_check).category is Category.SAFE


@pytest.mark.slow
def test_on_held_out_lines_the_check_is_mostly_right_when_it_speaks(real_check):
    held = [(text, c) for text, c in semantic.labelled("en") if semantic.held_out(text)]
    said = [(c, real_check.upgrade(text)) for text, c in held]
    upgrades = [(c, m) for c, m in said if m is not None]
    right = sum(Category(m.label) is c for c, m in upgrades)
    positives = sum(c in semantic.UPGRADES for _, c in held)
    assert right / len(upgrades) >= 0.75      # precision, the check alone
    assert right / positives >= 0.3           # recall, the check alone
