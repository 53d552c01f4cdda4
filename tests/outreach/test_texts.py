"""Texts: "later" and "skip" on a check-in call, and the summary after it; STOP by
text ends texts and calls at once and is confirmed; HELP and START; a failed
delivery is recorded; a call with a safety event texts no advice."""

from datetime import timedelta

from fitness_voice.extensions import db
from fitness_voice.models import Caller, CallSession, Checkin, CheckinSchedule, TextMessage
from fitness_voice.outreach import sms
from fitness_voice.simulator import Callee

NUMBER = "+447700900400"


def rows(app, model, *columns):
    with app.app_context():
        found = db.session.execute(db.select(model).order_by(model.id)).scalars().all()
        return [tuple(getattr(row, column) for column in columns) for row in found]


def test_later_books_another_call_and_the_summary_says_what_was_skipped(outreach):
    slot = outreach.schedule_by_voice(NUMBER)
    outreach.peer.callees[NUMBER] = Callee("person", lines=["later", "tomorrow at six in the "
                                                            "evening", "bye"])
    outreach.run_scheduler(slot + timedelta(minutes=1))
    outreach.peer.wait()
    heard = " ".join(outreach.peer.results[outreach.peer.calls[0]["sid"]].said)
    assert "Okay, I'll call you tomorrow at six in the evening to get it done." in heard
    [first, moved] = rows(outreach.app, Checkin, "outcome", "status", "due_at")
    assert first[:2] == ("later", "completed") and moved[:2] == (None, "due")
    assert moved[2] > slot

    # Only the booked call is due then, whatever hour the daily one falls at.
    outreach.app.config["CHECKIN_GRACE_MINUTES"] = 0
    outreach.peer.callees[NUMBER] = Callee("person", lines=["skip today", "I'm working late",
                                                            "bye"])
    outreach.run_scheduler(moved[2] + timedelta(minutes=1))
    outreach.peer.wait()
    assert rows(outreach.app, Checkin, "outcome", "note")[1] == ("skipped", "I'm working late")
    # The call that scheduled them is texted too; then one text per check-in.
    bodies = [message["Body"] for message in outreach.peer.messages]
    assert len(bodies) == 3 and "Today's session was skipped." in bodies[2]
    assert all("Reply STOP" in body for body in bodies)


def test_stop_by_text_ends_texts_and_calls_at_once(outreach):
    slot = outreach.schedule_by_voice(NUMBER)
    sms_url = outreach.base_url + "/outreach/sms"
    helped = outreach.peer.text_from(NUMBER, "HELP", sms_url)
    assert "Reply STOP to stop texts and calls" in helped.text
    stopped = outreach.peer.text_from(NUMBER, " Stop ", sms_url)
    assert "You're unsubscribed: no more texts or check-in calls" in stopped.text
    assert rows(outreach.app, CheckinSchedule, "active", "texts", "stop_words") == [
        (False, False, "text: Stop")]
    assert outreach.run_scheduler(slot + timedelta(minutes=1)).placed == []
    started = outreach.peer.text_from(NUMBER, "start", sms_url)
    assert "You'll get summary texts again" in started.text
    assert rows(outreach.app, CheckinSchedule, "active", "texts") == [(False, True)]


def test_a_failed_delivery_is_recorded(outreach):
    slot = outreach.schedule_by_voice(NUMBER)
    outreach.peer.undeliverable.add(NUMBER)
    outreach.peer.callees[NUMBER] = Callee("person", lines=["skip", "just busy", "bye"])
    outreach.run_scheduler(slot + timedelta(minutes=1))
    outreach.peer.wait()
    # The text after the scheduling call went before the number stopped taking texts.
    assert rows(outreach.app, TextMessage, "status", "error_code") == [
        ("delivered", None), ("undelivered", "30003")]


def test_no_advice_is_texted_from_a_call_with_a_safety_event(outreach):
    outreach.call_in(NUMBER, ["Sam", "skip", "how do I do a plank", "bye"])
    outreach.call_in(NUMBER, ["how do I do a plank", "I feel dizzy and my chest hurts", "bye"])
    with outreach.app.app_context():
        caller = db.session.execute(db.select(Caller)).scalar_one()
        first, second = db.session.execute(
            db.select(CallSession.call_sid).order_by(CallSession.id)).scalars().all()
        plain, after_red_flag = sms.summary(caller, first), sms.summary(caller, second)
    assert "Remember: To do a plank" in plain
    assert "Remember" not in after_red_flag and "chest" not in after_red_flag.lower()
