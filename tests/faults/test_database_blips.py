"""Postgres restarted mid-call, on a cluster of our own (tests/faults/cluster.py):
the caller is held, never hung up on, and every turn heard is stored once."""

import json
import threading
import xml.etree.ElementTree as ET

import pytest

from fitness_voice import create_app
from fitness_voice.extensions import db
from fitness_voice.models import CallSession, Turn
from tests.conftest import TwilioActions, app_config
from tests.faults.cluster import ThrowawayPostgres


@pytest.fixture(scope="module")
def postgres():
    cluster = ThrowawayPostgres()
    yield cluster
    cluster.destroy()


@pytest.fixture(scope="module")
def app(postgres, tmp_path_factory):
    folder = tmp_path_factory.mktemp("blips")
    app = create_app(app_config(folder, SQLALCHEMY_DATABASE_URI=postgres.url,
                                DB_RETRY_SECONDS=0.5, SPOOL_DIR=str(folder / "spool")))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def services(app):
    services = app.extensions["fitness_voice"]
    saved = (services.outage.retry_seconds, services.outage.outage_seconds)
    yield services
    services.outage.retry_seconds, services.outage.outage_seconds = saved


def a_call(app):
    twilio = TwilioActions(app.test_client(), "test-auth-token")
    assert twilio.start().status_code == 200
    return twilio


def document(response):
    assert response.status_code == 200
    return ET.fromstring(response.data)


def stored_turns(app, call_sid):
    with app.app_context():
        turns = db.session.execute(db.select(Turn.index, Turn.speech).join(CallSession)
                                   .filter(CallSession.call_sid == call_sid)).all()
        db.session.commit()
    return sorted(turns)


def test_a_turn_during_a_restart_is_held_then_answered_and_stored_once(app, postgres, services):
    twilio = a_call(app)
    postgres.stop()
    try:
        held = document(twilio.say(1, "how do I do a plank"))
        assert held.find("Hangup") is None and "One moment" in ET.tostring(held, "unicode")
        again = held.find("Redirect").text
        assert "n=1" in again and "held=" in again
        assert list(spool(services))  # the words wait on disk, not in the database
    finally:
        postgres.start()
    # Twilio's <Redirect> posts the call's fields without the SpeechResult.
    answered = document(twilio.post(again))
    assert answered.find("Gather") is not None and "plank" in ET.tostring(answered, "unicode")
    document(twilio.post(again))  # a retry of the redirect stores nothing new
    assert stored_turns(app, twilio.call_sid) == [(0, None), (1, "how do I do a plank")]
    assert list(spool(services)) == []


def test_a_blip_inside_the_retry_budget_is_answered_at_once(app, postgres, services):
    services.outage.retry_seconds = 30  # far longer than a restart of an idle cluster
    twilio = a_call(app)
    restart = threading.Thread(target=postgres.restart, args=(0.3,))
    restart.start()
    try:
        answered = document(twilio.say(1, "how much protein should I eat"))
    finally:
        restart.join()
    assert answered.find("Gather") is not None and answered.find("Redirect").get("method")
    assert stored_turns(app, twilio.call_sid)[-1] == (1, "how much protein should I eat")


def test_the_call_ends_only_after_the_configured_outage(app, postgres, services):
    twilio = a_call(app)
    postgres.stop()
    try:
        held = document(twilio.say(1, "what is a burpee"))
        services.outage.outage_seconds = 0  # as if DB_OUTAGE_SECONDS had passed since
        ended = document(twilio.post(held.find("Redirect").text))
    finally:
        postgres.start()
    assert held.find("Hangup") is None and ended.find("Hangup") is not None


def test_a_turn_held_when_the_caller_hung_up_is_stored_unanswered(app, postgres, services):
    gone = a_call(app)
    postgres.stop()
    try:
        document(gone.say(1, "my knee hurts when I squat"))
    finally:
        postgres.start()
    for path in spool(services):  # long ago: no redirect will come for it now
        record = json.loads(path.read_text())
        record["held_since"] -= 3600
        path.write_text(json.dumps(record))
    document(a_call(app).say(1, "hello"))  # the next request that reaches the database
    assert stored_turns(app, gone.call_sid) == [(0, None), (1, "my knee hurts when I squat")]
    assert list(spool(services)) == []


def spool(services):
    from pathlib import Path
    return sorted(Path(services.outage.spool_dir).glob("*.json"))
