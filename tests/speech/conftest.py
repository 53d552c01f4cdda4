"""Fixtures of the speech tests: one piper worker per module."""

import pytest

from fitness_voice.speech.local_engine import default_voice_files
from fitness_voice.speech.piper_process import PiperWorker


@pytest.fixture(scope="module")
def local_worker():
    model, config = default_voice_files()
    worker = PiperWorker(model, config, timeout=10)
    yield worker
    worker.close()
