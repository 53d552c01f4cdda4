"""Speech synthesis: audio bytes, SSML, the Polly path against a local Polly,
the local piper engine, and the app's <Play>/<Say> answers."""

import os
import struct
import sys
import time
import warnings
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import numpy as np
import pytest
import requests

from fitness_voice import config as settings
from fitness_voice import speech
from fitness_voice.extensions import db
from fitness_voice.models import Turn
from fitness_voice.text.speakable import for_speech
from tests.peers.polly_server import PollyPeer, ssml_words
from tests.peers.s3_server import S3Peer, aws_environment

LOCAL = pytest.mark.skipif(not speech.piper_available(), reason="piper-tts is not installed")


def tone(seconds=1.0, rate=22050, hz=440.0):
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * hz * t) * 10000).astype("<i2")


class ToneEngine:
    name = "tone"
    voice = "a440"

    def __init__(self, fmt):
        self.fmt = fmt

    def synthesize(self, text):
        return speech.encode(tone(0.5), 22050, self.fmt)


# -- audio bytes ---------------------------------------------------------------

@pytest.mark.parametrize(("data", "kind"), [
    (b"ID3\x04\0\0\0\0\0\0", "mp3"),
    (b"\xff\xfb\x90\x64" + bytes(100), "mp3"),
    (b"\xff\xf3\x40\xc4" + bytes(100), "mp3"),
    (b"RIFF\x24\0\0\0WAVEfmt " + bytes(40), "wav"),
    (bytes(8), None),  # what moto's Polly answers
    (b"", None),
    (b"\xff", None),
    (b"\xff\xe0\0\0", None),  # frame sync with no layer: not MPEG audio
    (b'{"message": "Rate exceeded"}', None),
    (b"<html><body>403</body></html>", None),
    (b"RIFF\0\0\0\0WAVE", None),  # too short to hold a header
])
def test_audio_kind(data, kind):
    assert speech.audio_kind(data) == kind


def test_mulaw_matches_the_reference_coder_for_every_sample():
    every = np.arange(-32768, 32768, dtype=np.int32).astype("<i2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop  # deprecated, used here only as the reference
        reference = audioop.lin2ulaw(every.tobytes(), 2)
    assert speech.mulaw_encode(every) == reference


def test_mulaw_wav_header():
    data = speech.mulaw_wav(speech.mulaw_encode(np.zeros(801)))
    assert speech.audio_kind(data) == "wav"
    riff_size, = struct.unpack("<I", data[4:8])
    assert riff_size == len(data) - 8
    fmt = struct.unpack("<HHIIHH", data[20:36])
    assert fmt == (7, 1, 8000, 8000, 1, 8)  # mu-law, mono, 8 kHz, 8 bits
    assert data[38:42] == b"fact"
    start = data.index(b"data")
    assert struct.unpack("<I", data[start + 4:start + 8])[0] == 801
    assert len(data) % 2 == 0  # chunks are padded to even length
    assert speech.duration_seconds(data) == pytest.approx(801 / 8000)


def test_resampling_keeps_speech_band_and_does_not_alias():
    rate = 22050
    t = np.arange(rate) / rate
    mixed = np.sin(2 * np.pi * 1000 * t) * 10000 + np.sin(2 * np.pi * 6000 * t) * 10000
    out = speech.resample(mixed, rate, 8000)
    assert len(out) == 8000
    window = out[1000:7000] * np.hanning(6000)
    spectrum = np.abs(np.fft.rfft(window))
    freqs = np.fft.rfftfreq(6000, 1 / 8000)
    assert freqs[spectrum.argmax()] == pytest.approx(1000, abs=2)
    # 6 kHz is above the 4 kHz Nyquist limit: it must not fold back to 2 kHz.
    assert spectrum[np.abs(freqs - 2000).argmin()] < 1e-3 * spectrum.max()
    assert np.abs(out[1000:7000]).max() == pytest.approx(10000, rel=0.05)


@pytest.mark.parametrize("fmt", ["mp3", "wav"])
def test_encode(fmt):
    data = speech.encode(tone(2.0), 22050, fmt)
    assert speech.audio_kind(data) == fmt
    assert speech.duration_seconds(data) == pytest.approx(2.0, abs=0.1)


def test_encode_refuses_silence_of_zero_length():
    with pytest.raises(speech.NotAudio):
        speech.encode(np.zeros(0, dtype="<i2"), 22050, "mp3")


@pytest.mark.parametrize("pcm", [bytes(8), bytes(4000), b"\x01" * 7])
def test_pcm_that_is_not_speech_is_refused(pcm):
    with pytest.raises(speech.NotAudio):
        speech.pcm_to_wav(pcm, 8000)


# -- SSML ------------------------------------------------------------------------

NASTY = ('Use 5 < 10 reps & "squeeze" at the top. Don\'t stop! '
         "</speak><speak><break time='10s'/> <amazon:effect name=\"whispered\">hi")


def test_ssml_escapes_text_and_pauses_between_sentences():
    document = speech.ssml(NASTY)
    root = ET.fromstring(document)  # well-formed: nothing broke out
    assert root.tag == "speak"
    breaks = list(root)
    assert [b.tag for b in breaks] == ["break", "break"]  # only our pauses, none injected
    assert all(b.get("time") == "300ms" for b in breaks)
    assert " ".join("".join(root.itertext()).split()) == " ".join(NASTY.split())
    assert "&quot;squeeze&quot;" in document and "Don&apos;t" in document


def test_ssml_drops_characters_xml_cannot_hold():
    root = ET.fromstring(speech.ssml("Push\x00 hard\x1b now."))
    assert "".join(root.itertext()) == "Push  hard  now."


def test_long_replies_are_split_for_polly():
    text = " ".join(f"Sentence number {i} is about squats and lunges." for i in range(200))
    pieces = speech._chunks(text)
    assert len(pieces) > 1 and all(len(p) <= 1500 for p in pieces)
    assert " ".join(pieces) == text


# -- Polly, against a local server speaking its protocol ----------------------------

@pytest.fixture(scope="module")
def polly():
    with PollyPeer(renderer="tone") as peer:
        yield peer


@pytest.fixture
def polly_peer(polly, monkeypatch):
    aws_environment(monkeypatch)
    polly.mode, polly.failures = "ok", None
    polly.requests.clear()
    return polly


def polly_speaker(peer, tmp_path, fmt="mp3", **settings_):
    config = {"TTS_ENGINE": "polly", "POLLY_ENDPOINT_URL": peer.url, "AUDIO_FORMAT": fmt,
              "AUDIO_DIR": str(tmp_path / "audio"), "SPEECH_CONNECT_TIMEOUT": 1.0,
              "SPEECH_TIMEOUT": 3.0, "SPEECH_MAX_ATTEMPTS": 2, **settings_}
    return speech.build_speaker(config, str(tmp_path))


@pytest.mark.parametrize(("fmt", "output", "rate"), [("mp3", "mp3", "22050"),
                                                      ("wav", "pcm", "8000")])
def test_polly_renders_audio(polly_peer, tmp_path, fmt, output, rate):
    speaker = polly_speaker(polly_peer, tmp_path, fmt)
    url = speaker.audio_url("Great work. Now rest 90s!")
    assert url and url.endswith("." + fmt)
    data = (tmp_path / "audio" / url.rsplit("/", 1)[1]).read_bytes()
    assert speech.audio_kind(data) == fmt
    sent = polly_peer.requests[-1]
    assert sent["TextType"] == "ssml" and sent["VoiceId"] == "Joanna"
    assert sent["Engine"] == "neural"
    assert sent["OutputFormat"] == output and sent["SampleRate"] == rate
    assert ssml_words(sent["Text"]) == "Great work. Now rest ninety seconds!"
    assert '<break time="300ms"/>' in sent["Text"]


def test_polly_voice_and_engine_are_settings(polly_peer, tmp_path):
    speaker = polly_speaker(polly_peer, tmp_path, POLLY_VOICE="Matthew", POLLY_ENGINE="standard")
    assert speaker.audio_url("Hello there.")
    assert polly_peer.requests[-1]["VoiceId"] == "Matthew"
    assert polly_peer.requests[-1]["Engine"] == "standard"


def test_a_reply_with_markup_characters_reaches_polly_as_text(polly_peer, tmp_path):
    speaker = polly_speaker(polly_peer, tmp_path)
    assert speaker.audio_url(NASTY)  # the peer would answer 400 InvalidSsml otherwise
    sent = polly_peer.requests[-1]["Text"]
    assert [element.tag for element in ET.fromstring(sent)] == ["break", "break"]
    assert ssml_words(sent) == " ".join(for_speech(NASTY).split())
    assert '"squeeze"' in ssml_words(sent)


@pytest.mark.parametrize("fmt", ["mp3", "wav"])
@pytest.mark.parametrize("mode", ["throttle", "error", "zero-bytes"])
def test_polly_failures_give_none(polly_peer, tmp_path, mode, fmt):
    polly_peer.mode = mode
    speaker = polly_speaker(polly_peer, tmp_path, fmt)
    assert speaker.audio_url(f"This will not work: {mode}.") is None
    assert speaker.stats["failures"] == 1
    assert not list((tmp_path / "audio").iterdir())  # nothing half-made is cached


def test_polly_throttled_once_succeeds_on_the_retry(polly_peer, tmp_path):
    polly_peer.mode, polly_peer.failures = "throttle", 1
    speaker = polly_speaker(polly_peer, tmp_path)
    assert speaker.audio_url("Second time lucky.")
    assert len(polly_peer.requests) == 2


def test_slow_polly_times_out_to_none(polly_peer, tmp_path):
    polly_peer.mode, polly_peer.delay = "slow", 3.0
    speaker = polly_speaker(polly_peer, tmp_path, SPEECH_TIMEOUT=0.5, SPEECH_MAX_ATTEMPTS=1)
    assert speaker.audio_url("Too slow.") is None


def test_polly_audio_cached_on_s3_is_fetchable(polly_peer, tmp_path):
    with S3Peer() as s3:
        s3.create_bucket("fitness-voice-audio")
        speaker = polly_speaker(polly_peer, tmp_path, AUDIO_BUCKET="fitness-voice-audio",
                                S3_ENDPOINT_URL=s3.url)
        url = speaker.audio_url("Breathe out as you push.")
        response = requests.get(url, timeout=5)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "audio/mpeg"
        assert speech.audio_kind(response.content) == "mp3"
        assert unquote(response.headers["x-amz-meta-text"]) == "Breathe out as you push."
        requests_before = len(polly_peer.requests)
        assert speaker.audio_url("Breathe out as you push.") == url
        assert len(polly_peer.requests) == requests_before


# -- the local engine (piper in a subprocess) -----------------------------------------

@pytest.fixture(scope="module")
def local_worker():
    model, config = speech.default_voice_files()
    worker = speech.PiperWorker(model, config, timeout=10)
    yield worker
    worker.close()


@LOCAL
@pytest.mark.parametrize("fmt", ["mp3", "wav"])
def test_local_engine_speaks(local_worker, tmp_path, fmt):
    speaker = speech.Speaker(speech.LocalEngine(local_worker, fmt),
                             speech.LocalStore(tmp_path), fmt)
    url = speaker.audio_url("Keep your chest up. Push your knees out as you squat.")
    data = (tmp_path / url.rsplit("/", 1)[1]).read_bytes()
    assert speech.audio_kind(data) == fmt
    assert 2.0 < speech.duration_seconds(data) < 8.0
    assert "piper" not in sys.modules  # GPL code stays in its own process


@LOCAL
def test_local_engine_recovers_after_its_process_dies(local_worker, tmp_path):
    engine = speech.LocalEngine(local_worker, "mp3")
    speaker = speech.Speaker(engine, speech.LocalStore(tmp_path), "mp3")
    assert speaker.audio_url("One.")
    local_worker._proc.kill()
    local_worker._proc.wait()
    assert speaker.audio_url("Two.")  # a new process is started for the next reply


@LOCAL
def test_a_forked_child_leaves_the_parents_engine_alone(local_worker):
    # gunicorn forks workers from a preloaded master; a child that cleans up
    # must not stop the parent's piper or delete its files.
    local_worker.synthesize("Before.")
    pid = os.fork()
    if pid == 0:
        local_worker._finalizer()
        os._exit(0)
    os.waitpid(pid, 0)
    assert speech.audio_kind(local_worker.synthesize("After.")) == "wav"


@LOCAL
def test_prepare_starts_the_engine_in_the_background(tmp_path):
    speaker = speech.build_speaker({"TTS_ENGINE": "local"}, str(tmp_path))
    try:
        speaker.prepare()
        deadline = time.monotonic() + 10
        while speaker.engine.worker.starts == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert speaker.engine.worker.starts == 1
        assert speaker.audio_url("Ready when you are.")
        assert speaker.engine.worker.starts == 1
    finally:
        speaker.close()
    speech.TwilioSay().prepare()  # nothing to start, and no error


@LOCAL
def test_local_engine_timeout_gives_none_and_recovers(tmp_path):
    model, config = speech.default_voice_files()
    worker = speech.PiperWorker(model, config, timeout=0.01)
    try:
        worker.start()
        speaker = speech.Speaker(speech.LocalEngine(worker, "mp3"), speech.LocalStore(tmp_path),
                                 "mp3")
        long_reply = "Keep going, you are doing really well today. " * 20
        assert speaker.audio_url(long_reply) is None
        worker.timeout = 10
        assert speaker.audio_url("Short one.")
    finally:
        worker.close()


def test_local_engine_with_a_missing_model_gives_none_quickly(tmp_path):
    config = {"TTS_ENGINE": "local", "PIPER_MODEL": str(tmp_path / "missing.onnx"),
              "AUDIO_DIR": str(tmp_path / "audio")}
    speaker = speech.build_speaker(config, str(tmp_path))
    assert speaker.audio_url("Hello.") is None
    assert speaker.audio_url("Hello again.") is None  # no restart storm either
    assert speaker.engine.worker.starts == 0


@LOCAL
def test_local_engine_that_crashes_on_start_gives_none(tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    config = {"TTS_ENGINE": "local", "PIPER_MODEL": str(broken),
              "PIPER_CONFIG": speech.default_voice_files()[1], "AUDIO_DIR": str(tmp_path / "a")}
    speaker = speech.build_speaker(config, str(tmp_path))
    try:
        assert speaker.audio_url("Hello.") is None
        assert speaker.audio_url("Hello again.") is None
        assert speaker.engine.worker.starts == 1  # it waits before trying again
    finally:
        speaker.close()


@LOCAL
def test_polly_peer_can_speak_with_the_local_engine(monkeypatch, tmp_path):
    aws_environment(monkeypatch)
    with PollyPeer(renderer="piper") as peer:
        speaker = polly_speaker(peer, tmp_path, "wav", SPEECH_TIMEOUT=20)
        url = speaker.audio_url("Nice and slow on the way down.")
        data = (tmp_path / "audio" / url.rsplit("/", 1)[1]).read_bytes()
        assert speech.audio_kind(data) == "wav"
        assert speech.duration_seconds(data) > 1.0


# -- settings and building ---------------------------------------------------------

SPEECH_ENV = ("TTS_ENGINE", "AUDIO_FORMAT", "AUDIO_STORE", "AUDIO_BUCKET", "AUDIO_URL_MODE",
              "AUDIO_DIR", "AUDIO_PREFIX")


def test_speech_settings_defaults(monkeypatch):
    for name in SPEECH_ENV:
        monkeypatch.delenv(name, raising=False)
    values = settings.speech_settings()
    assert values["TTS_ENGINE"] == ("local" if speech.piper_available() else "say")
    assert values["AUDIO_FORMAT"] == "wav"
    assert values["AUDIO_STORE"] == "local"
    assert values["AUDIO_PREFIX"] == "audio/"
    assert values["AUDIO_URL_MODE"] == "presigned" and values["AUDIO_URL_EXPIRY"] == 86400
    assert values["POLLY_VOICE"] == "Joanna" and values["POLLY_ENGINE"] == "neural"
    monkeypatch.setenv("AUDIO_BUCKET", "my-bucket")
    assert settings.speech_settings()["AUDIO_STORE"] == "s3"


def test_build_speaker_choices(tmp_path, monkeypatch):
    aws_environment(monkeypatch)
    assert isinstance(speech.build_speaker({"TTS_ENGINE": "say"}, str(tmp_path)),
                      speech.TwilioSay)
    local = speech.build_speaker({"TTS_ENGINE": "local", "AUDIO_FORMAT": "mp3"}, str(tmp_path))
    assert isinstance(local.store, speech.LocalStore)
    assert local.store.directory == str(tmp_path / "audio")
    assert local.engine.voice == "en_US-joe-medium"
    polly_s3 = speech.build_speaker({"TTS_ENGINE": "polly", "AUDIO_BUCKET": "b"}, str(tmp_path))
    assert isinstance(polly_s3.engine, speech.PollyEngine)
    assert isinstance(polly_s3.store, speech.S3Store) and polly_s3.fmt == "wav"
    assert polly_s3.store.base_url == "https://b.s3.us-east-1.amazonaws.com"


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
        speech.build_speaker(config, str(tmp_path))


def test_twilio_say_never_has_audio():
    assert speech.TwilioSay().audio_url("Hello") is None


# -- the app: <Play> URLs that are audio, <Say> when there is none -------------------

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
    speaker = speech.Speaker(speech.LocalEngine(local_worker, "wav"),
                             speech.LocalStore(tmp_path / "audio"), "wav")
    app.config["AUDIO_DIR"] = str(tmp_path / "audio")
    _use_speaker(app, speaker)
    plays = [v for v in _verbs(twilio.start()) + _verbs(twilio.say(1, "hello coach"))
             if v[0] == "Play"]
    assert len(plays) >= 2
    for _, url in plays:
        audio = twilio.client.get(url, buffered=True)
        assert audio.status_code == 200 and audio.mimetype == "audio/wav"
        assert speech.audio_kind(audio.data) == "wav"
        assert unquote(audio.headers["X-Audio-Text"])


def test_each_play_url_on_s3_is_audio(app, twilio, monkeypatch, tmp_path):
    aws_environment(monkeypatch)
    with S3Peer() as s3:
        s3.create_bucket("fitness-voice-audio")
        store = speech.build_store({"AUDIO_BUCKET": "fitness-voice-audio",
                                    "S3_ENDPOINT_URL": s3.url}, str(tmp_path))
        _use_speaker(app, speech.Speaker(ToneEngine("mp3"), store, "mp3"))
        plays = [v for v in _verbs(twilio.start()) + _verbs(twilio.say(1, "thanks"))
                 if v[0] == "Play"]
        assert len(plays) >= 2
        for _, url in plays:
            response = requests.get(url, timeout=5)
            assert response.status_code == 200
            assert speech.audio_kind(response.content) == "mp3"


def test_failed_speech_is_said_by_twilio_and_the_turn_is_stored(app, twilio, tmp_path):
    config = {"TTS_ENGINE": "local", "PIPER_MODEL": str(tmp_path / "missing.onnx"),
              "AUDIO_DIR": str(tmp_path / "audio")}
    _use_speaker(app, speech.build_speaker(config, str(tmp_path)))
    verbs = _verbs(twilio.start()) + _verbs(twilio.say(1, "hello"))
    assert verbs and all(tag == "Say" for tag, _ in verbs)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Turn)) == 2
