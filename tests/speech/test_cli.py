"""`flask speech warm` and `flask speech say`, and how the app is wired for them."""

from fitness_voice import speech
from fitness_voice.speech.twilio_say import TwilioSay
from tests.speech.helpers import REPLY, local_speaker, minimal_app

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
    app = minimal_app(tmp_path, TwilioSay(), PHRASES)
    result = app.test_cli_runner().invoke(args=["speech", "warm"])
    assert result.exit_code == 0 and "nothing to render" in result.output


def test_say_prints_the_audio_url_or_why_there_is_none(tmp_path):
    speaker = local_speaker(tmp_path)
    app = minimal_app(tmp_path, speaker)
    said = app.test_cli_runner().invoke(args=["speech", "say", REPLY])
    assert said.exit_code == 0 and said.output.strip() == speaker.audio_url(REPLY)
    silent = minimal_app(tmp_path, TwilioSay()).test_cli_runner().invoke(
        args=["speech", "say", REPLY])
    assert silent.exit_code == 0 and "no audio" in silent.output


def test_init_app_twice_is_harmless(tmp_path):
    app = minimal_app(tmp_path)
    commands = app.cli.commands["speech"]
    speech.init_app(app)
    assert app.cli.commands["speech"] is commands
    assert "speech_audio" in app.blueprints


def test_the_app_serves_audio_and_has_the_speech_commands(app):
    assert "speech_audio" in app.blueprints
    assert "speech" in app.cli.commands
    result = app.test_cli_runner().invoke(args=["speech", "warm"])
    assert result.exit_code == 0 and "TTS_ENGINE=say: nothing to render" in result.output
