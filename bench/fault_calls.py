"""Concurrent calls through a Twilio stand-in, for bench/faults.py.

The stand-in does what Twilio does for one call: posts each webhook signed for
PUBLIC_URL, follows <Gather>, <Redirect>, <Pause> and <Hangup>, gives a request
15 s, and when the primary URL fails (a reset connection, a timeout, a 5xx)
posts the same fields to the fallback URL with ErrorUrl. Its caller says its
lines one per <Gather>, says the last one again when asked to, and hangs up
after its last answer. What it counts: calls hung up by us (a <Hangup>, an
empty document, or a failed fallback, before the caller was done), every
request's wait, and the lines heard (posted as a SpeechResult) to compare
with the turns stored.
"""

import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator

from fitness_voice import lang
from fitness_voice.config import database_url as sqlalchemy_url

TWILIO_TIMEOUT = 15
LINES = ["how many sets and reps should I do to build muscle", "how long should I rest "
         "between sets", "how much protein do I need", "what should I eat before a workout",
         "how do I do a push up", "is creatine safe", "how much sleep do I need",
         "how do I do a plank", "what is a good warm up", "how often should I run"]


@dataclass
class CallResult:
    call_sid: str
    heard: list = field(default_factory=list)
    waits: list = field(default_factory=list)
    hung_up_by_us: bool = False
    fallbacks: int = 0


class StandIn:
    def __init__(self, base_url, public_url, token, number, call_sid, lines):
        self.base_url, self.public_url = base_url.rstrip("/"), public_url.rstrip("/")
        self.validator = RequestValidator(token)
        self.number, self.lines = number, list(lines)
        self.result = CallResult(call_sid)
        self.http = requests.Session()
        catalogue = lang.catalogue()
        self.asked_again = [catalogue[key] for key in
                            ("web.ask_again", "web.too_slow", "calls.trouble")]

    def fields(self, **extra):
        return {"AccountSid": "AC" + "0" * 32, "CallSid": self.result.call_sid,
                "From": self.number, "To": "+15555550199", "CallStatus": "in-progress",
                "Direction": "inbound", "ApiVersion": "2010-04-01", **extra}

    def run(self):
        step, said = ("/voice", {}), 0
        while step is not None:
            document = self.request(*step)
            if document is None:
                self.result.hung_up_by_us = True
                break
            step, said = self.follow(document, said)
        self.post("/voice/status", self.fields(CallStatus="completed", CallDuration="60"))
        return self.result

    def follow(self, document, said):
        """The next request this document leads to, and how many lines were said."""
        again = any(line in ET.tostring(document, "unicode") for line in self.asked_again)
        for verb in document:
            if verb.tag == "Pause":
                time.sleep(int(verb.get("length", 1)))
            elif verb.tag == "Gather":
                if again and said:
                    said -= 1  # asked to say it again
                if said == len(self.lines):
                    return None, said  # the caller is done and hangs up
                line = self.lines[said]
                self.result.heard.append(line)
                return (verb.get("action"), {"SpeechResult": line, "Confidence": "0.92"}), said + 1
            elif verb.tag == "Redirect":
                return (verb.text.strip(), {}), said
            elif verb.tag == "Hangup":
                break
        self.result.hung_up_by_us = said < len(self.lines) or self.result.hung_up_by_us
        return None, said

    def request(self, path, extra):
        form = self.fields(**extra)
        response = self.post(path, form)
        if response is None or response.status_code >= 500:
            self.result.fallbacks += 1
            response = self.post("/voice/fallback", {
                **form, "ErrorCode": "11200", "ErrorUrl": self.public_url + path})
        if response is None or response.status_code != 200:
            return None  # Twilio's application error, then the end of the call
        return ET.fromstring(response.content)

    def post(self, path, form):
        signature = self.validator.compute_signature(self.public_url + path, form)
        started = time.perf_counter()
        try:
            return self.http.post(self.base_url + path, data=form, timeout=TWILIO_TIMEOUT,
                                  headers={"X-Twilio-Signature": signature})
        except requests.RequestException:
            return None
        finally:
            self.result.waits.append(time.perf_counter() - started)


def run_calls(base_url, public_url, token, calls, turns, prefix):
    def one(number):
        sid = f"CA{prefix:08x}{number:024x}"
        lines = [LINES[(number + i) % len(LINES)] for i in range(turns)]
        return StandIn(base_url, public_url, token, f"+1555{prefix % 1000:03d}{number:04d}",
                       sid, lines).run()
    with ThreadPoolExecutor(calls) as pool:
        return list(pool.map(one, range(calls)))


def stored_speech(database_url, call_sids):
    """{call_sid: [speech of every stored turn]}."""
    engine = create_engine(sqlalchemy_url(database_url, "/tmp"))
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT s.call_sid, t.speech FROM turn t JOIN call_session s ON s.id = t.session_id"
            " WHERE t.speech IS NOT NULL")).all()
    engine.dispose()
    stored = {sid: [] for sid in call_sids}
    for sid, speech in rows:
        if sid in stored:
            stored[sid].append(speech)
    return stored


def tally(results, stored):
    lost = duplicated = 0
    for result in results:
        kept = stored[result.call_sid]
        for line in set(result.heard):
            count = kept.count(line)
            lost += count == 0
            duplicated += max(0, count - 1)
    waits = [wait for result in results for wait in result.waits]
    return {"calls": len(results), "hung up by us": sum(r.hung_up_by_us for r in results),
            "heard turns": sum(len(set(r.heard)) for r in results), "lost": lost,
            "duplicated": duplicated, "fallbacks": sum(r.fallbacks for r in results),
            "max wait s": round(max(waits), 2), "requests": len(waits)}
