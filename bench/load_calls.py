"""Simulated phone calls for the load benchmark: each call speaks every few
seconds and follows the TwiML as Twilio would, timing what the caller hears.

A turn's wait runs from posting the caller's words to the moment the answer's
first audio can start: the document with it has arrived and (for <Play>) its
audio has been fetched, as Twilio fetches media before it plays it. A filler
(<Play>/<Say> then <Redirect> to /voice/turn/wait) is played for as long as its
audio lasts and the redirect followed; a first sentence (<Redirect> to
/voice/turn/rest) is the answer's first audio, and the rest is fetched after it
has played. Every request has Twilio's 15 s limit.
"""

import random
import struct
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import requests
from twilio.request_validator import RequestValidator

TWILIO_LIMIT = 15.0
SAY_WORDS_PER_SECOND = 2.5


class Unanswered(Exception):
    """The turn ended without an answer: `outcome` says how."""

    def __init__(self, outcome):
        super().__init__(outcome)
        self.outcome = outcome


@dataclass
class TurnResult:
    question: bool          # a question (measured), not the intake
    outcome: str            # answered | asked-again | timeout | error
    wait: float | None = None   # seconds to the answer's first audio
    fillers: int = 0
    first_sentence: bool = False  # heard the first sentence, then the rest
    gap: float | None = None      # seconds between the first sentence's end and the rest
    requests: int = 0


@dataclass
class Lines:
    """What the app says that is not an answer (from its catalogue)."""

    too_slow: str
    apology: str


def questions(seed, kb_path):
    """An endless, varied stream of questions a caller might ask, so that answers
    (and their audio) differ as they would in real traffic."""
    exercises = sorted(p.stem.replace("-", " ") for p in Path(kb_path, "exercises").glob("*.md"))
    rng = random.Random(seed)
    templates = (
        "how do I do a {exercise}", "what muscles does the {exercise} work",
        "how many sets of {exercise} should I do", "is the {exercise} good for beginners",
        "how much protein should I eat I weigh {kilos} kilos",
        "how much water should I drink a day if I weigh {kilos} kilos",
        "how long should I rest between sets of {exercise}",
        "what should I eat {when} a {time} workout", "is {supplement} safe to take",
        "how much sleep do I need if I train {days} days a week",
        "how many days a week should I {activity}",
        "how do I warm up before {activity_ing}", "how do I stay motivated to {activity}",
    )
    fills = {
        "when": ("before", "after"), "time": ("morning", "lunchtime", "evening", "late night"),
        "supplement": ("creatine", "caffeine", "protein powder", "beta alanine", "fish oil"),
        "activity": ("run", "lift weights", "do cardio", "stretch", "walk", "cycle", "swim"),
        "activity_ing": ("running", "lifting", "cycling", "a hike", "football", "rowing"),
    }
    while True:
        template = rng.choice(templates)
        yield template.format(exercise=rng.choice(exercises), kilos=rng.randint(50, 130),
                              days=rng.randint(2, 6),
                              **{key: rng.choice(values) for key, values in fills.items()})


def audio_seconds(data, content_type):
    """How long Twilio would play these bytes: WAV from its header, MP3 at 32 kbit/s."""
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        offset, byte_rate = 12, None
        while offset + 8 <= len(data):
            chunk = data[offset:offset + 4]
            size = struct.unpack("<I", data[offset + 4:offset + 8])[0]
            if chunk == b"fmt ":
                byte_rate = struct.unpack("<I", data[offset + 16:offset + 20])[0]
            elif chunk == b"data" and byte_rate:
                return min(size, len(data) - offset - 8) / byte_rate
            offset += 8 + size + (size & 1)
    return len(data) * 8 / 32000 if "mpeg" in content_type else 0.0


class SimulatedCall:
    """One caller: the greeting, "skip" at the intake, then a question every `gap`
    seconds, for `duration` seconds after the greeting."""

    def __init__(self, base_url, token, number, ask, lines, gap, duration):
        self.base_url = base_url.rstrip("/") + "/"
        self.validator = RequestValidator(token)
        self.call_sid = "CA" + f"{random.getrandbits(128):032x}"
        self.number = f"+1555{number:07d}"
        self.ask, self.lines, self.gap, self.duration = ask, lines, gap, duration
        self.http = requests.Session()
        self.results = []
        self._first_ended = None  # when the first sentence of the current answer ended

    def run(self):
        try:
            greeting = self._turn(urljoin(self.base_url, "voice"), {"CallStatus": "ringing"},
                                  question=False)
            self.results.append(greeting)
            until = time.monotonic() + self.duration
            index, question = 1, False
            line = "skip"
            while time.monotonic() < until:
                time.sleep(self.gap)
                result = self._turn(urljoin(self.base_url, f"voice/turn?n={index}"),
                                    {"SpeechResult": line, "Confidence": "0.92"}, question)
                self.results.append(result)
                index += 1
                line, question = next(self.ask), True
        finally:
            self._post(urljoin(self.base_url, "voice/status"),
                       {"CallStatus": "completed", "CallDuration": "60"}, quiet=True)
            self.http.close()
        return self.results

    def _turn(self, url, params, question):
        started = time.monotonic()
        result = TurnResult(question=question, outcome="answered")
        try:
            self._follow(url, params, started, result)
        except Unanswered as stop:
            result.outcome = stop.outcome
            result.wait = None
        return result

    def _follow(self, url, params, started, result):
        while True:
            document = self._post(url, params)
            result.requests += 1
            gather = document.find("Gather")
            last = document[-1] if len(document) else None
            if gather is not None:
                spoken, _ = self._first_audio(gather, url)
                if result.wait is None:
                    result.wait = time.monotonic() - started
                elif result.first_sentence:
                    result.gap = time.monotonic() - self._first_ended
                if spoken == self.lines.too_slow:
                    raise Unanswered("asked-again")
                return
            if last is None or last.tag != "Redirect":
                raise Unanswered("error")  # a hang-up with the apology, or nothing
            target = urljoin(url, last.text.strip())
            path = urlsplit(target).path
            spoken, seconds = self._first_audio(document, url)
            if path.endswith("/voice/turn/rest"):
                result.first_sentence = True
                result.wait = time.monotonic() - started
                time.sleep(seconds)  # Twilio plays the first sentence, then redirects
                self._first_ended = time.monotonic()
            else:
                result.fillers += 1
                time.sleep(seconds)
            url, params = target, {}

    def _first_audio(self, verb, doc_url):
        """(what the first spoken child says, how long it plays), fetching its audio."""
        for child in verb:
            if child.tag == "Say":
                text = child.text or ""
                return text, len(text.split()) / SAY_WORDS_PER_SECOND
            if child.tag == "Play":
                response = self._get(urljoin(doc_url, child.text.strip()))
                text = unquote(response.headers.get("X-Audio-Text", ""))
                return text, audio_seconds(response.content, response.headers.get(
                    "Content-Type", ""))
        return "", 0.0

    def _post(self, url, params, quiet=False):
        form = {"AccountSid": "AC" + "0" * 32, "CallSid": self.call_sid, "From": self.number,
                "To": "+15555550199", "CallStatus": "in-progress", "Direction": "inbound",
                "ApiVersion": "2010-04-01", **params}
        headers = {"X-Twilio-Signature": self.validator.compute_signature(url, form)}
        try:
            response = self.http.post(url, data=form, headers=headers, timeout=TWILIO_LIMIT)
        except requests.Timeout:
            if quiet:
                return None
            raise Unanswered("timeout") from None
        except requests.RequestException:
            if quiet:
                return None
            raise Unanswered("error") from None
        if quiet:
            return None
        if response.status_code != 200:
            raise Unanswered("error")
        try:
            return ET.fromstring(response.text)
        except ET.ParseError:
            raise Unanswered("error") from None

    def _get(self, url):
        try:
            response = self.http.get(url, timeout=TWILIO_LIMIT)
        except requests.Timeout:
            raise Unanswered("timeout") from None
        except requests.RequestException:
            raise Unanswered("error") from None
        if response.status_code != 200:
            raise Unanswered("error")
        return response
