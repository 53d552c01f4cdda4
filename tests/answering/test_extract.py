"""Extractive answering: the passage that answers, the sentences said, the word budget."""

import pytest

from fitness_voice.answering import extract
from fitness_voice.answering.extract import Sentence
from tests.answering.notes import (
    PROTEIN_DAILY,
    PROTEIN_FOODS,
    SLEEP,
    SQUAT_HOW,
    SQUAT_MISTAKES,
    Passage,
)


def test_passage_sentences_leave_out_the_heading_said_again():
    passage = Passage("p#0", "## Rest days\nRest days matter. Take one or two a week.",
                      "Recovery", "Rest days", "rest.md")
    found = extract.passage_sentences(passage)
    assert [s.text for s in found] == ["Rest days matter.", "Take one or two a week."]
    assert [s.index for s in found] == [0, 1]
    assert found[1].words == 6 and "week" in found[1].terms


@pytest.mark.parametrize("question, passages, expected, steps", [
    ("How do I squat?", [SQUAT_HOW, SQUAT_MISTAKES], "squat.md#0", True),
    ("what are common squat mistakes", [SQUAT_HOW, SQUAT_MISTAKES], "squat.md#1", False),
    ("which foods have protein", [PROTEIN_DAILY, PROTEIN_FOODS], "protein.md#1", False),
    ("how much protein a day", [PROTEIN_FOODS, PROTEIN_DAILY], "protein.md#0", False),
    ("who won the match", [SLEEP, PROTEIN_FOODS], "sleep.md#0", False),  # retrieval's first
])
def test_best_passage(question, passages, expected, steps):
    candidates = [(p, extract.passage_sentences(p)) for p in passages]
    passage, sentences, how_to = extract.best_passage(question, candidates)
    assert (passage.id, how_to) == (expected, steps)
    assert sentences is next(found for p, found in candidates if p is passage)
    assert any(s.score > 0 for s in sentences)  # scored in place


def sentence(index, words, score, text=None):
    return Sentence(text or f"Sentence {index} " + "word " * (words - 2), index, frozenset(),
                    words, score)


@pytest.mark.parametrize("sentences, max_words, expected", [
    # The answer first: a clear best one without an opening that adds nothing to it;
    # a long unmatched one after it is left out.
    ([sentence(0, 20, 0.3), sentence(1, 20, 2.0), sentence(2, 20, 0.0), sentence(3, 12, 0.0)],
     40, [1]),
    # An opening that matches the question too comes first, and what lies between
    # it and the best one is said with them: one thought.
    ([sentence(0, 12, 0.9), sentence(1, 12, 0.0), sentence(2, 12, 2.0), sentence(3, 40, 0.0)],
     40, [0, 1, 2]),
    # A weak best one gets the opening for context.
    ([sentence(0, 12, 0.3), sentence(1, 12, 1.0), sentence(2, 30, 0.0)], 40, [0, 1]),
    # What the best one leans on ("That is why ...") comes with it.
    ([sentence(0, 12, 0.3), sentence(1, 12, 0.0), sentence(2, 12, 0.0),
      sentence(3, 12, 2.0, "That is why you rest between the hard sessions of the week."),
      sentence(4, 40, 0.0)], 40, [2, 3]),
    # Nothing matches: the opening sentence and a short one after it.
    ([sentence(0, 12, 0.3), sentence(1, 12, 0.0), sentence(2, 12, 0.0)], 40, [0, 1]),
    # A short answer takes the sentence after it, within about thirty-five words.
    ([sentence(0, 8, 2.0), sentence(1, 20, 0.0), sentence(2, 12, 0.0)], 40, [0, 1]),
    # The word budget leaves the opening out.
    ([sentence(0, 30, 0.3), sentence(1, 12, 0.0), sentence(2, 35, 2.0)], 60, [2]),
])
def test_choose(sentences, max_words, expected):
    assert extract.choose(sentences, max_words, 3) == expected


def test_choose_says_steps_in_order():
    sentences = [sentence(i, 18, 0.3 if i == 0 else 0.0) for i in range(4)]
    assert extract.choose(sentences, 60, 3, steps=True) == [0, 1, 2]


def test_choose_does_not_add_what_was_just_said():
    sentences = [sentence(0, 10, 0.9), sentence(1, 10, 2.0), sentence(2, 10, 0.0)]
    assert extract.choose(sentences, 40, 3, avoid={0}) == [1, 2]


@pytest.mark.parametrize("spoken, max_words, expected", [
    (["Short one.", "Another."], 5, "Short one. Another."),
    # Over the budget by a few words: kept whole.
    (["one two three, four five six seven eight nine ten"], 5,
     "one two three, four five six seven eight nine ten"),
    # A sentence that does not fit after the first is left for later.
    (["One two three four five.", "Six seven eight nine ten eleven."], 5,
     "One two three four five."),
    # Far over: cut at a clause that can end it, at the word limit, or at a
    # clause boundary past its middle.
    (["a a a a a a, and b b b b b b b b."], 6, "a a a a a a."),
    (["a " * 30], 10, "a a a a a a a a a a."),
    (["b " * 8 + "b, " + "c " * 30], 12, "b b b b b b b b b."),
])
def test_fit(spoken, max_words, expected):
    assert extract.fit(spoken, max_words) == expected


@pytest.mark.parametrize("text, form", [
    ("How do I squat?", "how"),
    ("so how should I breathe", "how"),
    ("How to do a plank", "how"),
    ("What is a plank", "what"),
    ("what's creatine", "what"),
    ("Why do my legs hurt", "why"),
    ("When should I stretch", "when"),
    ("is it safe", "is"),
    ("Can I run daily", "can"),
    ("Which shoes", "which"),
    ("tell me about sleep", None),
    ("", None),
])
def test_question_form(text, form):
    assert extract.question_form(text) == form


@pytest.mark.parametrize("scores, weights", [
    ([0.9, 0.8, 0.5], [1.0, 0.6, 0.3]),          # by how far below the best
    ([0.5, 0.5], [1.0, 0.65]),                   # ties: by rank
    ([0.4, 0.6], [1.0, 0.65]),                   # not in order: by rank
    ([None, None, None, None, None], [1.0, 0.65, 0.5, 0.4, 0.4]),
])
def test_rank_weights(scores, weights):
    passages = [Passage(f"p#{i}", "text", "", "", "p.md", score=score)
                for i, score in enumerate(scores)]
    assert extract.rank_weights(passages) == pytest.approx(weights)
