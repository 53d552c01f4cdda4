"""The audio cache: the local folder served at /audio/, and S3 (moto's real server)."""

import os
import threading
import time
from types import SimpleNamespace
from urllib.parse import unquote

import numpy as np
import pytest
import requests
from flask import Flask

from fitness_voice import speech
from fitness_voice.audio import CACHE_CONTROL, TEXT_LIMIT, quote_text
from fitness_voice.web import audio as audio_route
from tests.peers.s3_server import S3Peer, aws_environment, closed_port

REPLY = "Rest 90s, then go again. You've got this & you're nearly done!"


class ToneEngine:
    """A stand-in engine with real audio: half a second of A440, counted."""

    name = "tone"
    voice = "a440"

    def __init__(self, fmt, delay=0.0, data=None):
        self.fmt = fmt
        self.delay = delay
        self.data = data
        self.calls = []

    def synthesize(self, text):
        self.calls.append(text)
        time.sleep(self.delay)
        if self.data is not None:
            return self.data
        n = np.arange(11025)
        return speech.encode((np.sin(2 * np.pi * 440 * n / 22050) * 8000).astype("<i2"),
                             22050, self.fmt)


def minimal_app(tmp_path, speaker=None, phrases=()):
    app = Flask("audio_cache_test", instance_path=str(tmp_path / "instance"))
    app.config.update(TESTING=True)
    speech.init_app(app)
    audio_route.init_app(app)
    coach = SimpleNamespace(fixed_phrases=lambda: list(phrases))
    app.extensions["fitness_voice"] = SimpleNamespace(speaker=speaker, coach=coach)
    return app


def local_speaker(tmp_path, fmt="mp3", **engine_options):
    store = speech.LocalStore(tmp_path / "instance" / "audio")
    return speech.Speaker(ToneEngine(fmt, **engine_options), store, fmt)


# -- the local store and its route ------------------------------------------------

@pytest.mark.parametrize(("fmt", "content_type"), [("mp3", "audio/mpeg"), ("wav", "audio/wav")])
def test_local_audio_is_served_with_its_type_and_caching_headers(tmp_path, fmt, content_type):
    speaker = local_speaker(tmp_path, fmt)
    app = minimal_app(tmp_path, speaker)
    url = speaker.audio_url(REPLY)
    assert url.startswith("/audio/") and url.endswith("." + fmt)

    response = app.test_client().get(url, buffered=True)
    assert response.status_code == 200
    assert response.mimetype == content_type
    assert speech.audio_kind(response.data) == fmt
    cache_control = response.headers["Cache-Control"]
    assert "public" in cache_control and "immutable" in cache_control
    assert "max-age=31536000" in cache_control
    assert response.headers["ETag"]
    assert response.headers["Accept-Ranges"] == "bytes"
    assert unquote(response.headers["X-Audio-Text"]) == REPLY


def test_local_audio_answers_conditional_gets_with_304(tmp_path):
    speaker = local_speaker(tmp_path)
    client = minimal_app(tmp_path, speaker).test_client()
    url = speaker.audio_url(REPLY)
    first = client.get(url, buffered=True)
    again = client.get(url, buffered=True, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert not again.data
    since = client.get(url, buffered=True,
                       headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_local_audio_answers_range_requests_with_206(tmp_path):
    speaker = local_speaker(tmp_path)
    client = minimal_app(tmp_path, speaker).test_client()
    url = speaker.audio_url(REPLY)
    whole = client.get(url, buffered=True).data
    part = client.get(url, buffered=True, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 0-99/{len(whole)}"
    assert part.data == whole[:100]
    tail = client.get(url, buffered=True, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == whole[-10:]
    head = client.head(url, buffered=True)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(whole)


@pytest.mark.parametrize("name", [
    "nothing.mp3", "0" * 64 + ".ogg", "0" * 64 + ".mp3", "..%2F..%2Fetc%2Fpasswd",
    "0" * 64 + ".txt", "A" * 64 + ".mp3",
])
def test_local_audio_route_serves_nothing_else(tmp_path, name):
    speaker = local_speaker(tmp_path)
    app = minimal_app(tmp_path, speaker)
    speaker.audio_url(REPLY)  # so the folder and a sidecar .txt exist
    assert app.test_client().get(f"/audio/{name}", buffered=True).status_code == 404


def test_local_url_respects_the_apps_script_root(tmp_path):
    speaker = local_speaker(tmp_path)
    app = minimal_app(tmp_path, speaker)
    with app.test_request_context("/voice/turn", base_url="https://coach.example/fv"):
        assert speaker.audio_url(REPLY).startswith("/fv/audio/")


# -- caching rules ---------------------------------------------------------------

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
    assert speaker._locks == {}  # per-phrase locks do not pile up


def test_two_processes_writing_one_phrase_leave_a_whole_file(tmp_path):
    speakers = [local_speaker(tmp_path, delay=0.05) for _ in range(4)]
    barrier = threading.Barrier(len(speakers))
    urls = []

    def render(speaker):
        barrier.wait()
        urls.append(speaker.audio_url(REPLY))

    threads = [threading.Thread(target=render, args=(s,)) for s in speakers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(urls)) == 1
    folder = tmp_path / "instance" / "audio"
    names = sorted(os.listdir(folder))
    assert [n.rsplit(".", 1)[1] for n in names] == ["mp3", "txt"]  # no temporary files left
    assert speech.audio_kind((folder / names[0]).read_bytes()) == "mp3"


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


@pytest.mark.parametrize("data", [bytes(8), b"<html>error</html>", b"", b"RIFF\0\0\0\0WAVE"])
def test_bytes_that_are_not_audio_are_refused(tmp_path, data):
    speaker = local_speaker(tmp_path, data=data)
    assert speaker.audio_url(REPLY) is None
    assert speaker.stats["failures"] == 1
    assert not os.listdir(tmp_path / "instance" / "audio")


def test_an_engine_that_raises_gives_none(tmp_path):
    speaker = local_speaker(tmp_path)

    def broken(text):
        raise RuntimeError("engine on fire")

    speaker.engine.synthesize = broken
    assert speaker.audio_url(REPLY) is None


def test_nothing_to_say_gives_none_without_synthesis(tmp_path):
    speaker = local_speaker(tmp_path)
    assert speaker.audio_url("") is None
    assert speaker.audio_url("... !") is None
    assert speaker.engine.calls == []


# -- flask speech warm ------------------------------------------------------------

PHRASES = ["Hi, I'm your fitness coach.", "Sorry, I didn't catch that.", "Goodbye!"]


def test_warm_renders_fixed_phrases_once(tmp_path):
    speaker = local_speaker(tmp_path)
    app = minimal_app(tmp_path, speaker, PHRASES)
    first = app.test_cli_runner().invoke(args=["speech", "warm"])
    assert first.exit_code == 0, first.output
    assert "3 rendered, 0 already cached, 0 failed" in first.output
    # A fresh process (release step, then web workers) finds them all cached.
    app = minimal_app(tmp_path, local_speaker(tmp_path), PHRASES)
    again = app.test_cli_runner().invoke(args=["speech", "warm"])
    assert "0 rendered, 3 already cached, 0 failed" in again.output
    assert app.extensions["fitness_voice"].speaker.engine.calls == []


def test_warm_reports_failures_and_strict_fails(tmp_path):
    speaker = local_speaker(tmp_path, data=bytes(8))
    app = minimal_app(tmp_path, speaker, PHRASES)
    relaxed = app.test_cli_runner().invoke(args=["speech", "warm"])
    assert relaxed.exit_code == 0 and "3 failed" in relaxed.output
    strict = app.test_cli_runner().invoke(args=["speech", "warm", "--strict"])
    assert strict.exit_code != 0


def test_warm_with_twilio_say_has_nothing_to_do(tmp_path):
    app = minimal_app(tmp_path, speech.TwilioSay(), PHRASES)
    result = app.test_cli_runner().invoke(args=["speech", "warm"])
    assert result.exit_code == 0 and "nothing to render" in result.output


def test_init_app_twice_is_harmless(tmp_path):
    app = minimal_app(tmp_path)
    speech.init_app(app)
    assert "speech_audio" in app.blueprints


# -- S3 ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def s3():
    with S3Peer() as peer:
        peer.create_bucket("fitness-voice-audio")
        peer.create_bucket("fitness-voice-public", public_read=True)
        yield peer


def s3_speaker(s3, fmt="mp3", **settings):
    config = {"AUDIO_BUCKET": "fitness-voice-audio", "S3_ENDPOINT_URL": s3.url,
              "SPEECH_CONNECT_TIMEOUT": 1.0, "SPEECH_TIMEOUT": 2.0, **settings}
    return speech.Speaker(ToneEngine(fmt), speech.build_store(config, "/nonexistent"), fmt)


@pytest.mark.parametrize(("fmt", "content_type"), [("mp3", "audio/mpeg"), ("wav", "audio/wav")])
def test_s3_presigned_url_fetches_audio_with_its_headers(s3, monkeypatch, fmt, content_type):
    aws_environment(monkeypatch)
    speaker = s3_speaker(s3, fmt)
    assert isinstance(speaker.store, speech.S3Store)
    url = speaker.audio_url(REPLY + " " + fmt)
    assert url.startswith(s3.url + "/fitness-voice-audio/audio/") and "X-Amz-Signature" in url

    response = requests.get(url, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    assert unquote(response.headers["x-amz-meta-text"]) == REPLY + " " + fmt
    assert speech.audio_kind(response.content) == fmt


def test_s3_second_request_neither_uploads_nor_synthesizes(s3, monkeypatch):
    aws_environment(monkeypatch)
    speaker = s3_speaker(s3)
    text = "Squeeze your glutes at the top."
    first = speaker.audio_url(text)
    assert speaker.audio_url(text) == first  # the same URL, so Twilio's cache hits too
    assert len(speaker.engine.calls) == 1
    # A fresh process finds the object with HEAD, without synthesizing it again.
    other = s3_speaker(s3)
    assert other.audio_url(text)
    assert other.engine.calls == [] and other.stats["stored"] == 1


def test_s3_public_urls(s3, monkeypatch):
    aws_environment(monkeypatch)
    speaker = s3_speaker(s3, AUDIO_BUCKET="fitness-voice-public", AUDIO_URL_MODE="public",
                         AUDIO_PREFIX="calls/audio/")
    url = speaker.audio_url(REPLY)
    assert url.startswith(f"{s3.url}/fitness-voice-public/calls/audio/") and "?" not in url
    response = requests.get(url, timeout=5)
    assert response.status_code == 200 and speech.audio_kind(response.content) == "mp3"


def test_s3_down_gives_none_quickly(monkeypatch):
    aws_environment(monkeypatch)
    config = {"AUDIO_BUCKET": "fitness-voice-audio",
              "S3_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}",
              "SPEECH_CONNECT_TIMEOUT": 1.0, "SPEECH_TIMEOUT": 1.0, "SPEECH_MAX_ATTEMPTS": 2}
    speaker = speech.Speaker(ToneEngine("mp3"), speech.build_store(config, "/x"), "mp3")
    assert speaker.audio_url(REPLY) is None
    assert speaker.stats["failures"] == 1


def test_long_text_metadata_is_cut_at_a_character_boundary():
    text = "Ünïcödé squats, café lunges! " * 100
    quoted = quote_text(text)
    assert len(quoted) <= TEXT_LIMIT and quoted.isascii()
    assert text.startswith(unquote(quoted, errors="strict"))
