"""A whole check-in, from a clean database: the caller asks for check-in calls by
voice; two schedulers run at once and place one call through the loopback REST
API; the simulated callee answers and starts the planned workout; the text
summary goes out after the call; "stop calling me" ends the schedule."""

import threading
from datetime import timedelta

from fitness_voice.extensions import db
from fitness_voice.models import Caller, Checkin, CheckinSchedule, TextMessage, WeeklyPlan, Workout
from fitness_voice.simulator import Callee
from fitness_voice.training.planner import DAY_NAMES
from tests.outreach.conftest import next_hour_in_london

UK_NUMBER = "+447700900123"  # a one-zone country: the zone is inferred, then confirmed


def plan_every_day(app, number):
    """The caller's weekly plan, every day, so today has a session whatever day it is."""
    with app.app_context():
        caller = db.session.execute(db.select(Caller).filter_by(phone_number=number)).scalar_one()
        db.session.add(WeeklyPlan(caller_id=caller.id, days=[
            {"day": day, "focus": "full body", "minutes": 20} for day in DAY_NAMES]))
        db.session.commit()


def test_a_check_in_from_scheduling_to_stop(outreach):
    said_time, slot = next_hour_in_london()
    scheduling = outreach.call_in(UK_NUMBER, [
        "Sam", "skip",
        f"call me every day at {said_time}",
        "yes please",  # the consent
        "yes",  # a text after each call
        "bye"])
    spoken = " ".join(scheduling.said)
    assert "London time" in spoken and "Is it okay for me to call you then" in spoken
    assert "text after each call" in spoken
    plan_every_day(outreach.app, UK_NUMBER)
    with outreach.app.app_context():
        schedule = db.session.execute(db.select(CheckinSchedule)).scalar_one()
        assert schedule.active and schedule.timezone == "Europe/London"
        assert schedule.days == list(DAY_NAMES) and schedule.texts is True
        assert schedule.consent_words.endswith("yes please")
        assert f"call me every day at {said_time}" in schedule.consent_words

    outreach.peer.callees[UK_NUMBER] = Callee("person", lines=[
        "let's do it now",
        "",  # the warm-up's timed hold runs out
        "[1]",  # done, from the keypad
        "stop calling me",
        "bye"])
    due = slot + timedelta(minutes=1)
    reports, barrier = [], threading.Barrier(2)

    def scheduler():
        barrier.wait()
        reports.append(outreach.run_scheduler(due))

    runners = [threading.Thread(target=scheduler) for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join()
    outreach.peer.wait()

    assert sorted(len(report.placed) for report in reports) == [0, 1]
    assert len(outreach.peer.calls) == 1
    placed = outreach.peer.calls[0]
    assert placed["To"] == UK_NUMBER and placed["MachineDetection"] == "DetectMessageEnd"
    assert placed["AsyncAmd"] == "true"
    checkin_call = outreach.peer.results[placed["sid"]]
    heard = " ".join(checkin_call.said)
    assert heard.startswith("Hi Sam, it's your coach. You planned a twenty-minute full body "
                            "session today")
    assert "one for done, two to repeat" in heard
    assert "I've stopped your check-in calls" in heard

    with outreach.app.app_context():
        checkin = db.session.execute(db.select(Checkin)).scalar_one()
        assert (checkin.status, checkin.outcome, checkin.answered_by) == (
            "completed", "now", "human")
        workout = db.session.execute(db.select(Workout)).scalar_one()
        assert workout.focus == "full body" and workout.position >= 2
        # One text after the call that scheduled it (texts were a yes), one after the check-in.
        texted = db.session.execute(db.select(TextMessage).order_by(TextMessage.id)).scalars()
        [scheduling, text] = texted.all()
        assert text.status == "delivered" and text.call_sid == placed["sid"]
        assert scheduling.call_sid != placed["sid"]
        assert not db.session.get(CheckinSchedule, schedule.id).active
    [_, message] = outreach.peer.messages
    assert message["To"] == UK_NUMBER and "Today: 20 min full body" in message["Body"]
    assert "Reply STOP" in message["Body"]

    # Stopped: the next day's moment places nothing.
    tomorrow = outreach.run_scheduler(due + timedelta(days=1))
    assert tomorrow.placed == [] and len(outreach.peer.calls) == 1
