"""Forged and fuzzed webhooks, shared by tests/faults and bench/faults.py.

A forgery is a request whose signature must not be accepted: no signature, a
wrong one, one made with another token, for other fields, or for another URL
(another host, scheme, port, prefix or route of the same account, the attack a
client-chosen validation URL allowed). A fuzzed request is signed correctly
and malformed in its fields; it must get 200 TwiML that is not an apology, or
400/413 with a reason, never 5xx.
"""

import base64
import random
import string
from dataclasses import dataclass, field
from urllib.parse import urlencode

from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

PUBLIC_URL = "https://coach.example.com"
TOKEN = "test-auth-token"
ROUTES = ["/voice", "/voice/turn?n=1", "/voice/turn?n=2", "/voice/turn/wait?n=1",
          "/voice/status", "/voice/fallback"]
ELSEWHERE = ["https://staging.example.com", "http://coach.example.com",
             "https://coach.example.com:8443", "https://coach.example.com/other",
             "https://evil.example.net", "http://127.0.0.1:5000", "http://localhost"]


@dataclass
class Attempt:
    kind: str
    path: str
    form: dict
    headers: dict = field(default_factory=dict)
    body: bytes | None = None  # sent raw instead of the form


def call_fields(call_sid, **extra):
    return {"AccountSid": "AC" + "0" * 32, "CallSid": call_sid, "From": "+15555550100",
            "To": "+15555550199", "CallStatus": "in-progress", "Direction": "inbound",
            "ApiVersion": "2010-04-01", **extra}


def sign(url, form, token=TOKEN):
    return RequestValidator(token).compute_signature(url, form)


def signed(path, form, base=PUBLIC_URL):
    return {"X-Twilio-Signature": sign(base + path, form)}


def forgeries(call_sid, rng):
    """One of each kind of forgery, for every route."""
    attempts = []
    for path in ROUTES:
        form = call_fields(call_sid, SpeechResult="how do I do a plank", Confidence="0.9")
        good = sign(PUBLIC_URL + path, form)
        attempts += [
            Attempt("no signature", path, form),
            Attempt("empty signature", path, form, {"X-Twilio-Signature": ""}),
            Attempt("random signature", path, form, {"X-Twilio-Signature": _random_signature(rng)}),
            Attempt("truncated signature", path, form, {"X-Twilio-Signature": good[:-2]}),
            Attempt("case-flipped signature", path, form,
                    {"X-Twilio-Signature": good.swapcase()}),
            Attempt("signature in another header", path, form, {"X-Signature": good}),
            Attempt("another token", path, form,
                    {"X-Twilio-Signature": sign(PUBLIC_URL + path, form, "other-token")}),
            Attempt("changed field", path, {**form, "From": "+15550000000"},
                    {"X-Twilio-Signature": good}),
            Attempt("added field", path, {**form, "Digits": "1"}, {"X-Twilio-Signature": good}),
            Attempt("removed field", path, _without(form, "Confidence"),
                    {"X-Twilio-Signature": good}),
            Attempt("fields moved to the query", f"{path}{'&' if '?' in path else '?'}"
                    f"{urlencode(form)}", {}, {"X-Twilio-Signature": good}),
            Attempt("sha256 under another key", path, form,
                    {"X-Twilio-Signature": RequestValidator("shared-key").compute_signature(
                        PUBLIC_URL + path, form, "HMAC_SHA256"),
                     "X-Twilio-Webhooks-Signature-Settings": "algorithm=HMAC_SHA256"}),
        ]
        for base in ELSEWHERE:  # signed for another app, scheme, port or prefix
            other = sign(base + path, form)
            host = base.split("://", 1)[1].split("/", 1)[0]
            attempts += [
                Attempt(f"signed for {base}", path, form, {"X-Twilio-Signature": other}),
                Attempt(f"signed for {base}, Host set", path, form,
                        {"X-Twilio-Signature": other, "Host": host}),
                Attempt(f"signed for {base}, forwarded", path, form,
                        {"X-Twilio-Signature": other, "X-Forwarded-Host": host,
                         "X-Forwarded-Proto": base.split(":", 1)[0],
                         "X-Forwarded-Port": host.rsplit(":", 1)[-1] if ":" in host else "",
                         "X-Forwarded-Prefix": "/other" if base.endswith("/other") else ""}),
            ]
        for replayed in ROUTES:  # a genuine signature, replayed to another route
            if replayed != path:
                attempts.append(Attempt(f"replayed from {path.split('?')[0]}", replayed, form,
                                        {"X-Twilio-Signature": good}))
        attempts.append(Attempt("trailing slash", path.replace("?", "/?", 1)
                                if "?" in path else path + "/", form,
                                {"X-Twilio-Signature": good}))
    return attempts


def _random_signature(rng):
    return base64.b64encode(bytes(rng.getrandbits(8) for _ in range(20))).decode()


def _without(form, name):
    return {key: value for key, value in form.items() if key != name}


# -- fuzzing ---------------------------------------------------------------------

FIELD_NAMES = ["CallSid", "From", "To", "SpeechResult", "Confidence", "CallStatus",
               "CallDuration", "ErrorCode", "ErrorUrl", "AccountSid", "Digits"]
NASTY = ["", "\x00", "a\x00b", "x" * 33, "x" * 256, "x" * 2001, "x" * 20_000, "nan", "inf",
         "-1", "1e309", "99999999999999999999", "0.5", "\ud7ff", "\u202e", "' OR 1=1 --",
         "<Hangup/>", "%00", "sip:+15551234567@trunk.example.com;user=phone", "ＣＡ", "٣"]


def call_sid_strategy():
    hex_sid = st.text("0123456789abcdefABCDEF", min_size=32, max_size=32).map(lambda s: "CA" + s)
    return st.one_of(hex_sid, hex_sid, st.sampled_from(NASTY), st.text(max_size=40))


def value_strategy():
    return st.one_of(st.sampled_from(NASTY), st.text(max_size=60),
                     st.integers(-2**70, 2**70).map(str),
                     st.floats(allow_nan=True, allow_infinity=True).map(repr),
                     st.text(min_size=2000, max_size=2100), st.binary(max_size=30).map(
                         lambda raw: raw.decode("latin-1")))


@st.composite
def fuzzed_request(draw):
    """A correctly signed request with malformed fields, query or body."""
    path = draw(st.sampled_from(["/voice", "/voice/turn", "/voice/turn/wait", "/voice/status",
                                 "/voice/fallback"]))
    query = draw(st.dictionaries(st.sampled_from(["n", "held", "x"]), value_strategy(),
                                 max_size=2))
    form = {"CallSid": draw(call_sid_strategy()), "From": "+15555550100"}
    form.update(draw(st.dictionaries(st.sampled_from(FIELD_NAMES), value_strategy(),
                                     max_size=5)))
    form.update(draw(st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=12),
                                     st.text(max_size=20), max_size=3)))
    raw = draw(st.sampled_from([None] * 8 + ["invalid utf-8", "huge"]))
    full_path = f"{path}?{urlencode(query)}" if query else path
    if raw == "invalid utf-8":
        return Attempt("invalid utf-8 body", full_path, {}, signed(full_path, {}),
                       body=b"CallSid=CA\xff\xfe&From=%2B1")
    if raw == "huge":
        return Attempt("huge body", full_path, {}, signed(full_path, {}),
                       body=b"SpeechResult=" + b"a" * (1 << 20))
    return Attempt("fuzzed", full_path, form, signed(full_path, form))


def send(client, attempt):
    """Post an attempt with a Flask test client or a requests session at a base URL."""
    headers = {key: value for key, value in attempt.headers.items()
               if value != "" or key == "X-Twilio-Signature"}
    if attempt.body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return client.post(attempt.path, data=attempt.body, headers=headers)
    return client.post(attempt.path, data=attempt.form, headers=headers)


def seeded(seed):
    return random.Random(seed)
