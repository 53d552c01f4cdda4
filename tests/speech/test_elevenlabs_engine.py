"""ElevenLabs' text-to-speech API, against the loopback peer that speaks it."""

import struct

import pytest

from fitness_voice.speech.elevenlabs_engine import ElevenLabsEngine
from fitness_voice.speech.formats import PHONE_RATE, audio_kind, duration_seconds
from tests.peers.elevenlabs_server import API_KEY, VOICE_ID, ElevenLabsPeer
from tests.speech.helpers import build_speaker


@pytest.fixture(scope="module")
def peer():
    with ElevenLabsPeer() as server:
        yield server


@pytest.fixture(autouse=True)
def fresh(peer):
    peer.mode, peer.failures = "ok", None
    peer.requests.clear()


def eleven_speaker(peer, tmp_path, fmt="wav", **settings):
    config = {"TTS_ENGINE": "elevenlabs", "ELEVENLABS_API_KEY": API_KEY,
              "ELEVENLABS_VOICE_ID": VOICE_ID, "ELEVENLABS_BASE_URL": peer.url,
              "AUDIO_FORMAT": fmt, "AUDIO_DIR": str(tmp_path / "audio"),
              "SPEECH_CONNECT_TIMEOUT": 1.0, "SPEECH_TIMEOUT": 3.0, **settings}
    return build_speaker(config, str(tmp_path))


def stored(tmp_path, url):
    return (tmp_path / "audio" / url.rsplit("/", 1)[1]).read_bytes()


def test_elevenlabs_speaks_phone_mulaw_for_twilio(peer, tmp_path):
    speaker = eleven_speaker(peer, tmp_path, ELEVENLABS_MODEL="eleven_turbo_v2_5")
    url = speaker.audio_url("Rest 90s, then three sets of ten.")
    data = stored(tmp_path, url)
    assert audio_kind(data) == "wav" and duration_seconds(data) > 1.0
    audio_format, channels, rate = struct.unpack("<HHI", data[20:28])
    assert (audio_format, channels, rate) == (7, 1, PHONE_RATE)  # mu-law, mono, 8 kHz
    path, query, headers, body = peer.requests[0]
    assert path == f"/v1/text-to-speech/{VOICE_ID}"
    assert query == {"output_format": "ulaw_8000"}
    assert headers["xi-api-key"] == API_KEY
    assert body == {"text": "Rest ninety seconds, then three sets of ten.",
                    "model_id": "eleven_turbo_v2_5"}
    assert speaker.audio_url("Rest 90s, then three sets of ten.") == url
    assert len(peer.requests) == 1  # cached


def test_elevenlabs_mp3(peer, tmp_path):
    speaker = eleven_speaker(peer, tmp_path, "mp3")
    data = stored(tmp_path, speaker.audio_url("Nice and slow."))
    assert audio_kind(data) == "mp3"
    assert peer.requests[0][1] == {"output_format": "mp3_22050_32"}
    assert peer.requests[0][3]["model_id"] == "eleven_flash_v2_5"


def test_a_busy_answer_is_tried_again(peer, tmp_path):
    peer.mode, peer.failures = "busy", 1
    speaker = eleven_speaker(peer, tmp_path)
    assert speaker.audio_url("Once more.")
    assert len(peer.requests) == 2


@pytest.mark.parametrize(("mode", "settings"), [
    ("busy", {}),
    ("error", {}),
    ("html", {}),
    ("ok", {"ELEVENLABS_API_KEY": "wrong"}),
    ("ok", {"ELEVENLABS_VOICE_ID": "noSuchVoice"}),
])
def test_failures_fall_back_to_say_and_store_nothing(peer, tmp_path, mode, settings):
    peer.mode = mode
    speaker = eleven_speaker(peer, tmp_path, **settings)
    assert speaker.audio_url("Hold the plank.") is None
    assert speaker.stats["failures"] == 1
    assert not list((tmp_path / "audio").iterdir())


def test_an_error_names_elevenlabs_reason(peer):
    engine = ElevenLabsEngine("wrong", VOICE_ID, base_url=peer.url, attempts=1)
    with pytest.raises(Exception, match="401: invalid_api_key"):
        engine.synthesize("Hello.")


@pytest.mark.parametrize("settings", [
    {"ELEVENLABS_API_KEY": None},
    {"ELEVENLABS_VOICE_ID": ""},
])
def test_elevenlabs_needs_a_key_and_a_voice(peer, tmp_path, settings):
    with pytest.raises(ValueError, match="ELEVENLABS"):
        eleven_speaker(peer, tmp_path, **settings)
