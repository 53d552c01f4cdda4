"""Check-in calls nobody talks to: a voicemail after the beep (or none, for a
caller who opted out of them), no answer and busy, each retried once and no
more; quiet hours and the daily cap hold a call back."""

from datetime import timedelta

from fitness_voice.extensions import db
from fitness_voice.models import Checkin, TextMessage
from fitness_voice.simulator import Callee

NUMBER = "+447700900200"


def checkins(app):
    with app.app_context():
        rows = db.session.execute(db.select(Checkin).order_by(Checkin.id)).scalars().all()
        return [(row.attempt, row.status, row.outcome) for row in rows]


def test_a_machine_gets_a_voicemail_after_the_beep_and_no_retry(outreach):
    slot = outreach.schedule_by_voice(NUMBER)
    outreach.peer.callees[NUMBER] = Callee("voicemail")
    assert len(outreach.run_scheduler(slot + timedelta(minutes=2)).placed) == 1
    outreach.peer.wait()

    [call] = outreach.peer.calls
    [update] = outreach.peer.updates[call["sid"]]
    assert "<Say" in update and "Hi Sam, it's your fitness coach" in update
    assert update.rstrip().endswith("<Hangup /></Response>")
    assert "Hi Sam, it's your fitness coach" in " ".join(outreach.peer.results[call["sid"]].said)
    assert checkins(outreach.app) == [(1, "voicemail", "voicemail-left")]
    later = outreach.run_scheduler(slot + timedelta(hours=2))
    assert later.placed == [] and len(outreach.peer.calls) == 1
    with outreach.app.app_context():  # no one talked: no summary of the check-in
        assert db.session.execute(db.select(TextMessage).filter_by(
            call_sid=call["sid"])).first() is None


def test_no_voicemail_for_a_caller_who_opted_out_and_the_call_is_retried(outreach):
    slot = outreach.schedule_by_voice(NUMBER, extra=["please don't leave me voicemails"])
    outreach.peer.callees[NUMBER] = Callee("voicemail")
    outreach.run_scheduler(slot + timedelta(minutes=2))
    outreach.peer.wait()
    [update] = outreach.peer.updates[outreach.peer.calls[0]["sid"]]
    assert "<Say" not in update and "<Hangup />" in update
    assert checkins(outreach.app) == [(1, "completed", "machine-no-voicemail"), (2, "due", None)]


def test_no_answer_then_busy_is_tried_twice_in_all(outreach):
    slot = outreach.schedule_by_voice(NUMBER)
    outreach.peer.callees[NUMBER] = Callee("no-answer")
    outreach.run_scheduler(slot + timedelta(minutes=1))
    outreach.peer.wait()
    assert checkins(outreach.app) == [(1, "no-answer", None), (2, "due", None)]

    too_soon = outreach.run_scheduler(slot + timedelta(minutes=20))
    assert too_soon.placed == []
    outreach.peer.callees[NUMBER] = Callee("busy")
    retry = outreach.run_scheduler(slot + timedelta(minutes=40))
    outreach.peer.wait()
    assert len(retry.placed) == 1
    assert checkins(outreach.app) == [(1, "no-answer", None), (2, "busy", None)]
    assert outreach.run_scheduler(slot + timedelta(minutes=59)).placed == []
    assert len(outreach.peer.calls) == 2


def test_quiet_hours_and_the_daily_cap_hold_calls_back(outreach):
    slot = outreach.schedule_by_voice(NUMBER)
    outreach.app.config["CHECKIN_QUIET_HOURS"] = "00:00-23:59"  # quiet all day
    held = outreach.run_scheduler(slot + timedelta(minutes=1))
    assert held.placed == [] and list(held.held.values()) == ["quiet-hours"]

    outreach.app.config["CHECKIN_QUIET_HOURS"] = ""
    outreach.app.config["CHECKIN_DAILY_CAP"] = 0
    with outreach.app.app_context():
        checkin = db.session.execute(db.select(Checkin)).scalar_one()
        checkin.status = "due"  # as if it were still to call
        db.session.commit()
    capped = outreach.run_scheduler(slot + timedelta(minutes=2))
    assert capped.placed == [] and list(capped.held.values()) == ["capped"]
    assert outreach.peer.calls == []


def test_a_call_the_api_refuses_is_recorded_and_retried_once(outreach):
    slot = outreach.schedule_by_voice(NUMBER)
    outreach.app.config["TWILIO_FROM_NUMBER"] = "5555550199"  # not E.164
    report = outreach.run_scheduler(slot + timedelta(minutes=1))
    assert report.placed == [] and outreach.peer.calls == []
    assert [code for _, code, _ in outreach.peer.rejected] == [21212]
    assert checkins(outreach.app) == [(1, "failed", None), (2, "due", None)]
    with outreach.app.app_context():
        assert "21212" in db.session.execute(db.select(Checkin.error)).scalars().first()


def test_the_command_needs_its_settings(outreach):
    runner = outreach.app.test_cli_runner()
    assert runner.invoke(args=["checkins", "run"]).output == "0 due, 0 placed\n"
    outreach.app.config["PUBLIC_URL"] = None
    refused = runner.invoke(args=["checkins", "run"])
    assert refused.exit_code != 0 and "PUBLIC_URL" in refused.output
