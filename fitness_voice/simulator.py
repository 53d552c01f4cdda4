"""A terminal phone that speaks Twilio's protocol.

It posts the form fields Twilio posts, signed as Twilio signs them, and follows
the TwiML it gets back: <Say> prints, <Play> fetches the audio and checks it is
audio, <Pause> waits, <Gather> reads the caller's next line, <Redirect>
follows, <Hangup> ends the call, and the status callback closes it. A script
line "[1]" presses a key instead of speaking (the <Gather> must take dtmf).

It also plays the other end of the calls the coach places (receive_call): a
person answering, a voicemail, no answer or busy, with the answering-machine
result posted as Twilio's async AMD posts it; a <Dial> to a person either rings
unanswered or is answered (`dialled`); show_text prints a text the phone got.
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
KEYPAD = re.compile(r"^\[([0-9*#])\]$")
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
                 to_number="+15555550199", skip_pauses=True, out=print, http=None,
                 direction="inbound", status_url=None, dialled=None):
        self.base_url = base_url.rstrip("/") + "/"
        self.direction = direction  # "outbound-api" on a call the coach placed
        self.status_url = status_url or urljoin(self.base_url, "voice/status")
        # A <Dial>ed person: None ends the call at <Dial>; "answer" or "no-answer".
        self.dialled = dialled
        self.validator = RequestValidator(auth_token)
        self.caller = caller
        self.from_number = from_number
        self.to_number = to_number
        self.skip_pauses = skip_pauses
        self.out = out
        self.http = http or requests.Session()

    def call(self, call_sid=None):
        self.begin(call_sid)
        self.follow(urljoin(self.base_url, "voice"), {"CallStatus": "ringing"})
        self.status_callback()
        return self.result

    def begin(self, call_sid=None):
        self.result = CallResult(call_sid or new_call_sid())
        self.started = time.monotonic()
        self.sequence = 0
        return self.result

    def follow(self, url, params):
        """Post to `url` and go where its TwiML leads, until the call ends."""
        for _ in range(MAX_REQUESTS_PER_CALL):
            next_step = self._post_and_follow(url, params)
            if next_step is None:
                return
            url, params = next_step

    def run_twiml(self, text, doc_url):
        """Carry out a TwiML document given outside a webhook (a live call's update)."""
        next_step = self._run(ET.fromstring(text), doc_url)
        if next_step is not None:
            self.follow(*next_step)

    # -- requests -------------------------------------------------------

    def _base_params(self):
        return {
            "AccountSid": "AC" + "0" * 32, "CallSid": self.result.call_sid,
            "From": self.from_number, "To": self.to_number,
            "Caller": self.from_number, "Called": self.to_number,
            "Direction": self.direction, "ApiVersion": "2010-04-01",
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

    def status_callback(self, status="completed"):
        elapsed = int(time.monotonic() - self.started) + 1 if status == "completed" else 0
        self.sequence += 1
        self.post(self.status_url, {
            "CallStatus": status, "CallDuration": str(elapsed),
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
            elif verb.tag == "Dial" and self.dialled:
                return self._dial(verb, doc_url)
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
        key = KEYPAD.match(line.strip())
        if key:
            if "dtmf" not in gather.get("input", "speech").split():
                raise CallFailed(f"a key was pressed, but <Gather input={gather.get('input')}>")
            self.out(f"caller: (presses {key.group(1)})")
            return action, {"Digits": key.group(1)}
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


    def _dial(self, dial, doc_url):
        """Ring the <Number>: its whisper plays to the person who answers, then the
        two talk; <Dial action> hears how it ended."""
        number = dial.find("Number")
        if number is None:
            raise CallFailed("<Dial> without a <Number>")
        self.out(f"[dialling {number.text.strip()}]")
        if self.dialled == "answer" and number.get("url"):
            leg = {"CallSid": new_call_sid(), "ParentCallSid": self.result.call_sid,
                   "Direction": "outbound-dial", "To": number.text.strip()}
            response, _ = self.post(urljoin(doc_url, number.get("url")), leg)
            whisper = ET.fromstring(response.text)
            for verb in whisper:
                self.out(f"whisper to the person: {verb.text}")
            self.out("[the caller and the person talk, then hang up]")
        status = "completed" if self.dialled == "answer" else "no-answer"
        action = urljoin(doc_url, dial.get("action", doc_url))
        return action, {"DialCallStatus": status,
                        "DialCallDuration": "60" if status == "completed" else "0"}


@dataclass
class Callee:
    """Who picks up a call the coach places: a "person" (saying `lines`), a
    "voicemail", nobody ("no-answer"), or "busy"; `dialled` is for a hand-off."""

    answers: str = "person"
    lines: list = field(default_factory=list)
    dialled: str | None = None


def receive_call(call, callee, auth_token, updated_twiml=lambda: None, out=print):
    """Play the phone a placed call rings. `call` holds the Calls-create parameters
    (sid, To, From, Url, StatusCallback, AsyncAmdStatusCallback); `updated_twiml()`
    gives TwiML the app sent to the live call through the REST API, if any."""
    phone = Phone(call["Url"], auth_token, ScriptedCaller(list(callee.lines)),
                  from_number=call["From"], to_number=call["To"], out=out,
                  direction="outbound-api", status_url=call.get("StatusCallback"),
                  dialled=callee.dialled)
    phone.begin(call["sid"])
    out(f"[the coach calls {call['To']}: {callee.answers}]")
    if callee.answers in ("no-answer", "busy"):
        phone.status_callback(callee.answers)
        return phone.result
    if callee.answers == "person":
        _amd(phone, call, "human")
        phone.follow(call["Url"], {"CallStatus": "in-progress"})
    else:  # the greeting plays over the machine's; after its beep, AMD says so
        phone.post(call["Url"], {"CallStatus": "in-progress"})
        _amd(phone, call, "machine_end_beep")
        twiml = updated_twiml()
        if twiml:
            phone.run_twiml(twiml, call["Url"])
    phone.status_callback("completed")
    return phone.result


def _amd(phone, call, answered_by):
    if call.get("AsyncAmdStatusCallback"):
        phone.post(call["AsyncAmdStatusCallback"],
                   {"AnsweredBy": answered_by, "MachineDetectionDuration": "2100"})


def show_text(to_number, body, out=print):
    """A text as the phone it was sent to would show it."""
    out(f"[text to {to_number}] {body}")


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
