"""One coach run per turn: concurrent copies of a turn request, spread over two app
instances (two processes' worth of engines and services) on one database, run the
coach once; the others wait for its answer. On SQLite and a real Postgres."""

import threading

import pytest
import requests

from fitness_voice.extensions import db
from fitness_voice.models import Turn
from fitness_voice.simulator import serve_in_process
from tests.calls.coaches import watch
from tests.calls.copies import post_at_once
from tests.conftest import TwilioActions
from tests.postgres import fresh_database

COPIES = 8


def arrivals(apps, path, expected):
    """An Event set once `expected` requests for `path` have reached the apps."""
    arrived, seen, lock = threading.Event(), [0], threading.Lock()

    def counting(inner):
        def app(environ, start_response):
            if environ.get("PATH_INFO") == path:
                with lock:
                    seen[0] += 1
                    if seen[0] >= expected:
                        arrived.set()
            return inner(environ, start_response)
        return app
    for app in apps:
        app.wsgi_app = counting(app.wsgi_app)
    return arrived


@pytest.fixture(params=["sqlite", "postgres"])
def two_apps(request, make_app, tmp_path):
    drop = None
    if request.param == "postgres":
        url, drop = fresh_database()
    else:
        url = f"sqlite:///{tmp_path / 'shared.db'}"
    apps = [make_app(SQLALCHEMY_DATABASE_URI=url), make_app(reset=False,
                                                             SQLALCHEMY_DATABASE_URI=url)]
    served = [serve_in_process(app) for app in apps]
    yield apps, [base_url.rstrip("/") for base_url, _ in served]
    for app, (_, server) in zip(apps, served, strict=True):
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
    if drop:
        drop()


def test_concurrent_copies_of_a_turn_run_the_coach_once(two_apps):
    apps, urls = two_apps
    twilio = TwilioActions(None, "test-auth-token")
    form = twilio.params()
    requests.post(urls[0] + "/voice", data=form, timeout=60, headers={
        "X-Twilio-Signature": twilio.validator.compute_signature(urls[0] + "/voice", form)})
    # Every copy reaches the apps before the first run of the coach may finish,
    # so a copy that ran its own coach would be counted.
    arrived = arrivals(apps, "/voice/turn", COPIES)
    coaches = [watch(app) for app in apps]
    for coach in coaches:
        coach.gate = arrived

    path = "/voice/turn?n=1"
    form = twilio.params(SpeechResult="how much protein do I need", Confidence="0.9")
    answers = post_at_once(urls, path, form, lambda base_url: twilio.validator.compute_signature(
        base_url + path, form), COPIES)

    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.text for answer in answers}) == 1
    assert "protein" in answers[0].text.lower()
    assert sum(len(coach.runs) for coach in coaches) == 1
    with apps[0].app_context():
        assert db.session.execute(db.select(Turn.index).order_by(Turn.index)).scalars().all() \
            == [0, 1]


def test_a_turn_overtaken_by_the_next_one_is_not_stored(make_app):
    """The caller was asked again (the answer took too long) and spoke again: the
    late answer to the earlier turn is never heard, so it is not stored either, and
    cannot overwrite the call's newer state."""
    app = make_app()
    coach = watch(app, hold_only="tell me about sleep")
    coach.gate.clear()
    twilio = TwilioActions(app.test_client(), "test-auth-token")
    twilio.start()
    late = TwilioActions(app.test_client(), "test-auth-token")
    late.call_sid = twilio.call_sid
    slow = threading.Thread(target=late.say, args=(1, "tell me about sleep"))
    slow.start()
    for _ in range(3000):  # until the slow turn has claimed turn 1 and is in the coach
        if coach.runs:
            break
        threading.Event().wait(0.01)
    twilio.say(2, "skip")
    coach.gate.set()
    slow.join()
    with app.app_context():
        assert db.session.execute(db.select(Turn.index).order_by(Turn.index)).scalars().all() \
            == [0, 2]
