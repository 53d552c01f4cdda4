"""A loopback HTTP server speaking the parts of Twilio's REST API the coach uses:
Calls (create, and update a live call's TwiML), Messages (create), HTTP basic auth
with the account SID and auth token, and the callbacks Twilio would then make.

The twilio library is pointed at it with TWILIO_API_BASE_URL (the api domain's
base_url), so the SDK builds, sends and parses every request for real. It checks
what Twilio checks: the account in the path is the one authenticated, required
parameters are there, numbers are E.164, URLs are absolute; errors come back in
Twilio's JSON shape with Twilio's codes.

A created call is played by fitness_voice.simulator.receive_call, as the callee
registered for its number (`peer.callees["+1555..."] = Callee("voicemail")`;
unregistered numbers ring out unanswered), in a thread: `peer.wait()` joins them.
A created message gets "sent" then "delivered" status callbacks, signed, unless
its number is in `undeliverable`.
"""

import base64
import json
import re
import threading
import urllib.parse
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from twilio.request_validator import RequestValidator

from fitness_voice.simulator import Callee, new_call_sid, receive_call, show_text

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "test-auth-token"
E164 = re.compile(r"^\+[1-9]\d{1,14}$")
PATH = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-f]{32})/(Calls|Messages)(?:/(CA[0-9a-f]{32}))?"
                  r"\.json$")
MACHINE_DETECTION = ("Enable", "DetectMessageEnd")


class TwilioError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class TwilioRestPeer:
    def __init__(self, account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, out=lambda *_: None):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.validator = RequestValidator(auth_token)
        self.out = out
        self.callees = {}  # number -> simulator.Callee
        self.undeliverable = set()  # numbers whose texts fail
        self.calls = []  # create parameters of every call placed, with "sid"
        self.updates = {}  # call SID -> [TwiML sent to the live call]
        self.messages = []  # create parameters of every message, with "sid"
        self.results = {}  # call SID -> simulator.CallResult
        self.rejected = []  # (status, code, message) of refused requests
        self._threads = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.server.server_port}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.wait()
        self.server.shutdown()
        self.server.server_close()

    def wait(self, seconds=60):
        """Let every call and text callback in flight finish."""
        while True:
            with self._lock:
                running = [thread for thread in self._threads if thread.is_alive()]
            if not running:
                return
            for thread in running:
                thread.join(seconds)

    def _later(self, work, *args):
        thread = threading.Thread(target=work, args=args, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    # -- the API -------------------------------------------------------------

    def handle(self, path, auth, form):
        match = PATH.match(path)
        if match is None:
            raise TwilioError(404, 20404, f"The requested resource {path} was not found")
        account, resource, call_sid = match.groups()
        self._authenticate(auth, account)
        if resource == "Calls" and call_sid:
            return 200, self._update_call(call_sid, form)
        if resource == "Calls":
            return 201, self._create_call(form)
        return 201, self._create_message(form)

    def _authenticate(self, auth, account):
        expected = f"{self.account_sid}:{self.auth_token}"
        if auth != expected:
            raise TwilioError(401, 20003, "Authenticate")
        if account != self.account_sid:
            raise TwilioError(403, 20003, "The account in the URL is not the one authenticated")

    def _create_call(self, form):
        to, from_ = _one(form, "To"), _one(form, "From")
        if not to:
            raise TwilioError(400, 21201, "No 'To' number is specified")
        if not from_:
            raise TwilioError(400, 21213, "No 'From' number is specified")
        _e164(to, 21211, "To")
        _e164(from_, 21212, "From")
        url = _one(form, "Url")
        if not (url or _one(form, "Twiml")):
            raise TwilioError(400, 21205, "Url or Twiml is required")
        for name in ("Url", "StatusCallback", "AsyncAmdStatusCallback"):
            if _one(form, name):
                _absolute(_one(form, name), name)
        detection = _one(form, "MachineDetection")
        if detection and detection not in MACHINE_DETECTION:
            raise TwilioError(400, 21626, f"MachineDetection must be one of {MACHINE_DETECTION}")
        if _one(form, "AsyncAmd") not in (None, "true", "false"):
            raise TwilioError(400, 21626, "AsyncAmd must be true or false")
        call = {name: _one(form, name) for name in form}
        call["StatusCallbackEvent"] = form.get("StatusCallbackEvent", [])
        call["sid"] = new_call_sid()
        with self._lock:
            self.calls.append(call)
            self.updates[call["sid"]] = []
        callee = self.callees.get(to, Callee("no-answer"))
        self._later(self._ring, call, callee)
        return self._call_json(call, "queued")

    def _ring(self, call, callee):
        def updated():
            sent = self.updates.get(call["sid"]) or []
            return sent[-1] if sent else None
        self.results[call["sid"]] = receive_call(call, callee, self.auth_token, updated,
                                                 out=self.out)

    def _update_call(self, call_sid, form):
        if call_sid not in self.updates:
            raise TwilioError(404, 20404, f"The requested resource Call {call_sid} was not found")
        twiml = _one(form, "Twiml")
        if not (twiml or _one(form, "Url") or _one(form, "Status")):
            raise TwilioError(400, 21205, "Twiml, Url or Status is required")
        if twiml:
            self.updates[call_sid].append(twiml)
        call = next(call for call in self.calls if call["sid"] == call_sid)
        return self._call_json(call, "in-progress")

    def _call_json(self, call, status):
        return {"sid": call["sid"], "account_sid": self.account_sid, "to": call["To"],
                "from": call["From"], "status": status, "direction": "outbound-api",
                "date_created": formatdate(usegmt=True), "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Calls/{call['sid']}.json"}

    def _create_message(self, form):
        to, from_, body = _one(form, "To"), _one(form, "From"), _one(form, "Body")
        if not to:
            raise TwilioError(400, 21604, "A 'To' phone number is required")
        if not (from_ or _one(form, "MessagingServiceSid")):
            raise TwilioError(400, 21603, "A 'From' phone number is required")
        if not (body or _one(form, "MediaUrl")):
            raise TwilioError(400, 21602, "Message body is required")
        _e164(to, 21211, "To")
        _e164(from_, 21212, "From")
        if len(body) > 1600:
            raise TwilioError(400, 21617, "The concatenated message body exceeds 1600 characters")
        if _one(form, "StatusCallback"):
            _absolute(_one(form, "StatusCallback"), "StatusCallback")
        message = {name: _one(form, name) for name in form}
        message["sid"] = "SM" + new_call_sid()[2:]
        message["status"] = "queued"
        with self._lock:
            self.messages.append(message)
        show_text(to, body, self.out)
        if message.get("StatusCallback"):
            self._later(self._deliver, message)
        return {"sid": message["sid"], "account_sid": self.account_sid, "to": to,
                "from": from_, "body": body, "status": "queued", "num_segments": "1",
                "date_created": formatdate(usegmt=True), "api_version": "2010-04-01"}

    def _deliver(self, message):
        failed = message["To"] in self.undeliverable
        for status in ("sent", "undelivered" if failed else "delivered"):
            message["status"] = status
            fields = {"MessageSid": message["sid"], "MessageStatus": status,
                      "AccountSid": self.account_sid, "To": message["To"],
                      "From": message["From"], "ApiVersion": "2010-04-01"}
            if failed and status == "undelivered":
                fields["ErrorCode"] = "30003"
            self.post_signed(message["StatusCallback"], fields)

    def post_signed(self, url, fields):
        """Post a callback to the app as Twilio does, signed with the auth token."""
        signature = self.validator.compute_signature(url, fields)
        return requests.post(url, data=fields, timeout=15,
                             headers={"X-Twilio-Signature": signature})

    def text_from(self, number, body, app_url, to=None):
        """A text sent by `number` to the coach's number, posted to the app's SMS webhook."""
        fields = {"MessageSid": "SM" + new_call_sid()[2:], "AccountSid": self.account_sid,
                  "From": number, "To": to or "+15555550199", "Body": body,
                  "NumMedia": "0", "ApiVersion": "2010-04-01"}
        return self.post_signed(app_url, fields)


def _one(form, name):
    values = form.get(name)
    return values[0] if values else None


def _e164(number, code, name):
    if not E164.match(number or ""):
        raise TwilioError(400, code, f"The '{name}' number {number} is not a valid phone number")


def _absolute(url, name):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TwilioError(400, 21205, f"{name} is not a valid URL: {url}")


def _handler_for(peer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the base class names it so
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            try:
                status, payload = peer.handle(self.path, _basic_auth(self.headers), form)
            except TwilioError as error:
                peer.rejected.append((error.status, error.code, error.message))
                status, payload = error.status, {
                    "code": error.code, "message": error.message, "status": error.status,
                    "more_info": f"https://www.twilio.com/docs/errors/{error.code}"}
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _basic_auth(headers):
    value = headers.get("Authorization", "")
    if not value.startswith("Basic "):
        return None
    try:
        return base64.b64decode(value[6:]).decode()
    except ValueError:
        return None


@pytest.fixture
def twilio_rest():
    peer = TwilioRestPeer().start()
    yield peer
    peer.stop()
