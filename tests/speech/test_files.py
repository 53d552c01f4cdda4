"""Cache file names, the words in headers and metadata, and where the local files live."""

import os
from urllib.parse import unquote

import pytest

from fitness_voice.speech.files import (
    NAME,
    TEXT_LIMIT,
    cache_name,
    local_audio_dir,
    quote_text,
    text_path,
)

SPOKEN = "rest ninety seconds."
BASE = ("tone", "a440", "mp3", SPOKEN)


def test_a_cache_name_is_a_hash_and_the_format():
    name = cache_name(*BASE)
    assert NAME.match(name) and name.endswith(".mp3")
    assert cache_name(*BASE) == name  # stable: the same phrase finds the same file


@pytest.mark.parametrize("other", [
    ("polly", "a440", "mp3", SPOKEN),  # another engine
    ("tone", "b880", "mp3", SPOKEN),  # another voice
    ("tone", "a440", "wav", SPOKEN),  # another format
    ("tone", "a440", "mp3", "rest sixty seconds."),  # other words
    ("tone\na440", "", "mp3", SPOKEN),  # the fields cannot run into each other
])
def test_a_cache_name_changes_with_engine_voice_format_and_words(other):
    assert cache_name(*other) != cache_name(*BASE)


@pytest.mark.parametrize("same", [
    "Rest  NINETY seconds.",
    "  rest ninety seconds. ",
    "REST NINETY SECONDS.",
])
def test_texts_that_sound_the_same_share_a_name(same):
    assert cache_name("tone", "a440", "mp3", same) == cache_name(*BASE)


@pytest.mark.parametrize(("text", "quoted"), [
    ("Rest, then go!", "Rest,%20then%20go!"),
    ("You've got this.", "You've%20got%20this."),
    ("5 < 10 & more?", "5%20%3C%2010%20%26%20more?"),
    ("café", "caf%C3%A9"),
    ("", ""),
])
def test_quote_text(text, quoted):
    assert quote_text(text) == quoted
    assert unquote(quoted) == text


@pytest.mark.parametrize(("text", "limit", "quoted"), [
    ("abc", 2, "ab"),
    ("aé", 6, "a"),  # é is six bytes quoted: it does not fit, and is not cut in half
    ("aé", 7, "a%C3%A9"),
    ("a b", 3, "a"),  # a space is three bytes quoted
])
def test_quote_text_cuts_at_a_character_boundary(text, limit, quoted):
    assert quote_text(text, limit) == quoted


def test_long_text_metadata_is_cut_at_a_character_boundary():
    text = "Ünïcödé squats, café lunges! " * 100
    quoted = quote_text(text)
    assert len(quoted) <= TEXT_LIMIT and quoted.isascii()
    assert text.startswith(unquote(quoted, errors="strict"))


@pytest.mark.parametrize(("name", "sidecar"), [
    ("0" * 64 + ".mp3", "0" * 64 + ".txt"),
    ("0" * 64 + ".wav", "0" * 64 + ".txt"),
])
def test_the_words_of_a_file_sit_beside_it(name, sidecar):
    assert text_path("/audio", name) == os.path.join("/audio", sidecar)


@pytest.mark.parametrize(("config", "folder"), [
    ({}, os.path.join("/instance", "audio")),
    ({"AUDIO_DIR": None}, os.path.join("/instance", "audio")),
    ({"AUDIO_DIR": "/var/audio"}, "/var/audio"),
])
def test_local_audio_dir(config, folder):
    assert local_audio_dir(config, "/instance") == folder
