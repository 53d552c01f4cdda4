"""Cache file names, callers' folders, the words in a header, and where the local files live."""

import hashlib
import os
from urllib.parse import unquote

import pytest

from fitness_voice.speech.files import (
    FOLDER,
    NAME,
    TEXT_LIMIT,
    AudioKeys,
    local_audio_dir,
    quote_text,
    text_path,
    valid_name,
)

SPOKEN = "rest ninety seconds."
BASE = ("tone", "a440", "mp3", SPOKEN)
KEYS = AudioKeys("one secret")
cache_name = KEYS.name


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


def test_a_name_cannot_be_made_without_the_secret():
    plain = hashlib.sha256("\n".join(BASE).encode()).hexdigest() + ".mp3"
    assert cache_name(*BASE) != plain
    assert AudioKeys("another secret").name(*BASE) != cache_name(*BASE)
    with pytest.raises(ValueError):
        AudioKeys("")


def test_a_callers_folder_is_keyed_and_stable():
    folder = KEYS.folder("42")
    assert FOLDER.match(folder) and KEYS.folder(42) == folder
    assert KEYS.folder("43") != folder and AudioKeys("another secret").folder("42") != folder


@pytest.mark.parametrize(("stored", "valid"), [
    ("0" * 64 + ".wav", True),
    ("c" + "0" * 32 + "/" + "0" * 64 + ".mp3", True),
    ("c" + "0" * 31 + "/" + "0" * 64 + ".mp3", False),
    ("../" + "0" * 64 + ".mp3", False),
    ("c" + "0" * 32 + "/../" + "0" * 64 + ".mp3", False),
    ("0" * 64 + ".txt", False),
])
def test_valid_names(stored, valid):
    assert valid_name(stored) is valid


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


def test_long_text_in_a_header_is_cut_at_a_character_boundary():
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
