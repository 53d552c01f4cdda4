"""Stand-ins shared by the speech tests: real audio from a tone, and a bare app."""

import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest
from flask import Flask

from fitness_voice import speech
from fitness_voice.speech.files import AudioKeys
from fitness_voice.speech.formats import encode
from fitness_voice.speech.local_engine import piper_available
from fitness_voice.speech.local_store import LocalStore
from fitness_voice.speech.speaker import Speaker
from fitness_voice.web import audio

LOCAL = pytest.mark.skipif(not piper_available(), reason="piper-tts is not installed")
REPLY = "Rest 90s, then go again. You've got this & you're nearly done!"
SECRET = "speech-tests-secret"
KEYS = AudioKeys(SECRET)


def tone(seconds=1.0, rate=22050, hz=440.0, amplitude=10000):
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * hz * t) * amplitude).astype("<i2")


class ToneEngine:
    """A stand-in engine with real audio: half a second of A440, counted."""

    name = "tone"
    voice = "a440"

    def __init__(self, fmt, delay=0.0, data=None, gate=None):
        self.fmt = fmt
        self.delay = delay
        self.data = data
        self.gate = gate  # a threading.Event: synthesis waits until it is set
        self.calls = []
        self.entered = threading.Event()  # set once a synthesis has begun

    def synthesize(self, text):
        self.calls.append(text)
        self.entered.set()
        if self.gate is not None:
            self.gate.wait()
        time.sleep(self.delay)
        if self.data is not None:
            return self.data
        return encode(tone(0.5, amplitude=8000), 22050, self.fmt)


def minimal_app(tmp_path, speaker=None, phrases=()):
    """An app with only the audio route and `flask speech`, as the factory wires them."""
    app = Flask("audio_cache_test", instance_path=str(tmp_path / "instance"))
    app.config.update(TESTING=True, AUDIO_TEXT_HEADER=True)
    audio.init_app(app)
    speech.init_app(app)
    coach = SimpleNamespace(fixed_phrases=lambda: list(phrases))
    app.extensions["fitness_voice"] = SimpleNamespace(speaker=speaker, coach=coach)
    return app


def build_speaker(config, instance_path):
    """speech.build_speaker with the secret the app's settings always have, and
    no budget unless `config` sets one (a test must not depend on how fast the
    machine synthesizes)."""
    return speech.build_speaker({"SECRET_KEY": SECRET, "SPEECH_BUDGET_SECONDS": 0, **config},
                                instance_path)


def local_speaker(tmp_path, fmt="mp3", budget_seconds=None, pool=None, **engine_options):
    store = LocalStore(tmp_path / "instance" / "audio")
    return Speaker(ToneEngine(fmt, **engine_options), store, fmt, KEYS,
                   budget_seconds=budget_seconds, pool=pool)
