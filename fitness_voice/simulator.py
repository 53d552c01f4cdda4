"""A terminal phone that speaks Twilio's protocol.

It posts the form fields Twilio posts, signed as Twilio signs them, and follows
the TwiML it gets back: <Say> prints, <Play> fetches the audio and checks it is
audio, <Pause> waits, <Gather> reads the caller's next line, <Redirect>
follows, <Hangup> and <Dial> end the call, and the status callback closes it.
"""

import json
import random
import re
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

import requests
from twilio.request_validator import RequestValidator

FALL_THROUGH = object()
CONFIDENCE_PREFIX = re.compile(r"^\((0(?:\.\d+)?|1(?:\.0+)?)\)\s*")
DEFAULT_CONFIDENCE = 0.92
MAX_REQUESTS_PER_CALL = 500


class CallFailed(RuntimeError):
    """The app answered in a way Twilio would not accept."""


def new_call_sid():
    return "CA" + "".join(random.choice("0123456789abcdef") for _ in range(32))


def audio_kind(data):
    """'mp3', 'wav' or None, from the bytes themselves."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


class ScriptedCaller:
    """Caller lines from a list: '' is silence, '(0.2) words' sets Confidence."""

    def __init__(self, lines):
        self.lines = [line for line in lines if not line.lstrip().startswith("#")]

    @classmethod
    def from_file(cls, path):
        with open(path, encoding="utf-8") as handle:
            return cls([line.rstrip("\n") for line in handle])

    def next_line(self):
        if not self.lines:
            return None  # the caller hangs up
        return self.lines.pop(0)


class TerminalCaller:
    def next_line(self):
        try:
            return input("you> ")
        except EOFError:
            return None


@dataclass
class TurnLog:
    url: str
    params: dict
    status: int
    twiml: str
    latency_ms: float


@dataclass
class CallResult:
    call_sid: str
    said: list = field(default_factory=list)  # what the coach said, in order
    turns: list = field(default_factory=list)  # TurnLog per request
    audio: list = field(default_factory=list)  # (url, kind, bytes)
    ended_by: str = ""


class Phone:
    def __init__(self, base_url, auth_token, caller, from_number="+15555550100",
                 to_number="+15555550199", skip_pauses=True, out=print, http=None):
        self.base_url = base_url.rstrip("/") + "/"
        self.validator = RequestValidator(auth_token)
        self.caller = caller
        self.from_number = from_number
        self.to_number = to_number
        self.skip_pauses = skip_pauses
        self.out = out
        self.http = http or requests.Session()

    def call(self, call_sid=None):
        self.result = CallResult(call_sid or new_call_sid())
        self.started = time.monotonic()
        self.sequence = 0
        url = urljoin(self.base_url, "voice")
        params = {"CallStatus": "ringing"}
        for _ in range(MAX_REQUESTS_PER_CALL):
            next_step = self._post_and_follow(url, params)
            if next_step is None:
                break
            url, params = next_step
        self._status_callback()
        return self.result

    # -- requests -------------------------------------------------------

    def _base_params(self):
        return {
            "AccountSid": "AC" + "0" * 32, "CallSid": self.result.call_sid,
            "From": self.from_number, "To": self.to_number,
            "Caller": self.from_number, "Called": self.to_number,
            "Direction": "inbound", "ApiVersion": "2010-04-01",
            "CallStatus": "in-progress", "FromCountry": "US", "ToCountry": "US",
        }

    def post(self, url, params):
        form = {**self._base_params(), **params}
        headers = {"X-Twilio-Signature": self.validator.compute_signature(url, form),
                   "I-Twilio-Idempotency-Token": new_call_sid()}
        started = time.perf_counter()
        response = self.http.post(url, data=form, headers=headers, timeout=15)
        latency = (time.perf_counter() - started) * 1000
        self.result.turns.append(TurnLog(url, form, response.status_code, response.text, latency))
        return response, latency

    def _post_and_follow(self, url, params):
        response, latency = self.post(url, params)
        if response.status_code != 200:
            raise CallFailed(f"{url} answered {response.status_code}: {response.text[:200]}")
        self.out(f"    ({latency:.0f} ms)")
        try:
            document = ET.fromstring(response.text)
        except ET.ParseError as error:
            raise CallFailed(f"{url} answered invalid TwiML: {error}") from None
        return self._run(document, url)

    def _status_callback(self):
        elapsed = int(time.monotonic() - self.started) + 1
        self.sequence += 1
        self.post(urljoin(self.base_url, "voice/status"), {
            "CallStatus": "completed", "CallDuration": str(elapsed),
            "CallbackSource": "call-progress-events", "SequenceNumber": str(self.sequence),
            "Timestamp": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()),
        })

    # -- TwiML ----------------------------------------------------------

    def _run(self, document, doc_url):
        for verb in document:
            if verb.tag in ("Say", "Play", "Pause"):
                self._speak(verb, doc_url)
            elif verb.tag == "Gather":
                step = self._gather(verb, doc_url)
                if step is not FALL_THROUGH:
                    return step
            elif verb.tag == "Redirect":
                return urljoin(doc_url, verb.text.strip()), {}
            elif verb.tag in ("Hangup", "Dial", "Reject"):
                self.result.ended_by = verb.tag.lower()
                self.out(f"[{verb.tag.lower()}]")
                return None
            else:
                raise CallFailed(f"unexpected TwiML verb <{verb.tag}>")
        self.result.ended_by = "end-of-document"
        return None

    def _speak(self, verb, doc_url):
        if verb.tag == "Say":
            self.result.said.append(verb.text or "")
            self.out(f"coach: {verb.text}")
        elif verb.tag == "Play":
            self._play(urljoin(doc_url, verb.text.strip()))
        elif verb.tag == "Pause":
            seconds = int(verb.get("length", "1"))
            self.out(f"[pause {seconds} s]")
            if not self.skip_pauses:
                time.sleep(seconds)

    def _play(self, url):
        response = self.http.get(url, timeout=15)
        if response.status_code != 200:
            raise CallFailed(f"<Play> {url} answered {response.status_code}")
        kind = audio_kind(response.content)
        if kind is None or not response.headers.get("Content-Type", "").startswith("audio/"):
            raise CallFailed(f"<Play> {url} is not audio "
                             f"({response.headers.get('Content-Type')})")
        text = unquote(response.headers.get("X-Amz-Meta-Text")
                       or response.headers.get("X-Audio-Text") or "")
        self.result.said.append(text)
        self.result.audio.append((url, kind, response.content))
        self.out(f"coach: {text or '(audio)'}  [{kind}, {len(response.content) // 1024} KB]")

    def _gather(self, gather, doc_url):
        for verb in gather:
            self._speak(verb, doc_url)
        action = urljoin(doc_url, gather.get("action", doc_url))
        line = self.caller.next_line()
        if line is None:
            self.result.ended_by = "caller"
            self.out("[caller hangs up]")
            return None
        if line.strip():
            confidence = DEFAULT_CONFIDENCE
            match = CONFIDENCE_PREFIX.match(line)
            if match:
                confidence, line = float(match.group(1)), line[match.end():]
            self.out(f"caller: {line.strip()}")
            return action, {"SpeechResult": line.strip(), "Confidence": f"{confidence:.2f}"}
        self.out("caller: (silence)")
        if gather.get("actionOnEmptyResult") == "true":
            return action, {}
        return FALL_THROUGH  # Twilio goes on with the verb after <Gather>


def serve_in_process(app):
    """Start `app` on a free loopback port in a thread; return its base URL."""
    import logging

    from werkzeug.serving import make_server
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}/", server


def save_recording(result, path):
    """Write the call's requests and TwiML answers as a replayable fixture."""
    records = []
    for turn in result.turns:
        parts = urlsplit(turn.url)
        records.append({
            "path": parts.path + (f"?{parts.query}" if parts.query else ""),
            "params": dict(turn.params),
            "status": turn.status, "twiml": turn.twiml,
        })
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"call_sid": result.call_sid, "requests": records}, handle, indent=2)
        handle.write("\n")


def print_summary(result, out=print):
    latencies = sorted(t.latency_ms for t in result.turns)
    if latencies:
        middle = latencies[len(latencies) // 2]
        out(f"call {result.call_sid}: {len(result.turns)} requests, "
            f"median {middle:.0f} ms, slowest {latencies[-1]:.0f} ms, ended by {result.ended_by}")
