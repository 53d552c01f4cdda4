"""A local HTTP server that speaks ElevenLabs' text-to-speech API, so the
engine's requests (URL, query, headers, JSON, errors) run for real against
`ELEVENLABS_BASE_URL`:

    POST /v1/text-to-speech/{voice_id}?output_format=ulaw_8000
    xi-api-key: <key>              (401 invalid_api_key otherwise)
    {"text": "...", "model_id": "eleven_flash_v2_5"}

It answers a tone as long as the words would take: `ulaw_8000` as bare 8 kHz
mu-law (audio/basic), `mp3_<rate>_<kbps>` as MP3 (audio/mpeg), `pcm_<rate>` as
16-bit PCM. An unknown voice is 404 voice_not_found; a missing text or an
unknown output_format is 422 with FastAPI's validation detail.

Modes (set `peer.mode`; `peer.failures = n` makes a failing mode last n requests):
    ok          audio
    busy        429 too_many_concurrent_requests
    error       500
    html        200 text/html (a proxy's error page)
    slow        wait `delay` seconds, then answer as ok

Run it by hand: `python -m tests.peers.elevenlabs_server [port]`.
"""

import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from fitness_voice.speech.formats import mulaw_encode
from tests.peers.polly_server import encode_mp3
from tests.peers.speech_peer import SpeechPeer, tone

API_KEY = "test-elevenlabs-key"
VOICE_ID = "21m00Tcm4TlvDq8ikWAM"
PATH = re.compile(r"^/v1/text-to-speech/([A-Za-z0-9]+)$")
FORMAT = re.compile(r"^(ulaw_8000|mp3_(22050|44100)_(32|64|128)|pcm_(8000|16000|22050))$")
MODES = ("ok", "busy", "error", "html", "slow")


class ElevenLabsPeer(SpeechPeer):
    thread_name = "elevenlabs-peer"

    def __init__(self, api_key=API_KEY, voices=(VOICE_ID,), host="127.0.0.1", port=0):
        super().__init__(_handler_for(self), host, port)
        self.api_key = api_key
        self.voices = set(voices)
        self.requests = []  # (path, query, headers, body) received, oldest first


def audio(output_format, text):
    """(bytes, content type) of `text` in an ElevenLabs output_format."""
    kind, rate = output_format.split("_")[:2]
    samples = tone(len(text.split()) * 0.35, int(rate))  # as long as the words would take
    if kind == "ulaw":
        return mulaw_encode(samples), "audio/basic"
    if kind == "mp3":
        return encode_mp3(samples, int(rate)), "audio/mpeg"
    return samples.tobytes(), "audio/pcm"


def _handler_for(peer):
    class Handler(_ElevenLabsHandler):
        pass
    Handler.peer = peer
    return Handler


class _ElevenLabsHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    peer = None

    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = urlsplit(self.path)
        query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
        match = PATH.match(parts.path)
        if not match:
            return self._detail(404, "not_found", "Not Found")
        if self.headers.get("xi-api-key") != self.peer.api_key:
            return self._detail(401, "invalid_api_key", "Invalid API key")
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            return self._validation("body", "body", "JSON decode error")
        self.peer.requests.append((parts.path, query, dict(self.headers), body))
        if match.group(1) not in self.peer.voices:
            return self._detail(404, "voice_not_found", "A voice with that ID was not found.")
        mode = self.peer.next_mode()
        if mode == "busy":
            return self._detail(429, "too_many_concurrent_requests",
                                "Too many concurrent requests for your subscription.")
        if mode == "error":
            return self._send(500, b"Internal Server Error", "text/plain")
        if mode == "html":
            return self._send(200, b"<html><body>Bad gateway</body></html>", "text/html")
        if mode == "slow":
            time.sleep(self.peer.delay)
        if not isinstance(body.get("text"), str) or not body["text"].strip():
            return self._validation("body", "text", "Field required")
        output_format = query.get("output_format", "mp3_44100_128")
        if not FORMAT.match(output_format):
            return self._validation("query", "output_format",
                                    f"Unsupported format {output_format}")
        data, content_type = audio(output_format, body["text"])
        return self._send(200, data, content_type,
                          {"request-id": "peer", "character-cost": str(len(body["text"]))})

    def _detail(self, status, code, message):
        payload = {"detail": {"status": code, "message": message}}
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _validation(self, where, field, message):
        payload = {"detail": [{"loc": [where, field], "msg": message, "type": "value_error"}]}
        self._send(422, json.dumps(payload).encode(), "application/json")

    def _send(self, status, payload, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


if __name__ == "__main__":
    peer = ElevenLabsPeer(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0).start()
    print(f"ElevenLabs peer at {peer.url} (ELEVENLABS_BASE_URL, key {API_KEY}, "
          f"voice {VOICE_ID}); Ctrl-C stops it", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        peer.stop()
