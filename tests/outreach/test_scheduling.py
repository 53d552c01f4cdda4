"""Asking for check-in calls by voice: what the coach asks back (days, time,
morning or evening, time zone), quiet hours, the yes that is the consent, a
different time, and stopping."""

import xml.etree.ElementTree as ET

import pytest

from fitness_voice.extensions import db
from fitness_voice.models import CheckinSchedule
from tests.conftest import TwilioActions


@pytest.fixture
def app(make_app):
    return make_app(CHECKIN_QUIET_HOURS="21:00-07:00")


def conversation(app, number, lines):
    twilio = TwilioActions(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])
    twilio.from_number = number
    twilio.start()
    replies = []
    for n, line in enumerate(lines, start=1):
        document = ET.fromstring(twilio.say(n, line).get_data(as_text=True))
        replies.append(" ".join(element.text or "" for element in document.iter("Say")))
    return replies


def stored(app):
    with app.app_context():
        row = db.session.execute(db.select(CheckinSchedule)).scalar_one_or_none()
        return row and (row.days, row.local_time, row.timezone, row.active, row.consent_words)


def test_a_us_number_is_asked_its_zone_and_the_time_of_day(app):
    replies = conversation(app, "+15555550123", [
        "skip", "call me on weekdays at seven", "in the evening", "Pacific", "yes"])
    assert replies[1] == "Is that seven in the morning or in the evening?"
    assert replies[2].startswith("Which time zone are you in?")
    assert replies[3] == ("So that's on weekdays at seven in the evening, Los Angeles time. "
                          "Is it okay for me to call you then? Say yes to agree.")
    assert replies[4].startswith("Done. I'll call you on weekdays at seven in the evening.")
    days, at, zone, active, words = stored(app)
    assert (days, at, zone, active) == (
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"], "19:00",
        "America/Los_Angeles", True)
    assert words == "call me on weekdays at seven / in the evening / Pacific / yes"


def test_quiet_hours_are_refused_and_no_is_respected(app):
    replies = conversation(app, "+447700900300", [
        "skip", "call me on Mondays at 6 in the morning", "8 in the morning", "no"])
    assert replies[1] == ("I don't call between nine in the evening and seven in the morning. "
                          "Could you pick a time outside those hours?")
    assert "eight in the morning, London time" in replies[2]
    assert replies[3] == "Okay, I won't set up any calls."
    assert stored(app) is None


def test_before_my_workouts_uses_the_weekly_plan_and_a_different_time_changes_it(app):
    number = "+447700900301"
    conversation(app, number, ["skip", "make me a plan for the week, three days",
                               "remind me before my workouts at 8 in the morning", "yes", "no"])
    days, at, _, _, _ = stored(app)
    assert (days, at) == (["Monday", "Wednesday", "Friday"], "08:00")
    replies = conversation(app, number, ["call me at a different time", "half past five "
                                         "in the evening", "yes"])
    assert replies[0] == "What time should I call you on Mondays, Wednesdays and Fridays?"
    assert replies[2].startswith("Done. I'll call you on Mondays, Wednesdays and Fridays at five "
                                 "thirty in the evening.")
    assert "text" not in replies[2]  # asked once, at the first schedule
    days, at, _, active, _ = stored(app)
    assert (days, at, active) == (["Monday", "Wednesday", "Friday"], "17:30", True)
    assert conversation(app, number, ["stop calling me"])[0].startswith(
        "Okay, I've stopped your check-in calls.")
    assert stored(app)[3] is False
    assert conversation(app, number, ["stop calling me"])[0].startswith(
        "You don't have any check-in calls set up")


def test_forget_me_forgets_the_schedule_and_its_consent(app):
    number = "+447700900302"
    conversation(app, number, ["skip", "call me on Fridays at 9 in the morning", "yes", "yes"])
    assert stored(app)[3] is True
    conversation(app, number, ["forget me", "yes"])
    assert stored(app) is None
