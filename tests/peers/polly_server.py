"""A local HTTP server that speaks Amazon Polly's SynthesizeSpeech REST call.

moto's Polly answers eight zero bytes, which is not audio; this peer answers
real audio, so boto3 (HTTP, JSON, SigV4, retries, streaming bodies) runs for
real against `POLLY_ENDPOINT_URL`:

    POST /v1/speech  {"Text": "<speak>…</speak>", "TextType": "ssml", "VoiceId": "Joanna",
                      "Engine": "neural", "OutputFormat": "mp3" | "pcm", "SampleRate": "8000"}

The SSML is parsed as Polly would (malformed SSML is a 400 InvalidSsmlException)
and its words are spoken by `renderer`: "tone" (a tone as long as the words
would take, instant) or "piper" (the project's local engine: real speech).

Modes (set `peer.mode`; `peer.failures = n` makes a failing mode last n requests):
    ok          audio: audio/mpeg MP3, or audio/pcm 16-bit little-endian PCM
    throttle    400 ThrottlingException (x-amzn-ErrorType), as Polly under load
    error       500 ServiceFailureException
    zero-bytes  200 with eight zero bytes, as moto's Polly
    slow        wait `delay` seconds, then answer as ok

Run it by hand: `python -m tests.peers.polly_server [port] [tone|piper]`.
"""

import json
import sys
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler

import numpy as np

from tests.peers.speech_peer import SpeechPeer, tone

MODES = ("ok", "throttle", "error", "zero-bytes", "slow")


class PollyPeer(SpeechPeer):
    thread_name = "polly-peer"

    def __init__(self, renderer="tone", host="127.0.0.1", port=0):
        super().__init__(_handler_for(self), host, port)
        self.renderer = renderer
        self.requests = []  # JSON bodies received, oldest first
        self._piper = None

    def stop(self):
        super().stop()
        if self._piper is not None:
            self._piper.close()

    def render(self, words, rate):
        """int16 samples of `words` spoken at `rate` Hz."""
        if self.renderer == "piper":
            return self._render_piper(words, rate)
        return tone(len(words) * 0.06, rate)

    def _render_piper(self, words, rate):
        from fitness_voice.speech.formats import read_wav, resample
        from fitness_voice.speech.local_engine import default_voice_files
        from fitness_voice.speech.piper_process import PiperWorker
        with self._lock:
            if self._piper is None:
                model, config = default_voice_files()
                self._piper = PiperWorker(model, config, timeout=20)
        samples, source_rate = read_wav(self._piper.synthesize(words))
        return np.rint(resample(samples, source_rate, rate)).astype("<i2")


def ssml_words(text):
    """The words Polly would speak for SSML `text`; ValueError if it is not SSML."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        raise ValueError(str(error)) from None
    if root.tag != "speak":
        raise ValueError("the root element must be <speak>")
    return " ".join("".join(root.itertext()).split())


def encode_mp3(samples, rate):
    import lameenc
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(48)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(7)
    return bytes(encoder.encode(samples.tobytes())) + bytes(encoder.flush())


def _handler_for(peer):
    class Handler(_PollyHandler):
        pass
    Handler.peer = peer
    return Handler


class _PollyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out at once, as from AWS
    peer = None

    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.split("?")[0] != "/v1/speech":
            return self._error(404, "UnknownOperationException", "unknown operation")
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self._error(400, "SerializationException", "the body is not JSON")
        self.peer.requests.append(body)
        mode = self.peer.next_mode()
        if mode == "throttle":
            return self._error(400, "ThrottlingException", "Rate exceeded")
        if mode == "error":
            return self._error(500, "ServiceFailureException", "internal failure")
        if mode == "zero-bytes":
            return self._send(200, bytes(8), "audio/mpeg")
        if mode == "slow":
            time.sleep(self.peer.delay)
        for field in ("Text", "VoiceId", "OutputFormat"):
            if not body.get(field):
                return self._error(400, "ValidationException", f"{field} is required")
        text = body["Text"]
        if body.get("TextType") == "ssml":
            try:
                text = ssml_words(text)
            except ValueError as error:
                return self._error(400, "InvalidSsmlException", f"Invalid SSML request: {error}")
        output = body["OutputFormat"]
        if output not in ("mp3", "pcm"):
            return self._error(400, "ValidationException", f"unsupported format {output}")
        rate = int(body.get("SampleRate") or (22050 if output == "mp3" else 16000))
        samples = self.peer.render(text, rate)
        if output == "mp3":
            return self._send(200, encode_mp3(samples, rate), "audio/mpeg",
                              {"x-amzn-RequestCharacters": str(len(text))})
        return self._send(200, samples.astype("<i2").tobytes(), "audio/pcm",
                          {"x-amzn-RequestCharacters": str(len(text))})

    def _error(self, status, kind, message):
        payload = json.dumps({"message": message}).encode()
        self._send(status, payload, "application/x-amz-json-1.1", {"x-amzn-ErrorType": kind})

    def _send(self, status, payload, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    peer = PollyPeer(renderer=sys.argv[2] if len(sys.argv) > 2 else "tone", port=port).start()
    print(f"Polly peer at {peer.url} (POLLY_ENDPOINT_URL); Ctrl-C stops it", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        peer.stop()
