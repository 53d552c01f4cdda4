"""Waiting for a slow answer without holding a thread for long, and a bounded pool of
background turns: short wait requests with a filler between them inside an overall
deadline, a full pool that asks the caller again at once, and queued work for a call
that has ended dropped without running the coach."""

import xml.etree.ElementTree as ET

from fitness_voice.extensions import db
from fitness_voice.models import CallSession, Turn
from tests.calls.coaches import watch
from tests.conftest import TwilioActions


def document(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return ET.fromstring(response.get_data(as_text=True))


def said(doc):
    return " ".join(el.text or "" for el in doc.iter() if el.tag in ("Say", "Play"))


def stored_turns(app, call_sid):
    with app.app_context():
        return db.session.execute(db.select(Turn.index).join(CallSession).filter(
            CallSession.call_sid == call_sid).order_by(Turn.index)).scalars().all()


def callers(app, count):
    client = app.test_client()
    calls = [TwilioActions(client, "test-auth-token") for _ in range(count)]
    for call in calls:
        call.start()
    return calls


def test_each_wait_returns_soon_with_a_filler_until_the_deadline(make_app):
    app = make_app(WAIT_STEP_SECONDS=0.1, WAIT_FOR_REPLY_SECONDS=0.2)
    (twilio,) = callers(app, 1)
    first = document(twilio.post("/voice/turn/wait?n=5"))
    assert [el.tag for el in first] == ["Say", "Redirect"]
    assert said(first) == "Still thinking."
    assert first.find("Redirect").text == "/voice/turn/wait?n=5&w=1"
    last = document(twilio.post("/voice/turn/wait?n=5&w=1"))
    assert "too long" in said(last)
    assert last.find("Gather").get("action") == "/voice/turn?n=6"


def test_a_full_turn_pool_asks_the_caller_again_at_once(make_app):
    app = make_app(SLOW_REPLY_SECONDS=0.2, TURN_WORKERS=1, TURN_BACKLOG=0)
    coach = watch(app)
    coach.gate.clear()
    first, second = callers(app, 2)
    try:
        held = document(first.say(1, "how much protein do I need"))
        assert [el.tag for el in held] == ["Say", "Redirect"]
        busy = document(second.say(1, "how do I do a plank"))
    finally:
        coach.gate.set()
    assert "busy" in said(busy)
    assert busy.find("Gather").get("action") == "/voice/turn?n=1"  # the same turn, again
    assert "protein" in said(document(first.post("/voice/turn/wait?n=1"))).lower()
    assert coach.runs == ["how much protein do I need"]
    assert stored_turns(app, second.call_sid) == [0]


def test_queued_work_for_a_call_that_ended_is_dropped(make_app):
    app = make_app(SLOW_REPLY_SECONDS=0.2, TURN_WORKERS=1, TURN_BACKLOG=1)
    coach = watch(app)
    coach.gate.clear()
    first, second = callers(app, 2)
    try:
        document(first.say(1, "how much protein do I need"))   # running, held
        document(second.say(1, "how do I do a plank"))         # queued behind it
        second.post("/voice/status", CallStatus="completed", CallDuration="20")
    finally:
        coach.gate.set()
    assert "protein" in said(document(first.post("/voice/turn/wait?n=1"))).lower()
    # The retry joins the queued work (or finds it done): the call is over either way.
    retried = document(second.say(1, "how do I do a plank"))
    assert [el.tag for el in retried] == ["Hangup"]
    assert coach.runs == ["how much protein do I need"]
    assert stored_turns(app, second.call_sid) == [0]


def test_a_copy_in_another_process_is_held_and_then_given_the_claimers_answer(
        make_app, tmp_path):
    shared = f"sqlite:///{tmp_path / 'shared.db'}"
    claimer = make_app(SQLALCHEMY_DATABASE_URI=shared, SLOW_REPLY_SECONDS=0.2)
    other = make_app(reset=False, SQLALCHEMY_DATABASE_URI=shared, SLOW_REPLY_SECONDS=0.2)
    coaches = [watch(claimer), watch(other)]
    coaches[0].gate.clear()
    first = TwilioActions(claimer.test_client(), "test-auth-token")
    first.start()
    copy = TwilioActions(other.test_client(), "test-auth-token")
    copy.call_sid = first.call_sid
    try:
        assert document(first.say(1, "how much protein do I need")).find("Redirect") is not None
        held = document(copy.say(1, "how much protein do I need"))
        assert held.find("Redirect").text == "/voice/turn/wait?n=1"
    finally:
        coaches[0].gate.set()
    answers = [said(document(call.post("/voice/turn/wait?n=1"))) for call in (first, copy)]
    assert "protein" in answers[0].lower() and answers[0] == answers[1]
    assert [len(coach.runs) for coach in coaches] == [1, 0]
