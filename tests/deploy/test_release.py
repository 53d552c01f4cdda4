"""`fitness-voice release`: one process, and a second run with nothing changed skips it all."""

import pytest
from click.testing import CliRunner

from fitness_voice.cli import main
from fitness_voice.cli.release import audio_fingerprint
from tests.peers.polly_server import PollyPeer
from tests.peers.s3_server import aws_environment
from tests.retrieval.samples import copy_kb

from .test_cli import run

pytestmark = pytest.mark.slow


def test_a_second_release_finds_everything_done(tmp_path):
    env = {"KB_PATH": str(copy_kb(tmp_path / "kb", ["creatine.md"])), "EMBEDDINGS": "onnx",
           "TTS_ENGINE": "say"}
    first = run("release", env=env, tmp_path=tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "database: upgraded from None to " in first.stdout
    assert "knowledge index: added " in first.stdout
    assert "audio cache: TTS_ENGINE=say: Twilio speaks, nothing to render" in first.stdout
    second = run("release", env=env, tmp_path=tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    head = first.stdout.split("upgraded from None to ")[1].split()[0]
    assert f"database: at {head} " in second.stdout
    assert "knowledge index: unchanged, " in second.stdout


def test_the_audio_is_warmed_once_per_fingerprint(tmp_path, monkeypatch):
    aws_environment(monkeypatch)
    kb_path = copy_kb(tmp_path / "kb", ["creatine.md", "exercises/push-up.md"])
    with PollyPeer() as peer:
        for name, value in {"TTS_ENGINE": "polly", "POLLY_ENDPOINT_URL": peer.url,
                            "AUDIO_DIR": str(tmp_path / "audio"), "KB_PATH": str(kb_path),
                            "DATABASE_URL": f"sqlite:///{tmp_path}/release.db",
                            "CHROMA_PATH": str(tmp_path / "chroma"), "EMBEDDINGS": "onnx",
                            "APP_ENV": "development"}.items():
            monkeypatch.setenv(name, value)
        first = CliRunner().invoke(main, ["release"])
        assert first.exit_code == 0, first.output
        assert " rendered, 0 already cached, 0 failed" in first.output
        rendered = len(peer.requests)
        assert rendered > 10
        again = CliRunner().invoke(main, ["release"])
        assert "audio cache: unchanged" in again.output and len(peer.requests) == rendered
        monkeypatch.setenv("POLLY_VOICE", "Matthew")  # another voice: every phrase anew
        other = CliRunner().invoke(main, ["release"])
        assert " rendered, 0 already cached, 0 failed" in other.output
        assert len(peer.requests) == 2 * rendered


def test_the_fingerprint_follows_the_speech_settings():
    base = {"TTS_ENGINE": "polly", "POLLY_VOICE": "Joanna"}
    assert audio_fingerprint(base) == audio_fingerprint(dict(base))
    assert audio_fingerprint(base) != audio_fingerprint({**base, "POLLY_VOICE": "Matthew"})
