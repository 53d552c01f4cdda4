"""The Polly engine: SSML, splitting long replies, and boto3 against a local Polly."""

import xml.etree.ElementTree as ET

import pytest
import requests

from fitness_voice import speech
from fitness_voice.speech.formats import audio_kind, duration_seconds
from fitness_voice.speech.polly_engine import split_for_polly, ssml
from fitness_voice.text.speakable import for_speech
from tests.peers.polly_server import PollyPeer, ssml_words
from tests.peers.s3_server import S3Peer, aws_environment
from tests.speech.helpers import LOCAL, build_speaker

NASTY = ('Use 5 < 10 reps & "squeeze" at the top. Don\'t stop! '
         "</speak><speak><break time='10s'/> <amazon:effect name=\"whispered\">hi")


# -- SSML ------------------------------------------------------------------------

def test_ssml_escapes_text_and_pauses_between_sentences():
    document = ssml(NASTY)
    root = ET.fromstring(document)  # well-formed: nothing broke out
    assert root.tag == "speak"
    breaks = list(root)
    assert [b.tag for b in breaks] == ["break", "break"]  # only our pauses, none injected
    assert all(b.get("time") == "300ms" for b in breaks)
    assert " ".join("".join(root.itertext()).split()) == " ".join(NASTY.split())
    assert "&quot;squeeze&quot;" in document and "Don&apos;t" in document


def test_ssml_drops_characters_xml_cannot_hold():
    root = ET.fromstring(ssml("Push\x00 hard\x1b now."))
    assert "".join(root.itertext()) == "Push  hard  now."


@pytest.mark.parametrize(("text", "document"), [
    ("Hello.", "<speak>Hello.</speak>"),
    ("  One. Two!  ", '<speak>One. <break time="300ms"/> Two!</speak>'),
    ("Why? Because.", '<speak>Why? <break time="300ms"/> Because.</speak>'),
    ("3.5 kg", "<speak>3.5 kg</speak>"),  # a decimal point is not a sentence end
    ("a < b & c", "<speak>a &lt; b &amp; c</speak>"),
    ("", "<speak></speak>"),
    # The one sentence splitter (text.sentences), with a pause after "Dr." as before,
    # a pause after a closing quote, and no pause around a piece with no word.
    ("Ask Dr. Lee.", '<speak>Ask Dr. <break time="300ms"/> Lee.</speak>'),
    ('He said "stop." Then rest.',
     '<speak>He said &quot;stop.&quot; <break time="300ms"/> Then rest.</speak>'),
    ("Go! ! Rest.", '<speak>Go! <break time="300ms"/> Rest.</speak>'),
])
def test_ssml(text, document):
    assert ssml(text) == document


def test_long_replies_are_split_for_polly():
    text = " ".join(f"Sentence number {i} is about squats and lunges." for i in range(200))
    pieces = split_for_polly(text)
    assert len(pieces) > 1 and all(len(p) <= 1500 for p in pieces)
    assert " ".join(pieces) == text


@pytest.mark.parametrize(("text", "limit", "pieces"), [
    ("One. Two.", 100, ["One. Two."]),
    ("One. Two.", 6, ["One.", "Two."]),
    ("One. Two. Three.", 9, ["One. Two.", "Three."]),
    ("aaa bbb ccc", 8, ["aaa bbb", "ccc"]),  # a sentence too long is cut at a space
    ("aaa bbb ccc", 7, ["aaa", "bbb ccc"]),  # ... the last space before the limit
    ("abcdefghij", 4, ["abcd", "efgh", "ij"]),  # ... or anywhere, if it has none
    ("  Padded.  ", 100, ["Padded."]),
    ("", 100, []),
])
def test_split_for_polly(text, limit, pieces):
    assert split_for_polly(text, limit) == pieces


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
    return build_speaker(config, str(tmp_path))


@pytest.mark.parametrize(("fmt", "output", "rate"), [("mp3", "mp3", "22050"),
                                                      ("wav", "pcm", "8000")])
def test_polly_renders_audio(polly_peer, tmp_path, fmt, output, rate):
    speaker = polly_speaker(polly_peer, tmp_path, fmt)
    url = speaker.audio_url("Great work. Now rest 90s!")
    assert url and url.endswith("." + fmt)
    data = (tmp_path / "audio" / url.rsplit("/", 1)[1]).read_bytes()
    assert audio_kind(data) == fmt
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


@pytest.mark.parametrize("mode", ["throttle", "error", "zero-bytes"])
def test_polly_failures_are_speech_errors(polly_peer, tmp_path, mode):
    polly_peer.mode = mode
    engine = polly_speaker(polly_peer, tmp_path, "mp3").engine
    with pytest.raises(speech.SpeechError):  # not botocore's: one kind of failure
        engine.synthesize("This will not work.")


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
        assert audio_kind(response.content) == "mp3"
        assert not [h for h in response.headers if h.lower().startswith("x-amz-meta-")]
        requests_before = len(polly_peer.requests)
        assert speaker.audio_url("Breathe out as you push.") == url
        assert len(polly_peer.requests) == requests_before


@LOCAL
def test_polly_peer_can_speak_with_the_local_engine(monkeypatch, tmp_path):
    aws_environment(monkeypatch)
    with PollyPeer(renderer="piper") as peer:
        speaker = polly_speaker(peer, tmp_path, "wav", SPEECH_TIMEOUT=20)
        url = speaker.audio_url("Nice and slow on the way down.")
        data = (tmp_path / "audio" / url.rsplit("/", 1)[1]).read_bytes()
        assert audio_kind(data) == "wav"
        assert duration_seconds(data) > 1.0
