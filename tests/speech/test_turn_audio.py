"""The app's answers: <Play> URLs that are audio, <Say> when there is none."""

import xml.etree.ElementTree as ET
from urllib.parse import unquote

import requests

from fitness_voice import speech
from fitness_voice.extensions import db
from fitness_voice.models import Turn
from fitness_voice.speech.build import build_store
from fitness_voice.speech.formats import audio_kind
from fitness_voice.speech.local_engine import LocalEngine
from fitness_voice.speech.local_store import LocalStore
from fitness_voice.speech.speaker import Speaker
from tests.peers.s3_server import S3Peer, aws_environment
from tests.speech.helpers import KEYS, LOCAL, ToneEngine, build_speaker


def _use_speaker(app, speaker):
    speech.init_app(app)
    app.extensions["fitness_voice"].speaker = speaker


def _verbs(response):
    assert response.status_code == 200, response.data
    root = ET.fromstring(response.data)
    return [(verb.tag, (verb.text or "").strip()) for verb in root.iter()
            if verb.tag in ("Play", "Say")]


@LOCAL
def test_each_play_url_in_a_turn_is_audio(app, twilio, local_worker, tmp_path):
    speaker = Speaker(LocalEngine(local_worker, "wav"), LocalStore(tmp_path / "audio"), "wav",
                      KEYS)
    app.config["AUDIO_DIR"] = str(tmp_path / "audio")
    _use_speaker(app, speaker)
    plays = [v for v in _verbs(twilio.start()) + _verbs(twilio.say(1, "hello coach"))
             if v[0] == "Play"]
    assert len(plays) >= 2
    for _, url in plays:
        audio = twilio.client.get(url, buffered=True)
        assert audio.status_code == 200 and audio.mimetype == "audio/wav"
        assert audio_kind(audio.data) == "wav"
        assert unquote(audio.headers["X-Audio-Text"])


def test_each_play_url_on_s3_is_audio(app, twilio, monkeypatch, tmp_path):
    aws_environment(monkeypatch)
    with S3Peer() as s3:
        s3.create_bucket("fitness-voice-audio")
        store = build_store({"AUDIO_BUCKET": "fitness-voice-audio",
                             "S3_ENDPOINT_URL": s3.url}, str(tmp_path))
        _use_speaker(app, Speaker(ToneEngine("mp3"), store, "mp3", KEYS))
        plays = [v for v in _verbs(twilio.start()) + _verbs(twilio.say(1, "thanks"))
                 if v[0] == "Play"]
        assert len(plays) >= 2
        for _, url in plays:
            response = requests.get(url, timeout=5)
            assert response.status_code == 200
            assert audio_kind(response.content) == "mp3"


def test_failed_speech_is_said_by_twilio_and_the_turn_is_stored(app, twilio, tmp_path):
    config = {"TTS_ENGINE": "local", "PIPER_MODEL": str(tmp_path / "missing.onnx"),
              "AUDIO_DIR": str(tmp_path / "audio")}
    _use_speaker(app, build_speaker(config, str(tmp_path)))
    verbs = _verbs(twilio.start()) + _verbs(twilio.say(1, "hello"))
    assert verbs and all(tag == "Say" for tag, _ in verbs)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Turn)) == 2
