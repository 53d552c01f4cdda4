"""An app served on loopback with its Twilio REST API on loopback too (tests/peers/
twilio_rest.py), on SQLite and on a fresh Postgres database."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from fitness_voice.extensions import db
from fitness_voice.outreach import checkins, rest
from fitness_voice.simulator import Phone, ScriptedCaller, serve_in_process
from tests.peers.twilio_rest import ACCOUNT_SID, twilio_rest  # noqa: F401  (a fixture)
from tests.postgres import fresh_database

COACH_NUMBER = "+15555550199"
PERSON_NUMBER = "+15555550142"
LONDON = ZoneInfo("Europe/London")


def quiet(*_):
    pass


def next_hour_in_london():
    """The next whole hour on a UK caller's clock, as they would say it, and in UTC."""
    local = (datetime.now(UTC).astimezone(LONDON) + timedelta(hours=1)).replace(
        minute=0, second=0, microsecond=0)
    hour = local.hour
    said = ("noon" if hour == 12 else f"{hour} in the morning" if 0 < hour < 12
            else f"{hour:02d}:00")
    return said, local.astimezone(UTC).replace(tzinfo=None)


class Outreach:
    """The served app, the REST peer, and a way to run the scheduler."""

    def __init__(self, app, base_url, peer):
        self.app, self.base_url, self.peer = app, base_url, peer

    def call_in(self, number, lines, dialled=None):
        """An inbound call from `number` saying `lines`; the simulator's CallResult."""
        phone = Phone(self.base_url, "test-auth-token", ScriptedCaller(lines),
                      from_number=number, out=quiet, dialled=dialled)
        return phone.call()

    def schedule_by_voice(self, number, extra=()):
        """A new caller asks for a daily check-in at the next hour and agrees, and
        to texts; `extra` lines follow. The first moment due, in UTC."""
        said_time, slot = next_hour_in_london()
        self.call_in(number, ["Sam", "skip", f"call me every day at {said_time}", "yes", "yes",
                              *extra, "bye"])
        return slot

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
    app.config["PUBLIC_URL"] = base_url.rstrip("/")
    yield Outreach(app, base_url.rstrip("/"), twilio_rest)
    twilio_rest.wait()
    server.shutdown()
    with app.app_context():
        db.engine.dispose()
    if drop:
        drop()
