"""Twilio retries: copies of one request, at once or in turn, store one session and
one turn. Run against SQLite and a real Postgres, through a real threaded server."""


import pytest
import requests

from fitness_voice.extensions import db
from fitness_voice.models import CallSession, Turn
from fitness_voice.simulator import serve_in_process
from tests.calls.copies import post_at_once
from tests.conftest import TwilioActions
from tests.postgres import fresh_database

COPIES = 6


@pytest.fixture(params=["sqlite", "postgres"])
def served_app(request, make_app):
    drop = None
    if request.param == "postgres":
        url, drop = fresh_database()
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
    else:
        app = make_app()
    base_url, server = serve_in_process(app)
    yield app, base_url.rstrip("/")
    server.shutdown()
    with app.app_context():
        db.engine.dispose()
    if drop:
        drop()


def signed(base_url, twilio, path, **fields):
    form = twilio.params(**fields)
    return form, twilio.validator.compute_signature(base_url + path, form)


def counts(app):
    with app.app_context():
        sessions = db.session.execute(db.select(db.func.count(CallSession.id))).scalar_one()
        turns = db.session.execute(db.select(Turn.index).order_by(Turn.index)).scalars().all()
        return sessions, turns


def test_concurrent_copies_of_the_incoming_call_make_one_session(served_app):
    app, base_url = served_app
    twilio = TwilioActions(None, "test-auth-token")
    form, signature = signed(base_url, twilio, "/voice")
    answers = post_at_once([base_url], "/voice", form, lambda _: signature, COPIES, timeout=30)
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.text for answer in answers}) == 1
    assert counts(app) == (1, [0])


def test_concurrent_copies_of_a_turn_store_it_once(served_app):
    app, base_url = served_app
    twilio = TwilioActions(None, "test-auth-token")
    form, signature = signed(base_url, twilio, "/voice")
    requests.post(base_url + "/voice", data=form, headers={"X-Twilio-Signature": signature},
                  timeout=30)
    form, signature = signed(base_url, twilio, "/voice/turn?n=1", SpeechResult="hello coach",
                             Confidence="0.9")
    answers = post_at_once([base_url], "/voice/turn?n=1", form, lambda _: signature, COPIES,
                           timeout=30)
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.text for answer in answers}) == 1
    assert counts(app) == (1, [0, 1])


def test_a_turn_retried_after_it_was_answered_is_not_stored_again(served_app):
    app, base_url = served_app
    twilio = TwilioActions(None, "test-auth-token")
    for _ in range(2):
        form, signature = signed(base_url, twilio, "/voice/turn?n=1", SpeechResult="hi")
        requests.post(base_url + "/voice/turn?n=1", data=form, timeout=30,
                      headers={"X-Twilio-Signature": signature})
    assert counts(app) == (1, [1])
