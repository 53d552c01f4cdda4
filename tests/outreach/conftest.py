"""An app served on loopback with its Twilio REST API on loopback too (tests/peers/
twilio_rest.py), on SQLite and on a fresh Postgres database."""

import pytest

from fitness_voice.extensions import db
from fitness_voice.outreach import checkins, rest
from fitness_voice.simulator import serve_in_process
from tests.peers.twilio_rest import ACCOUNT_SID, twilio_rest  # noqa: F401  (a fixture)
from tests.postgres import fresh_database

COACH_NUMBER = "+15555550199"
PERSON_NUMBER = "+15555550142"


class Outreach:
    """The served app, the REST peer, and a way to run the scheduler."""

    def __init__(self, app, base_url, peer):
        self.app, self.base_url, self.peer = app, base_url, peer

    def run_scheduler(self, now):
        with self.app.app_context():
            settings = rest.RestSettings.from_config(self.app.config)
            return checkins.run(rest.client(settings), settings,
                                checkins.CheckinSettings.from_config(self.app.config), now=now)


def outreach_config(peer, **overrides):
    return {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_FROM_NUMBER": COACH_NUMBER,
            "TWILIO_API_BASE_URL": peer.base_url, "HUMAN_COACH_NUMBER": PERSON_NUMBER,
            "CHECKIN_QUIET_HOURS": "", **overrides}


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request):
    return request.param


@pytest.fixture
def outreach(backend, make_app, twilio_rest):  # noqa: F811  (the fixture above)
    drop = None
    overrides = outreach_config(twilio_rest)
    if backend == "postgres":
        url, drop = fresh_database()
        overrides["SQLALCHEMY_DATABASE_URI"] = url
    app = make_app(**overrides)
    base_url, server = serve_in_process(app)
    app.config["PUBLIC_BASE_URL"] = base_url.rstrip("/")
    yield Outreach(app, base_url.rstrip("/"), twilio_rest)
    twilio_rest.wait()
    server.shutdown()
    with app.app_context():
        db.engine.dispose()
    if drop:
        drop()
