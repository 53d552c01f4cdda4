"""The S3 store, against moto's real server."""


import pytest
import requests

from fitness_voice.speech.base import SpeechError
from fitness_voice.speech.build import build_store
from fitness_voice.speech.files import CACHE_CONTROL
from fitness_voice.speech.formats import audio_kind
from fitness_voice.speech.s3_store import S3Store
from fitness_voice.speech.speaker import Speaker
from tests.peers.s3_server import S3Peer, aws_environment, closed_port
from tests.speech.helpers import KEYS, REPLY, ToneEngine


@pytest.fixture(scope="module")
def s3():
    with S3Peer() as peer:
        peer.create_bucket("fitness-voice-audio")
        peer.create_bucket("fitness-voice-public", public_read=True)
        yield peer


def s3_speaker(s3, fmt="mp3", **settings):
    config = {"AUDIO_BUCKET": "fitness-voice-audio", "S3_ENDPOINT_URL": s3.url,
              "SPEECH_CONNECT_TIMEOUT": 1.0, "SPEECH_TIMEOUT": 2.0, **settings}
    return Speaker(ToneEngine(fmt), build_store(config, "/nonexistent"), fmt, KEYS)


@pytest.mark.parametrize(("fmt", "content_type"), [("mp3", "audio/mpeg"), ("wav", "audio/wav")])
def test_s3_presigned_url_fetches_audio_with_its_headers(s3, monkeypatch, fmt, content_type):
    aws_environment(monkeypatch)
    speaker = s3_speaker(s3, fmt)
    assert isinstance(speaker.store, S3Store)
    url = speaker.audio_url(REPLY + " " + fmt)
    assert url.startswith(s3.url + "/fitness-voice-audio/audio/") and "X-Amz-Signature" in url

    response = requests.get(url, timeout=5)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["Cache-Control"] == CACHE_CONTROL
    # Nothing of what it says comes back with it.
    assert not [h for h in response.headers if h.lower().startswith("x-amz-meta-")]
    assert audio_kind(response.content) == fmt


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
    assert response.status_code == 200 and audio_kind(response.content) == "mp3"


def test_s3_missing_object_does_not_exist_and_other_failures_are_speech_errors(s3, monkeypatch):
    aws_environment(monkeypatch)
    store = s3_speaker(s3).store
    assert store.exists("0" * 64 + ".mp3") is False
    no_bucket = s3_speaker(s3, AUDIO_BUCKET="no-such-bucket").store
    with pytest.raises(SpeechError):  # not botocore's: one kind of failure
        no_bucket.put("0" * 64 + ".mp3", b"ID3", "audio/mpeg", "Hi.")


def test_s3_down_gives_none_quickly(monkeypatch):
    aws_environment(monkeypatch)
    config = {"AUDIO_BUCKET": "fitness-voice-audio",
              "S3_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}",
              "SPEECH_CONNECT_TIMEOUT": 1.0, "SPEECH_TIMEOUT": 1.0, "SPEECH_MAX_ATTEMPTS": 2}
    speaker = Speaker(ToneEngine("mp3"), build_store(config, "/x"), "mp3", KEYS)
    assert speaker.audio_url(REPLY) is None
    assert speaker.stats["failures"] == 1
    with pytest.raises(SpeechError):
        speaker.store.exists("0" * 64 + ".mp3")
