"""What the loopback speech peers (Polly, ElevenLabs) share: a threaded HTTP server
on loopback whose failure mode a test sets, and the tone they answer with.

`peer.mode` picks how requests are answered; `peer.failures = n` makes a failing
mode last n requests, then "ok" again; "slow" waits `peer.delay` seconds.
"""

import threading
from http.server import ThreadingHTTPServer

import numpy as np


class SpeechPeer:
    thread_name = "speech-peer"

    def __init__(self, handler, host="127.0.0.1", port=0):
        self.mode = "ok"
        self.failures = None  # None: the mode lasts; n: fail n requests, then "ok"
        self.delay = 2.0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        threading.Thread(target=self._server.serve_forever, daemon=True,
                         name=self.thread_name).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def next_mode(self):
        """The mode this request is answered in (a failing mode counts down)."""
        with self._lock:
            mode = self.mode
            if mode != "ok" and self.failures is not None:
                self.failures -= 1
                if self.failures <= 0:
                    self.mode, self.failures = "ok", None
            return mode


def tone(seconds, rate):
    """int16 samples of a 440 Hz tone, `seconds` long (0.3 to 30) at `rate` Hz."""
    seconds = min(max(seconds, 0.3), 30.0)
    t = np.arange(int(seconds * rate)) / rate
    envelope = np.minimum(1.0, np.minimum(t, seconds - t) * 20)
    return (np.sin(2 * np.pi * 440 * t) * envelope * 8000).astype("<i2")
