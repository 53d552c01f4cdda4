"""The cached speaker: each phrase rendered once, and never an exception out of it."""

import os
import threading

import pytest

from fitness_voice.speech.base import SpeechError
from fitness_voice.speech.local_store import LocalStore
from fitness_voice.speech.speaker import Speaker
from tests.speech.helpers import KEYS, REPLY, ToneEngine, local_speaker


def test_a_cached_phrase_is_never_synthesized_again(tmp_path):
    speaker = local_speaker(tmp_path)
    first = speaker.audio_url(REPLY)
    assert speaker.audio_url(REPLY) == first
    assert speaker.audio_url("  rest 90 seconds,   then go again. You've got this and "
                             "you're nearly done!") == first  # sounds the same
    assert len(speaker.engine.calls) == 1
    # Another process (a new speaker on the same folder) finds it on disk.
    other = local_speaker(tmp_path)
    assert other.audio_url(REPLY) == first
    assert other.engine.calls == [] and other.stats["stored"] == 1


def test_concurrent_requests_for_a_new_phrase_synthesize_it_once(tmp_path):
    speaker = local_speaker(tmp_path, delay=0.2)
    urls = []
    threads = [threading.Thread(target=lambda: urls.append(speaker.audio_url(REPLY)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(urls)) == 1 and urls[0]
    assert len(speaker.engine.calls) == 1
    assert speaker._inflight == {}  # work in progress does not pile up


def test_cache_key_depends_on_engine_voice_format_and_words(tmp_path):
    mp3 = local_speaker(tmp_path, "mp3")
    wav = local_speaker(tmp_path, "wav")
    spoken = "rest ninety seconds."
    assert mp3.name_for(spoken) != wav.name_for(spoken)
    other_voice = local_speaker(tmp_path, "mp3")
    other_voice.engine.voice = "b880"
    assert mp3.name_for(spoken) != other_voice.name_for(spoken)
    assert mp3.name_for(spoken) != mp3.name_for("rest sixty seconds.")
    assert mp3.name_for(spoken) == mp3.name_for("Rest  NINETY seconds.")
    assert mp3.name_for(spoken) == KEYS.name("tone", "a440", "mp3", spoken)


@pytest.mark.parametrize(("text", "how"), [
    ("Rest now.", "synthesized"),
    ("", "empty"),
    ("... !", "empty"),
])
def test_render_says_what_it_did(tmp_path, text, how):
    assert local_speaker(tmp_path).render(text)[1] == how


def test_render_finds_then_remembers(tmp_path):
    local_speaker(tmp_path).render(REPLY)
    speaker = local_speaker(tmp_path)
    assert [speaker.render(REPLY)[1] for _ in range(2)] == ["stored", "hit"]
    assert speaker.stats == {"hits": 1, "stored": 1, "synthesized": 0, "failures": 0,
                             "late": 0, "busy": 0, "dropped": 0}


def test_the_memory_of_stored_names_is_bounded(tmp_path):
    speaker = Speaker(ToneEngine("mp3"), LocalStore(tmp_path), "mp3", KEYS, max_known=2)
    for text in ("One.", "Two.", "Three."):
        speaker.audio_url(text)
    assert len(speaker._known) == 2
    assert speaker.render("One.")[1] == "stored"  # forgotten, found again on disk


@pytest.mark.parametrize("data", [bytes(8), b"<html>error</html>", b"", b"RIFF\0\0\0\0WAVE"])
def test_bytes_that_are_not_audio_are_refused(tmp_path, data):
    speaker = local_speaker(tmp_path, data=data)
    assert speaker.audio_url(REPLY) is None
    assert speaker.stats["failures"] == 1
    assert not os.listdir(tmp_path / "instance" / "audio")


@pytest.mark.parametrize("error", [RuntimeError("engine on fire"), SpeechError("no voice")])
def test_an_engine_that_raises_gives_none(tmp_path, error):
    speaker = local_speaker(tmp_path)

    def broken(text):
        raise error

    speaker.engine.synthesize = broken
    assert speaker.audio_url(REPLY) is None
    assert speaker.stats["failures"] == 1


def test_nothing_to_say_gives_none_without_synthesis(tmp_path):
    speaker = local_speaker(tmp_path)
    assert speaker.audio_url("") is None
    assert speaker.audio_url("... !") is None
    assert speaker.engine.calls == []


@pytest.mark.parametrize(("fmt", "engine_fmt"), [("ogg", "ogg"), ("mp3", "wav")])
def test_a_speaker_refuses_a_format_it_cannot_serve(tmp_path, fmt, engine_fmt):
    with pytest.raises(ValueError):
        Speaker(ToneEngine(engine_fmt), LocalStore(tmp_path), fmt, KEYS)


def test_warm_counts_what_it_rendered_found_and_failed(tmp_path):
    speaker = local_speaker(tmp_path)
    speaker.audio_url("Known.")
    result = speaker.warm(["Known.", "New.", "", "New."])
    assert (result.rendered, result.cached, result.failed) == (1, 2, 0)
    broken = local_speaker(tmp_path, data=b"nope")
    assert broken.warm(["Other."]).failed == 1
