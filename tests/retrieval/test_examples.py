"""The example classifier: nearest labelled phrase, with a floor and a margin."""

import numpy as np
import pytest

from fitness_voice.retrieval.embeddings import get_embedder
from fitness_voice.retrieval.examples import ExampleClassifier

EXAMPLES = {
    "goodbye": ["bye", "talk to you later", "that's all for today, goodbye", "see you later",
                "i'm going to go now", "okay i have to go, bye"],
    "thanks": ["thanks a lot", "thank you so much", "cheers for that", "that was helpful",
               "thank you, that really helped"],
    "start_workout": ["let's work out", "start a workout", "take me through a session",
                      "can we do a workout now", "let's exercise together"],
}


@pytest.fixture(scope="module")
def classifier():
    return ExampleClassifier(get_embedder().embed, EXAMPLES, min_score=0.6, margin=0.05)


@pytest.mark.slow
@pytest.mark.parametrize("line, label", [
    ("alright i gotta go now bye", "goodbye"),
    ("thank you, that was really helpful", "thanks"),
    ("can we do a workout together now", "start_workout"),
])
def test_lines_go_to_the_label_they_mean(classifier, line, label):
    match = classifier.classify(line)
    assert match is not None and match.label == label
    assert match.score >= match.runner_up_score + 0.05


@pytest.mark.slow
@pytest.mark.parametrize("line", [
    "how much protein should i eat after the gym",
    "what's the capital of australia",
    "",
])
def test_lines_near_no_label_belong_to_none(classifier, line):
    assert classifier.classify(line) is None


def unit(*values):
    vector = np.asarray(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


class TableEmbedder:
    """Fixed vectors, so the floor and the margin can be tested exactly."""

    def __init__(self, table):
        self.table = table

    def embed(self, texts):
        return np.stack([self.table[text] for text in texts])


@pytest.mark.parametrize("line, expected", [
    ("near a", "a"),          # close to a, far from b
    ("between", None),        # as close to a as to b: no margin
    ("far", None),            # below the floor
])
def test_floor_and_margin(line, expected):
    table = {"a1": unit(1, 0, 0), "b1": unit(0, 1, 0), "near a": unit(1, 0.1, 0),
             "between": unit(1, 1, 0), "far": unit(0.2, 0.2, 1)}
    classifier = ExampleClassifier(TableEmbedder(table).embed, {"a": ["a1"], "b": ["b1"]},
                                   min_score=0.6, margin=0.05)
    match = classifier.classify(line)
    assert (match.label if match else None) == expected


def test_scores_lists_every_label_best_first():
    table = {"a1": unit(1, 0), "a2": unit(0.8, 0.6), "b1": unit(0, 1), "q": unit(0.9, 0.1)}
    classifier = ExampleClassifier(TableEmbedder(table).embed, {"a": ["a1", "a2"], "b": ["b1"]})
    assert list(classifier.scores("q")) == ["a", "b"]


def test_no_examples_is_refused():
    with pytest.raises(ValueError, match="at least one example"):
        ExampleClassifier(TableEmbedder({}).embed, {"a": []})


def test_a_line_classified_twice_is_embedded_once():
    table = {"a1": unit(1, 0), "b1": unit(0, 1), "q": unit(0.9, 0.1)}
    embedder = TableEmbedder(table)
    calls = []

    def embed(texts):
        calls.append(list(texts))
        return embedder.embed(texts)

    first = ExampleClassifier(embed, {"a": ["a1"], "b": ["b1"]}, min_score=0.5)
    second = ExampleClassifier(embed, {"a": ["a1"], "b": ["b1"], "c": ["b1"]}, min_score=0.5)
    first.classify("q")
    second.scores("q")
    assert calls.count(["q"]) == 1
