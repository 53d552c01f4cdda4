"""Yes, no, skip, repeat, slower, goodbye: one vocabulary each, as language data."""

import pytest

from fitness_voice import lang
from fitness_voice.text import vocab
from fitness_voice.text.vocab import ANYWHERE, START, WHOLE


@pytest.mark.parametrize(("text", "match", "expected"), [
    ("yes", START, True), ("Yeah, go on", START, True), ("OK.", START, True),
    ("thats right", START, True), ("that’s right", START, True), ("let's go", START, True),
    ("please do", START, True), ("sure thing", START, True),
    ("please", START, False), ("please don't", START, False),
    ("why not ask my doctor", START, False),
    ("yesterday I ran", START, False), ("no", START, False), ("I said yes", START, False),
    ("please", WHOLE, True), ("yes please coach", WHOLE, True), ("absolutely", WHOLE, True),
    ("why not", WHOLE, False), ("yes but what about squats", WHOLE, False),
])
def test_yes(text, match, expected):
    assert vocab.is_yes(text, match) is expected


def test_yes_opens_by_default():
    assert vocab.is_yes("yes, delete it") and not vocab.is_yes("please don't")


@pytest.mark.parametrize(("text", "match", "expected"), [
    ("no", START, True), ("No, thanks", START, True), ("nope", START, True),
    ("not today", START, True), ("nah", START, True), ("not really", START, False),
    ("nothing", START, False), ("now then", START, False), ("notes please", START, False),
    ("no thank you coach", WHOLE, True), ("i'm good", WHOLE, True), ("im good", WHOLE, True),
    ("not right now", WHOLE, True), ("nothing else thanks", WHOLE, True),
    ("no pain at all", WHOLE, False),
])
def test_no(text, match, expected):
    assert vocab.is_no(text, match) is expected


@pytest.mark.parametrize(("text", "match", "expected"), [
    ("skip", START, True), ("Pass.", START, True), ("never mind", START, True),
    ("nevermind", START, True), ("later", START, True), ("rather not", START, True),
    ("something else", START, True), ("can we skip this one", START, False),
    ("can we skip this one", ANYWHERE, True), ("not this one", ANYWHERE, True),
    ("later I will rest", ANYWHERE, False), ("pass me the weights", ANYWHERE, False),
])
def test_skip(text, match, expected):
    assert vocab.is_skip(text, match) is expected


@pytest.mark.parametrize(("text", "match", "expected"), [
    ("can you repeat that", ANYWHERE, True), ("Say it again please", ANYWHERE, True),
    ("sorry, I didn't catch that", ANYWHERE, True), ("didnt get that", ANYWHERE, True),
    ("pardon?", ANYWHERE, True), ("one more time", ANYWHERE, True),
    ("what was that", ANYWHERE, True), ("what did you say", ANYWHERE, True),
    ("what?", ANYWHERE, False), ("sorry", ANYWHERE, False), ("repeats of ten", ANYWHERE, False),
    ("what?", WHOLE, True), ("huh", WHOLE, True), ("Sorry?", WHOLE, True),
    ("could you repeat that please", WHOLE, True), ("i couldn't hear you", WHOLE, True),
    ("repeat the last bit again", WHOLE, True), ("what did you just say", WHOLE, True),
    ("what is a plank", WHOLE, False), ("sorry I'm late", WHOLE, False),
])
def test_repeat(text, match, expected):
    assert vocab.is_repeat(text, match) is expected


@pytest.mark.parametrize(("text", "match", "expected"), [
    ("slower please", ANYWHERE, True), ("can you slow down", ANYWHERE, True),
    ("you're going too fast", ANYWHERE, True), ("speak slowly", ANYWHERE, False),
    ("i want to lose weight slowly", ANYWHERE, False),
    ("speak more slowly please", WHOLE, True), ("say that a bit slower", WHOLE, True),
    ("slow it down", WHOLE, True), ("not so fast", WHOLE, True),
    ("you are talking too fast coach", WHOLE, True), ("slow squats", WHOLE, False),
])
def test_slower(text, match, expected):
    assert vocab.is_slower(text, match) is expected


@pytest.mark.parametrize(("text", "match", "expected"), [
    ("bye", WHOLE, True), ("Goodbye.", WHOLE, True), ("that's all", WHOLE, True),
    ("ok thanks bye", WHOLE, True), ("Okay, bye for now!", WHOLE, True),
    ("thank you, goodbye", WHOLE, True), ("I'm done", WHOLE, True), ("end the call", WHOLE, True),
    ("talk to you later coach", WHOLE, True), ("bye, coach", WHOLE, True),
    ("bye?", WHOLE, False), ("that's it?", WHOLE, False),
    ("how do I say bye to belly fat", WHOLE, False), ("byes and lunges", WHOLE, False),
    ("bye, see you tomorrow", WHOLE, False),
    ("bye for now, I'll finish later", START, True), ("ok bye", START, True),
    ("hang up", START, True), ("bye?", START, True),
    ("I'm done", START, False), ("that's it", START, False), ("byes and lunges", START, False),
])
def test_goodbye(text, match, expected):
    assert vocab.is_goodbye(text, match) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("ok", True), ("got it thanks", True), ("okay cool", True), ("makes sense", True),
    ("ok what about protein", False), ("great squats", False),
])
def test_ack(text, expected):
    assert vocab.is_ack(text) is expected


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("resume", "go on", True), ("resume", "continue please", True), ("resume", "please", True),
    ("resume", "start over", False),
    ("start_over", "start fresh", True), ("start_over", "something else", True),
    ("start_over", "go on", False),
])
def test_answers_to_picking_up_a_workout(name, text, expected):
    assert vocab.means(name, text, START) is expected


def test_an_unknown_match_is_refused():
    with pytest.raises(ValueError, match="WHOLE, START or ANYWHERE"):
        vocab.is_yes("yes", "somewhere")


def test_a_vocabulary_with_no_phrases_for_a_match_matches_nothing():
    assert not vocab.is_ack("ok", START) and not vocab.is_ack("ok", ANYWHERE)


@pytest.fixture
def language_root(tmp_path, monkeypatch):
    monkeypatch.setattr(lang, "LANG_ROOT", tmp_path)
    lang._data.cache_clear()
    vocab._vocabularies.cache_clear()
    yield tmp_path
    lang._data.cache_clear()
    vocab._vocabularies.cache_clear()


def write_vocab(root, text):
    (root / "xx").mkdir()
    (root / "xx" / "vocab.yaml").write_text(text, encoding="utf-8")


def test_a_language_brings_its_own_words(language_root):
    write_vocab(language_root, "vocabularies:\n  'yes':\n    start: [oui, ouais]\n")
    assert vocab.means("yes", "Oui, merci", START, language="xx")
    assert not vocab.means("yes", "yes", START, language="xx")


@pytest.mark.parametrize(("text", "problem"), [
    ("other: 1\n", "needs a 'vocabularies' mapping"),
    ("vocabularies:\n  'yes': [oui]\n", "must be a mapping"),
    ("vocabularies:\n  'yes':\n    sometimes: [oui]\n", "must be a mapping"),
    ("vocabularies:\n  'yes':\n    tails: [merci]\n", "has no phrases"),
    ("vocabularies:\n  'yes':\n    start: oui\n", "must be a list of phrases"),
    ("vocabularies:\n  'yes':\n    start: [true]\n", "must be a list of phrases"),
    ("vocabularies:\n  'yes':\n    start: ['oui(']\n", "not a valid pattern"),
])
def test_malformed_vocabularies_are_refused_when_loaded(language_root, text, problem):
    write_vocab(language_root, text)
    with pytest.raises(lang.LanguageDataError, match=problem):
        vocab.vocabulary("yes", "xx")


def test_an_unknown_vocabulary_is_named(language_root):
    write_vocab(language_root, "vocabularies:\n  'yes':\n    start: [oui]\n")
    with pytest.raises(lang.LanguageDataError, match="no vocabulary 'maybe'"):
        vocab.vocabulary("maybe", "xx")


def test_every_english_vocabulary_loads():
    for name in ("yes", "no", "skip", "repeat", "slower", "goodbye", "ack", "resume", "start_over"):
        assert vocab.vocabulary(name, "en").name == name
