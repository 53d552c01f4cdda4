"""The local engine: piper in a long-lived subprocess, and how it fails."""

import os
import sys
import time
from pathlib import Path

import pytest

from fitness_voice import speech
from fitness_voice.speech.formats import audio_kind, duration_seconds
from fitness_voice.speech.local_engine import LocalEngine, default_voice_files
from fitness_voice.speech.local_store import LocalStore
from fitness_voice.speech.piper_process import PiperWorker
from fitness_voice.speech.speaker import Speaker
from fitness_voice.speech.twilio_say import TwilioSay
from tests.speech.helpers import KEYS, LOCAL, build_speaker


@LOCAL
@pytest.mark.parametrize("fmt", ["mp3", "wav"])
def test_local_engine_speaks(local_worker, tmp_path, fmt):
    speaker = Speaker(LocalEngine(local_worker, fmt), LocalStore(tmp_path), fmt, KEYS)
    url = speaker.audio_url("Keep your chest up. Push your knees out as you squat.")
    data = (tmp_path / url.rsplit("/", 1)[1]).read_bytes()
    assert audio_kind(data) == fmt
    assert 2.0 < duration_seconds(data) < 8.0
    assert "piper" not in sys.modules  # GPL code stays in its own process


@LOCAL
def test_local_engine_recovers_after_its_process_dies(local_worker, tmp_path):
    engine = LocalEngine(local_worker, "mp3")
    speaker = Speaker(engine, LocalStore(tmp_path), "mp3", KEYS)
    assert speaker.audio_url("One.")
    local_worker._proc.kill()
    local_worker._proc.wait()
    assert speaker.audio_url("Two.")  # a new process is started for the next reply


@LOCAL
@pytest.mark.parametrize("niceness", [0, 7])
def test_piper_runs_nicer_than_the_app(tmp_path, niceness):
    model, config = default_voice_files()
    worker = PiperWorker(model, config, timeout=30, niceness=niceness)
    try:
        assert audio_kind(worker.synthesize("Nice and easy.")) == "wav"
        threads = list(Path(f"/proc/{worker._proc.pid}/task").iterdir())
        nice = {int((task / "stat").read_text().rsplit(")", 1)[1].split()[16]) for task in threads}
        assert nice == {os.nice(0) + niceness}  # every thread of it, not only the first
    finally:
        worker.close()


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
    assert audio_kind(local_worker.synthesize("After.")) == "wav"


@LOCAL
def test_prepare_starts_the_engine_in_the_background(tmp_path):
    speaker = build_speaker({"TTS_ENGINE": "local"}, str(tmp_path))
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
    TwilioSay().prepare()  # nothing to start, and no error


@LOCAL
def test_a_stuck_engine_is_restarted_once_after_a_pause(tmp_path):
    model, config = default_voice_files()
    worker = PiperWorker(model, config, timeout=30)
    try:
        worker.synthesize("Warm up.")  # loaded: no allowance for loading the voice now
        worker.timeout, worker.SECONDS_PER_CHARACTER = 0.01, 0  # any reply looks stuck
        speaker = Speaker(LocalEngine(worker, "mp3"), LocalStore(tmp_path), "mp3", KEYS)
        assert speaker.audio_url("Keep going, you are doing really well today. " * 20) is None
        worker.timeout = 10
        assert speaker.audio_url("Short one.") is None  # not restarted straight away
        assert worker.starts == 1
        worker._broken_until = 0  # the pause is over
        assert speaker.audio_url("Short one.")
        assert worker.starts == 2
    finally:
        worker.close()


def test_local_engine_with_a_missing_model_gives_none_quickly(tmp_path):
    config = {"TTS_ENGINE": "local", "PIPER_MODEL": str(tmp_path / "missing.onnx"),
              "AUDIO_DIR": str(tmp_path / "audio")}
    speaker = build_speaker(config, str(tmp_path))
    assert speaker.audio_url("Hello.") is None
    assert speaker.audio_url("Hello again.") is None  # no restart storm either
    assert speaker.engine.worker.starts == 0


def test_a_missing_model_is_a_speech_error(tmp_path):
    worker = PiperWorker(tmp_path / "missing.onnx", tmp_path / "missing.onnx.json")
    with pytest.raises(speech.SpeechError, match="not found"):
        worker.synthesize("Hello.")
    with pytest.raises(speech.SpeechError, match="recently"):
        worker.synthesize("Hello again.")


@LOCAL
def test_local_engine_that_crashes_on_start_gives_none(tmp_path):
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    config = {"TTS_ENGINE": "local", "PIPER_MODEL": str(broken),
              "PIPER_CONFIG": default_voice_files()[1], "AUDIO_DIR": str(tmp_path / "a")}
    speaker = build_speaker(config, str(tmp_path))
    try:
        assert speaker.audio_url("Hello.") is None
        assert speaker.audio_url("Hello again.") is None
        assert speaker.engine.worker.starts == 1  # it waits before trying again
    finally:
        speaker.close()
