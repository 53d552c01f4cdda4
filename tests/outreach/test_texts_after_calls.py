"""The summary text after a call the caller made: asked once, at the end of a
workout or with a new weekly plan; sent once when the call ends, however often
Twilio reports it; none for a caller who said no; no advice after a red flag."""

from fitness_voice.extensions import db
from fitness_voice.models import CallSession, CheckinSchedule, TextMessage
from fitness_voice.simulator import Phone, ScriptedCaller
from tests.outreach.conftest import quiet

NUMBER = "+447700900500"
ASK = "Would you like a short text after each call with a summary?"
PLAN = "make me a plan for the week"


def heard(result):
    return " ".join(result.said)


def call_sids(app):
    with app.app_context():
        return db.session.execute(
            db.select(CallSession.call_sid).order_by(CallSession.id)).scalars().all()


def bodies(outreach):
    outreach.peer.wait()
    return [message["Body"] for message in outreach.peer.messages]


def test_a_yes_texts_one_summary_after_each_call_even_when_twilio_retries(outreach):
    first = outreach.call_in(NUMBER, ["Sam", "skip", PLAN, "yes", "bye"])
    assert heard(first).count(ASK) == 1
    with outreach.app.app_context():
        schedule = db.session.execute(db.select(CheckinSchedule)).scalar_one()
        assert (schedule.texts, schedule.active, schedule.days) == (True, False, [])
    [sent] = bodies(outreach)
    assert "thanks for the call, Sam" in sent and "Next: " in sent and "Reply STOP" in sent
    assert outreach.peer.messages[0]["To"] == NUMBER

    # Twilio reports the end of the call again: still the one text.
    phone = Phone(outreach.base_url, "test-auth-token", ScriptedCaller([]),
                  from_number=NUMBER, out=quiet)
    phone.begin(first.call_sid)
    phone.status_callback("completed")
    assert len(bodies(outreach)) == 1

    # Asked once: the next call with a plan does not ask again, and is texted.
    second = outreach.call_in(NUMBER, [PLAN, "bye"])
    assert ASK not in heard(second)
    assert len(bodies(outreach)) == 2
    with outreach.app.app_context():
        texted = db.session.execute(db.select(TextMessage.call_sid)).scalars().all()
    assert sorted(texted) == sorted(call_sids(outreach.app))


def test_a_no_sends_no_text_and_is_not_asked_again(outreach):
    first = outreach.call_in(NUMBER, ["Sam", "skip", PLAN, "no", "bye"])
    assert ASK in heard(first)
    second = outreach.call_in(NUMBER, [PLAN, "bye"])
    assert ASK not in heard(second)
    assert bodies(outreach) == []
    with outreach.app.app_context():
        assert db.session.execute(db.select(CheckinSchedule.texts)).scalar_one() is False


def test_a_call_with_a_red_flag_texts_no_medical_details(outreach):
    outreach.call_in(NUMBER, ["Sam", "skip", PLAN, "yes", "bye"])
    outreach.call_in(NUMBER, ["how do I do a plank", "I feel dizzy and my chest hurts", "bye"])
    plain, after_red_flag = bodies(outreach)
    assert "Sam" in after_red_flag and "Reply STOP" in after_red_flag
    for word in ("chest", "dizzy", "emergency", "remember", "plank"):
        assert word not in after_red_flag.lower()
