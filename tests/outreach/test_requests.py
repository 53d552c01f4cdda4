"""Reading check-in requests and placing their moments on the caller's clock."""

from datetime import datetime, time

import pytest

from fitness_voice.outreach import requests, schedule


@pytest.mark.parametrize("said, expected", [
    ("call me Monday and Thursday at seven in the morning", (7, 0, True)),
    ("ring me at 6:30 pm", (18, 30, True)),
    ("half past six in the evening", (18, 30, True)),
    ("quarter to eight in the morning", (7, 45, True)),
    ("at seven thirty", (7, 30, False)),
    ("at 18:00", (18, 0, True)),
    ("around noon", (12, 0, True)),
    ("a twenty minute session", None),
])
def test_times(said, expected):
    clock = requests.time_in(said)
    assert (None if clock is None else (clock.hour, clock.minute, clock.period_known)) == expected


def test_days_and_requests():
    assert requests.days_in("Monday and Thursday") == ["Monday", "Thursday"]
    assert requests.days_in("on weekdays") == ["Monday", "Tuesday", "Wednesday", "Thursday",
                                                "Friday"]
    assert requests.is_schedule_request("call me Monday and Thursday at seven in the morning")
    assert requests.is_schedule_request("remind me before my workouts")
    assert requests.is_schedule_request("can you call me at a different time")
    assert not requests.is_schedule_request("call me Sam")
    assert requests.zone_in("I'm on Pacific time") == "America/Los_Angeles"
    assert requests.keypad_words("1") == "done" and requests.keypad_words("7") is None


def test_moments_follow_the_callers_clock_across_daylight_saving():
    days = ["Monday", "Thursday"]
    # Monday 2026-03-30, 06:30 UTC: seven in London (BST) was 06:00 UTC.
    assert schedule.latest_slot(days, "07:00", "Europe/London",
                                datetime(2026, 3, 30, 6, 30)) == datetime(2026, 3, 30, 6, 0)
    # The Thursday before the change (GMT): seven in London is 07:00 UTC.
    assert schedule.latest_slot(days, "07:00", "Europe/London",
                                datetime(2026, 3, 27, 0, 0)) == datetime(2026, 3, 26, 7, 0)
    assert schedule.next_slot(days, "07:00", "Europe/London",
                              datetime(2026, 3, 30, 6, 30)) == datetime(2026, 4, 2, 6, 0)


def test_quiet_hours_span_midnight():
    quiet = schedule.quiet_hours("21:00-07:00")
    assert schedule.is_quiet(time(22, 0), quiet) and schedule.is_quiet(time(6, 59), quiet)
    assert not schedule.is_quiet(time(7, 0), quiet) and not schedule.is_quiet(time(20, 59), quiet)
    assert schedule.spoken_days(["Thursday", "Monday"]) == "on Mondays and Thursdays"
    assert schedule.spoken_time(time(18, 30)) == "six thirty in the evening"
