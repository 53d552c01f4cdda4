"""A console app with an operator, a signed-in client, and calls placed through the
real webhooks (signed as Twilio signs them)."""

import re

import pytest

from fitness_voice.speech.local_store import LocalStore
from fitness_voice.speech.speaker import Speaker
from fitness_voice.web.console.auth import create_user
from tests.conftest import TwilioActions
from tests.speech.helpers import KEYS, ToneEngine

OPERATOR, PASSWORD = "ops", "a long enough password"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Console:
    """An operator's browser session, as a test client: signs in, posts forms with
    the page's CSRF token."""

    def __init__(self, client):
        self.client = client

    def token(self, path="/console/login"):
        page = self.client.get(path)
        found = CSRF.search(page.get_data(as_text=True))
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def sign_in(self, username=OPERATOR, password=PASSWORD):
        return self.client.post("/console/login", data={
            "username": username, "password": password, "csrf_token": self.token()})

    def post(self, path, form_page, **fields):
        return self.client.post(path, data={**fields, "csrf_token": self.token(form_page)})


@pytest.fixture
def console_app(make_app, tmp_path):
    app = make_app(CONSOLE_ENABLED=True, AUDIO_DIR=str(tmp_path / "audio"))
    # The tone engine (tests/speech/helpers.py) makes real WAV audio at once, so the
    # call page has audio to play without waiting on piper.
    app.extensions["fitness_voice"].speaker = Speaker(ToneEngine("wav"),
                                                      LocalStore(tmp_path / "audio"), "wav", KEYS)
    with app.app_context():
        create_user(OPERATOR, PASSWORD)
    return app


@pytest.fixture
def console(console_app):
    session = Console(console_app.test_client())
    assert session.sign_in().status_code == 302
    return session


def place_call(app, lines, from_number="+15555550100", duration="75"):
    """A call through the webhooks: the greeting, one turn per line, the status callback."""
    twilio = TwilioActions(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])
    twilio.from_number = from_number
    assert twilio.start().status_code == 200
    for n, line in enumerate(lines, start=1):
        speech, confidence = line if isinstance(line, tuple) else (line, "0.93")
        assert twilio.say(n, speech, confidence).status_code == 200
    twilio.post("/voice/status", CallStatus="completed", CallDuration=duration)
    return twilio.call_sid
