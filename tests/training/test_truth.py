"""The workout log tells the truth, tested directly (no HTTP): what a skip after a
finished hold logs, what is counted across a resume, what "last time" says and
when, on whose clock, and the week's session length."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

from fitness_voice.contract import CallerInfo, TurnInput
from fitness_voice.extensions import db
from fitness_voice.models import Caller, CallSession, Workout
from fitness_voice.retrieval import load_exercises
from fitness_voice.training import log, week, zones
from fitness_voice.training import state as call_state
from fitness_voice.training.leading import WorkoutCoach
from fitness_voice.training.plan import Plan, Step
from fitness_voice.training.prompts import WorkoutLines

KB = Path(__file__).resolve().parents[2] / "kb"


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def coach(clock):
    return WorkoutCoach(load_exercises(KB), profile_facts=lambda text: {}, clock=clock)


def step(slug, title, block, reps=None, seconds=None, set_number=1, sets=1):
    return Step(slug=slug, title=title, block=block, set_number=set_number, sets=sets,
                reps=reps, seconds=seconds, per_side=False, rest_seconds=0,
                cues=["Cue one."], round=set_number)


PLAN = Plan(steps=[
    step("march-in-place", "March in place", "warmup", seconds=30),
    step("plank", "Plank", "main", seconds=30, sets=2),
    step("glute-bridge", "Glute bridge", "main", reps=12, sets=2),
    step("plank", "Plank", "main", seconds=30, set_number=2, sets=2),
    step("glute-bridge", "Glute bridge", "main", reps=12, set_number=2, sets=2),
    step("quad-stretch", "Quad stretch", "cooldown", seconds=30),
], minutes=6, focus="core", avoided=[], equipment=[])


def caller(**training):
    return CallerInfo("+15555550100", "Sam", {}, True, training)


def turn(state, speech, who=None):
    return TurnInput(speech=speech, confidence=0.9, caller=who or caller(), state=state)


def say(coach, state, line, who=None):
    return coach.handle(turn(state, line, who), line)


# -- a skip after a hold that ran out ---------------------------------------------------

@pytest.mark.parametrize("seconds_later, outcome, said", [
    (45, "done", "Okay, moving on."),       # the thirty-second hold had its time
    (30, "done", "Okay, moving on."),
    (10, "skipped", "Okay, skipping that one."),  # cut short: a real skip
])
def test_skip_after_a_timed_hold_logs_what_happened(coach, clock, seconds_later, outcome,
                                                    said):
    state = {}
    call_state.begin_workout(state, "k1", PLAN.to_dict(), 0)
    coach._announce(state)  # the warm-up hold is announced now
    assert call_state.workout(state)["phase"] == "timed"
    clock.now += seconds_later
    reply = say(coach, state, "skip")
    logged = reply.effects[0]
    assert (logged["type"], logged["step_index"], logged["outcome"]) == (
        "set_logged", 0, outcome)
    assert reply.segments[0] == said
    assert call_state.workout(state)["sets_done"] == (1 if outcome == "done" else 0)


def test_a_skipped_main_set_is_not_counted_at_the_end(coach):
    state = {}
    call_state.begin_workout(state, "k1", PLAN.to_dict(), 4)
    call_state.workout(state)["phase"] = "set"
    say(coach, state, "skip")  # the last glute bridge set
    reply = say(coach, state, "done")  # the stretch, and the end
    assert reply.kind == "workout-complete"
    assert reply.text.startswith("That's the whole session: three sets,")


# -- counting across a resume -----------------------------------------------------------

RESUMABLE = {"key": "k0", "plan": PLAN.to_dict(), "position": 3, "focus": "core",
             "minutes": 6, "sets_done": 3, "main_missed": 0}


@pytest.mark.parametrize("resumable, said", [
    (RESUMABLE, "Okay, we'll stop here. You did three sets, nice work. Anything else I can "
                "help with?"),
    ({**RESUMABLE, "position": 0, "sets_done": 0},
     "Okay, we'll stop here, before any sets. Anything else I can help with?"),
])
def test_a_resumed_workout_counts_the_sets_done_before(coach, resumable, said):
    who = caller(resumable=resumable)
    state = {}
    coach.offer_resume(who, state)
    coach.answer_resume_offer(turn(state, "yes", who), "yes")
    assert coach.handle(turn(state, "stop", who), "stop").text == said


def test_no_zero_sets_nice_work(coach):
    state = {}
    call_state.begin_workout(state, "k1", PLAN.to_dict(), 0)
    reply = say(coach, state, "stop")
    assert "zero" not in reply.text and "nice work" not in reply.text


# -- "last time", on the caller's clock --------------------------------------------------

LINES = WorkoutLines()


@pytest.mark.parametrize("last, said", [
    ({"days_ago": 0, "weekday": "Wednesday", "status": "stopped", "sets_done": 4,
      "exercises": ["Plank", "Glute bridge"]},
     "Last time, earlier today, you started a twenty-minute core session and did four sets, "
     "including plank and glute bridge. Next time, let's try to finish the whole session."),
    ({"days_ago": 1, "weekday": "Tuesday", "status": "completed", "sets_done": 1,
      "exercises": ["Plank"]},
     "Last time, yesterday, you did a twenty-minute core session: one set, including plank. "
     "Next time I'd suggest a different focus to balance your week."),
    ({"days_ago": 3, "weekday": "Sunday", "status": "completed", "sets_done": 6,
      "exercises": []},
     "Last time, on Sunday, you did a twenty-minute core session: six sets, including a few "
     "exercises. Next time I'd suggest a different focus to balance your week."),
    ({"days_ago": 12, "weekday": "Friday", "status": "completed", "sets_done": 6,
      "exercises": ["Plank"]},
     "Last time, twelve days ago, on a Friday, you did a twenty-minute core session: six "
     "sets, including plank. Next time I'd suggest a different focus to balance your week."),
    ({"days_ago": 0, "weekday": "Wednesday", "status": "stopped", "sets_done": 0,
      "exercises": []},
     "Last time, earlier today, you started a twenty-minute core session but stopped before "
     "finishing a set. Next time, let's try to finish the whole session."),
    ({"days_ago": 0, "weekday": "Wednesday", "status": "pain", "sets_done": 2,
      "exercises": ["Plank"]},
     "Last time, earlier today, you started a twenty-minute core session and did two sets, "
     "including plank. Next time, tell me how it feels first and we'll keep it gentle."),
])
def test_last_time_says_when_and_what_truly(last, said):
    last = {"minutes": 20, "focus": "core", "average_effort": None, **last}
    reply = week.last_time_reply(LINES, {"last_workout": last})
    assert reply.text == said
    assert "Wednesday" not in reply.text or last["days_ago"] > 0


@pytest.mark.parametrize("number, profile, zone", [
    ("+447700900123", {}, "Europe/London"),
    ("+353851234567", {}, "Europe/Dublin"),
    ("+4915112345678", {}, "Europe/Berlin"),
    ("+919812345678", {}, "Asia/Kolkata"),
    ("+447700900123", {"timezone": "America/Chicago"}, "America/Chicago"),
    ("+447700900123", {"timezone": "Not/AZone"}, "Europe/London"),
])
def test_the_callers_zone_comes_from_profile_then_country(number, profile, zone):
    assert str(zones.caller_zone(number, profile)) == zone


@pytest.mark.parametrize("number", ["+15555550100", "+61412345678", "07700900123", None])
def test_a_zone_the_number_does_not_settle_is_the_servers(number):
    assert zones.caller_zone(number, {}) == zones.server_zone()


# -- the log in a database ----------------------------------------------------------------

@pytest.fixture
def database(tmp_path):
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'log.db'}"
    db.init_app(app)
    with app.app_context():
        db.create_all()
        yield app


def _call(number="+447700900123", profile=None):
    caller = Caller(phone_number=number, profile=profile or {})
    db.session.add(caller)
    db.session.flush()
    session = CallSession(call_sid=f"CA{caller.id}{number[-4:]}", caller=caller, state={})
    db.session.add(session)
    db.session.flush()
    return caller, session


def _workout(caller, session, started, status="completed", position=3, key="w1"):
    workout = Workout(key=key, caller_id=caller.id, call_session_id=session.id,
                      focus="core", minutes_planned=20, plan=PLAN.to_dict(),
                      position=position, status=status, started_at=started,
                      updated_at=started)
    db.session.add(workout)
    db.session.flush()
    return workout


def _done(key, index, slug, block="main"):
    return {"type": "set_logged", "key": key, "step_index": index, "exercise": slug,
            "block": block, "set_number": 1, "reps": None, "seconds": 30, "effort": None,
            "outcome": "done"}


def test_last_time_reads_a_workout_stopped_earlier_in_this_call(database):
    caller, earlier = _call()
    _workout(caller, earlier, datetime(2026, 3, 2, 9), key="old")
    session = CallSession(call_sid="CAnow", caller=caller, state={})
    db.session.add(session)
    db.session.flush()
    now = datetime(2026, 3, 4, 18)  # a Wednesday, 6 pm in London
    _workout(caller, session, now - timedelta(minutes=10), status="in-progress",
             position=0, key="new")
    log.apply(session, [_done("new", 0, "march-in-place", "warmup"), _done("new", 1, "plank"),
                        {"type": "workout_ended", "key": "new", "status": "stopped"}])
    last = log.summary(caller.id, session.id, 120, now=now)["last_workout"]
    assert (last["status"], last["sets_done"], last["exercises"]) == ("stopped", 2, ["Plank"])
    assert (last["day"], last["weekday"], last["days_ago"]) == ("today", "Wednesday", 0)


def test_a_workout_still_running_in_this_call_is_not_last_time(database):
    caller, earlier = _call()
    _workout(caller, earlier, datetime(2026, 3, 2, 9), key="old")
    session = CallSession(call_sid="CAnow", caller=caller, state={})
    db.session.add(session)
    db.session.flush()
    _workout(caller, session, datetime(2026, 3, 4, 17), status="in-progress", key="new")
    last = log.summary(caller.id, session.id, 120, now=datetime(2026, 3, 4, 18))["last_workout"]
    assert (last["weekday"], last["days_ago"]) == ("Monday", 2)


@pytest.mark.parametrize("number, started, now, day", [
    # 11 pm in London on Tuesday is still Tuesday; the next evening it was yesterday
    ("+447700900123", datetime(2026, 3, 3, 23), datetime(2026, 3, 4, 20), "yesterday"),
    # 11 pm UTC Tuesday is 8 am Wednesday in Tokyo: the same day as 6 pm Wednesday there
    ("+81312345678", datetime(2026, 3, 3, 23), datetime(2026, 3, 4, 9), "today"),
    ("+447700900123", datetime(2026, 2, 24, 9), datetime(2026, 3, 4, 9), "last Tuesday"),
    ("+447700900123", datetime(2026, 3, 1, 9), datetime(2026, 3, 4, 9), "Sunday"),
])
def test_the_day_is_the_callers(database, number, started, now, day):
    caller, session = _call(number)
    _workout(caller, session, started)
    summary = log.summary(caller.id, None, 120, now=now)
    assert summary["last_workout"]["day"] == day
    assert summary["today"] == now.replace(tzinfo=ZoneInfo("UTC")).astimezone(
        zones.caller_zone(number)).strftime("%A")


def test_a_resumable_workout_carries_its_counts(database):
    caller, session = _call()
    _workout(caller, session, datetime(2026, 3, 4, 9), status="dropped", key="w")
    log.apply(session, [_done("w", 0, "march-in-place", "warmup"), _done("w", 1, "plank"),
                        {**_done("w", 2, "glute-bridge"), "outcome": "skipped"}])
    resumable = log.summary(caller.id, None, 10 ** 6, now=datetime(2026, 3, 4, 9, 30))[
        "resumable"]
    assert (resumable["sets_done"], resumable["main_missed"]) == (2, 1)


def test_the_log_keeps_the_plan_as_changed_and_never_names_a_slug(database):
    caller, session = _call()
    workout = _workout(caller, session, datetime(2026, 3, 4, 9), status="in-progress",
                       key="w")
    changed = PLAN.to_dict()
    changed["steps"][2].update(slug="hip-hinge", title="Hip hinge")
    log.apply(session, [{"type": "workout_replanned", "key": "w", "plan": changed},
                        _done("w", 2, "hip-hinge"), _done("w", 1, "box-squat"),
                        {"type": "workout_ended", "key": "w", "status": "completed"}])
    assert workout.plan["steps"][2]["title"] == "Hip hinge"
    last = log.summary(caller.id, None, 120, now=datetime(2026, 3, 4, 10))["last_workout"]
    assert last["exercises"] == ["Hip hinge", "Box squat"]


# -- the week keeps the session length -------------------------------------------------------

@pytest.mark.parametrize("line, profile, facts, minutes, days, remembered", [
    ("plan my week, three days, forty five minutes each", {}, {}, 45, 3,
     {"days_per_week": 3, "minutes_per_session": 45}),
    ("make me a plan for the week", {"minutes_per_session": 30, "days_per_week": 2}, {}, 30,
     2, {}),
    ("make me a plan for the week", {"minutes_per_session": "about 40 minutes"}, {}, 40, 3,
     {}),
    ("weekly plan please, half an hour a day, four days a week", {}, {}, 30, 4,
     {"days_per_week": 4, "minutes_per_session": 30}),
    # what the dialogue's memory read is used when the line itself says nothing plainer
    ("plan my week", {}, {"days_per_week": 5, "minutes_per_session": 25}, 25, 5,
     {"days_per_week": 5, "minutes_per_session": 25}),
    ("plan my week, 45 minute sessions", {"minutes_per_session": 20}, {}, 45, 3,
     {"minutes_per_session": 45}),
])
def test_the_week_keeps_the_session_length_chosen(line, profile, facts, minutes, days,
                                                  remembered):
    reply = week.plan_reply(LINES, profile, facts, line)
    [saved] = reply.effects
    assert {day["minutes"] for day in saved["days"]} == {minutes}
    assert len(saved["days"]) == days
    assert reply.profile_updates == remembered
