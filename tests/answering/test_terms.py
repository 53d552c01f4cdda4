"""The term machinery: stemming, content words, joined phrases, synonyms, and
the vocabulary data they read."""

import pytest

from fitness_voice import lang
from fitness_voice.answering import terms


@pytest.mark.parametrize("word, expected", [
    ("squats", "squat"), ("squatting", "squat"), ("squatted", "squat"),
    ("stretches", "stretch"), ("boxes", "box"), ("fizzes", "fizz"),
    ("injuries", "injury"), ("running", "run"), ("hopped", "hop"), ("rolled", "roll"),
    ("slowly", "slow"), ("lunge", "lung"), ("lunges", "lung"),
    ("press", "press"), ("bus", "bus"), ("basis", "basis"), ("agreed", "agreed"),
    ("daily", "daily"), ("abs", "abs"), ("12", "12"),
    ("glute's", "glut"), ("don't", "dont"), ("it's", "it"),
])
def test_stem(word, expected):
    assert terms.stem(word) == expected


@pytest.mark.parametrize("text, expected", [
    ("How do I do push-ups?", ["pushup"]),
    ("I want to lose some weight", ["weightloss"]),
    ("warm ups before working out", ["warmup", "workout"]),
    ("Tell me about the best sit ups", ["situp"]),
    ("I passed out after a run", ["faint", "run"]),
    ("cool down stretches", ["cooldown", "stretch"]),
    ("what about the hip-hinge", ["hip", "hing"]),
    ("Squats, squatting and SQUATTED", ["squat", "squat", "squat"]),
    ("um so yeah what is it", []),
])
def test_terms_are_the_stems_of_content_words(text, expected):
    assert terms.terms(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Don't squat, it's late", ["don't", "squat", "it's", "late"]),
    ("3 sets of 10-12", ["3", "sets", "of", "10", "12"]),
])
def test_words_keep_contractions_whole(text, expected):
    assert terms.words(text) == expected


@pytest.mark.parametrize("term, expected", [
    ("rep", {"repetition"}),
    ("weight", {"dumbbell", "barbell", "fat"}),  # in two groups
    ("warmup", {"warm"}),
    ("squat", set()),
])
def test_synonyms_are_stemmed_groups(term, expected):
    assert terms.synonyms(term) == {terms.stem(word) for word in expected}


def test_synonyms_go_both_ways():
    vocabulary = terms._vocabulary("en")[1]
    for term, same in vocabulary.items():
        assert all(term in terms.synonyms(other) for other in same), term


def test_stopwords_come_from_the_vocabulary():
    assert {"the", "coach", "can't", "please"} <= terms.stopwords()
    assert "squat" not in terms.stopwords()


@pytest.fixture
def language_root(tmp_path, monkeypatch):
    monkeypatch.setattr(lang, "LANG_ROOT", tmp_path)
    lang._data.cache_clear()
    terms._vocabulary.cache_clear()
    yield tmp_path
    lang._data.cache_clear()
    terms._vocabulary.cache_clear()


@pytest.mark.parametrize("text", [
    "synonym_groups: [[a, b]]\n",
    "stopwords: ''\nsynonym_groups: [[a, b]]\n",
    "stopwords: the a\n",
    "stopwords: the a\nsynonym_groups: [[alone]]\n",
    "stopwords: the a\nsynonym_groups: [[yes, no]]\n",  # booleans, not words
])
def test_malformed_vocabulary_is_refused(language_root, text):
    folder = language_root / "xx" / "answering"
    folder.mkdir(parents=True)
    (folder / "vocabulary.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(lang.LanguageDataError, match="vocabulary.yaml"):
        terms._vocabulary("xx")


@pytest.mark.parametrize(("question", "label", "kept_apart"), [
    ("twenty weeks pregnant can i keep running", "running again after giving birth", True),
    ("running after having my baby", "lifting weights or running while pregnant", True),
    ("running after my baby, i was running while pregnant", "running after giving birth",
     False),  # the question is on both sides
    ("can i keep running", "running again after giving birth", False),  # on neither
    ("pregnant, can i run", "running while pregnant", False),
])
def test_sections_on_the_other_side_of_a_pair_are_kept_apart(question, label, kept_apart):
    from fitness_voice.answering.terms import apart
    assert apart(frozenset(terms.terms(question)), frozenset(terms.terms(label))) is kept_apart
