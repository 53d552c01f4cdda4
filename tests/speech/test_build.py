"""Settings, and the engine, store and speaker built from them."""

import pytest

from fitness_voice import config as settings
from fitness_voice import speech
from fitness_voice.speech.base import AudioStore, SpeechEngine
from fitness_voice.speech.elevenlabs_engine import ElevenLabsEngine
from fitness_voice.speech.local_engine import piper_available
from fitness_voice.speech.local_store import LocalStore
from fitness_voice.speech.polly_engine import PollyEngine
from fitness_voice.speech.s3_store import S3Store
from fitness_voice.speech.twilio_say import TwilioSay
from tests.peers.s3_server import aws_environment
from tests.speech.helpers import LOCAL, SECRET, build_speaker

SPEECH_ENV = ("TTS_ENGINE", "AUDIO_FORMAT", "AUDIO_STORE", "AUDIO_BUCKET", "AUDIO_URL_MODE",
              "AUDIO_DIR", "AUDIO_PREFIX")


def test_speech_settings_defaults(monkeypatch):
    for name in SPEECH_ENV:
        monkeypatch.delenv(name, raising=False)
    values = settings.speech_settings()
    assert values["TTS_ENGINE"] == ("local" if piper_available() else "say")
    assert values["AUDIO_FORMAT"] == "wav"
    assert values["AUDIO_STORE"] == "local"
    assert values["AUDIO_PREFIX"] == "audio/"
    assert values["AUDIO_URL_MODE"] == "presigned" and values["AUDIO_URL_EXPIRY"] == 86400
    assert values["POLLY_VOICE"] == "Joanna" and values["POLLY_ENGINE"] == "neural"
    monkeypatch.setenv("AUDIO_BUCKET", "my-bucket")
    assert settings.speech_settings()["AUDIO_STORE"] == "s3"


def test_build_speaker_choices(tmp_path, monkeypatch):
    aws_environment(monkeypatch)
    assert isinstance(build_speaker({"TTS_ENGINE": "say"}, str(tmp_path)), TwilioSay)
    local = build_speaker({"TTS_ENGINE": "local", "AUDIO_FORMAT": "mp3"}, str(tmp_path))
    assert isinstance(local.store, LocalStore)
    assert local.store.directory == str(tmp_path / "audio")
    assert local.engine.voice == "en_US-joe-medium"
    polly_s3 = build_speaker({"TTS_ENGINE": "polly", "AUDIO_BUCKET": "b"}, str(tmp_path))
    assert isinstance(polly_s3.engine, PollyEngine)
    assert isinstance(polly_s3.store, S3Store) and polly_s3.fmt == "wav"
    assert polly_s3.store.base_url == "https://b.s3.us-east-1.amazonaws.com"


@pytest.mark.parametrize(("config", "model", "voice_config"), [
    ({"PIPER_MODEL": "/v/a.onnx", "PIPER_CONFIG": "/v/b.json"}, "/v/a.onnx", "/v/b.json"),
    pytest.param({"PIPER_MODEL": "/v/a.onnx"}, "/v/a.onnx", "/v/a.onnx.json",
                 marks=LOCAL),  # piper's own convention, unless it is the packaged voice
])
def test_piper_voice_files_from_settings(tmp_path, config, model, voice_config):
    speaker = build_speaker({"TTS_ENGINE": "local", **config}, str(tmp_path))
    assert (speaker.engine.worker.model, speaker.engine.worker.config) == (model, voice_config)
    assert speaker.engine.voice == "a"


@pytest.mark.parametrize("config", [
    {"TTS_ENGINE": "festival"},
    {"TTS_ENGINE": "local", "AUDIO_FORMAT": "ogg"},
    {"TTS_ENGINE": "local", "AUDIO_STORE": "ftp"},
    {"TTS_ENGINE": "local", "AUDIO_STORE": "s3"},
    {"TTS_ENGINE": "local", "AUDIO_BUCKET": "b", "AUDIO_URL_MODE": "secret"},
])
def test_build_speaker_refuses_bad_settings(tmp_path, monkeypatch, config):
    aws_environment(monkeypatch)
    with pytest.raises(ValueError):
        build_speaker(config, str(tmp_path))


def test_twilio_say_never_has_audio():
    assert TwilioSay().audio_url("Hello") is None


def test_providers_offer_the_declared_interfaces(tmp_path, monkeypatch):
    aws_environment(monkeypatch)
    local = build_speaker({"TTS_ENGINE": "local", "PIPER_MODEL": "/v/a.onnx",
                                  "PIPER_CONFIG": "/v/a.json"}, str(tmp_path))
    polly_s3 = build_speaker({"TTS_ENGINE": "polly", "AUDIO_BUCKET": "b"}, str(tmp_path))
    for speaker in (local, polly_s3):
        assert isinstance(speaker.engine, SpeechEngine)
        assert isinstance(speaker.store, AudioStore)
    assert not isinstance(local.store, SpeechEngine)


def test_the_budget_and_the_pool_come_from_the_settings(tmp_path):
    speaker = speech.build_speaker({"SECRET_KEY": SECRET, "TTS_ENGINE": "local",
                                    "SPEECH_WORKERS": 2, "SPEECH_QUEUE": 5,
                                    "SPEECH_BUDGET_SECONDS": 0.8}, str(tmp_path))
    assert speaker.budget_seconds == 0.8
    assert (speaker.pool.workers, speaker.pool.queue_size) == (2, 5)
    assert len(speaker.engine.workers) == 2  # one piper process per pool thread
    unbounded = build_speaker({"TTS_ENGINE": "local"}, str(tmp_path))  # budget 0
    assert unbounded.budget_seconds is None


def test_elevenlabs_from_the_settings(tmp_path):
    speaker = build_speaker({"TTS_ENGINE": "elevenlabs", "ELEVENLABS_API_KEY": "k",
                             "ELEVENLABS_VOICE_ID": "v1"}, str(tmp_path))
    assert isinstance(speaker.engine, ElevenLabsEngine)
    assert speaker.engine.voice == "v1:eleven_flash_v2_5"
    assert speaker.engine.url == "https://api.elevenlabs.io/v1/text-to-speech/v1"


def test_audio_names_are_keyed_with_the_audio_secret_else_the_app_secret(tmp_path):
    def name(**secrets):
        config = {"TTS_ENGINE": "local", **secrets}
        return speech.build_speaker(config, str(tmp_path)).name_for("Hello.")
    assert name(SECRET_KEY="a") != name(SECRET_KEY="b")
    assert name(SECRET_KEY="a", AUDIO_KEY_SECRET="c") == name(SECRET_KEY="b", AUDIO_KEY_SECRET="c")
    with pytest.raises(ValueError, match="secret"):
        name()
