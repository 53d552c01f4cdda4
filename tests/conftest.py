"""Fixtures: a fresh app per test, and a helper that signs requests as Twilio does."""

import os
import random

import pytest
from twilio.request_validator import RequestValidator

from fitness_voice import create_app
from fitness_voice.extensions import db
from tests.peers.openai_server import openai_server  # noqa: F401  (a fixture)

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")


def new_call_sid():
    return "CA" + "".join(random.choice("0123456789abcdef") for _ in range(32))


@pytest.fixture(scope="session", autouse=True)
def shared_index(tmp_path_factory):
    """One Chroma index for the whole run: apps built later find it up to date."""
    global SHARED_CHROMA_PATH
    SHARED_CHROMA_PATH = str(tmp_path_factory.mktemp("chroma"))
    return SHARED_CHROMA_PATH


SHARED_CHROMA_PATH = None


def app_config(tmp_path, **overrides):
    config = {
        "TESTING": True,
        "APP_ENV": "testing",
        "TWILIO_AUTH_TOKEN": "test-auth-token",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'test.db'}",
        "CHROMA_PATH": SHARED_CHROMA_PATH,
        # Twilio's own <Say> keeps most tests quick; speech tests choose engines.
        "TTS_ENGINE": "say",
        "OPENAI_API_KEY": None,
        # A loaded test machine must not turn an answer into a filler; the
        # tests of the filler switch it on.
        "SLOW_REPLY_SECONDS": 0,
    }
    config.update(overrides)
    return config


def reset_database(app):
    with app.app_context():
        if TEST_DATABASE_URL:
            db.drop_all()
        db.create_all()


@pytest.fixture
def make_app(tmp_path):
    """Build an app with config overrides, on a clean database."""
    def make(reset=True, **overrides):
        app = create_app(app_config(tmp_path, **overrides))
        if reset:
            reset_database(app)
        return app
    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


class TwilioActions:
    """Posts webhooks signed with the app's auth token, as Twilio would."""

    def __init__(self, client, token, base_url="http://localhost"):
        self.client = client
        self.validator = RequestValidator(token)
        self.base_url = base_url
        self.call_sid = new_call_sid()
        self.from_number = "+15555550100"

    def params(self, **fields):
        return {"AccountSid": "AC" + "0" * 32, "CallSid": self.call_sid,
                "From": self.from_number, "To": "+15555550199",
                "CallStatus": "in-progress", "Direction": "inbound",
                "ApiVersion": "2010-04-01", **fields}

    def post(self, path, headers=None, **fields):
        form = self.params(**fields)
        signature = self.validator.compute_signature(self.base_url + path, form)
        return self.client.post(path, data=form,
                                headers={"X-Twilio-Signature": signature, **(headers or {})})

    def start(self):
        return self.post("/voice", CallStatus="ringing")

    def say(self, n, speech, confidence="0.93"):
        fields = {"SpeechResult": speech, "Confidence": confidence} if speech else {}
        return self.post(f"/voice/turn?n={n}", **fields)


@pytest.fixture
def twilio(client, app):
    return TwilioActions(client, app.config["TWILIO_AUTH_TOKEN"])
