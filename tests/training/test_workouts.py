"""Guided workouts through the call simulator on the embedded defaults: a whole
session with every command, a dropped call resumed, an injury, a red flag."""

import xml.etree.ElementTree as ET

import pytest

from fitness_voice.extensions import db
from fitness_voice.models import CallSession, WeeklyPlan, Workout, WorkoutSet
from fitness_voice.simulator import Phone, serve_in_process
from fitness_voice.training.planner import Plan

START = "let's work out, twenty minutes, no equipment"


class Coachee:
    """A caller who follows the coach: rates sets, says done, and slips in the
    commands it is given at chosen moments."""

    def __init__(self, opening, commands=(), effort="6", hang_up_after=None):
        self.lines = list(opening)
        self.commands = dict(commands)  # turn number -> what to say then
        self.effort = effort
        self.hang_up_after = hang_up_after
        self.phone = None
        self.turn = 0

    def next_line(self):
        self.turn += 1
        if self.hang_up_after is not None and self.turn > self.hang_up_after:
            return None
        if self.lines:
            return self.lines.pop(0)
        if self.turn in self.commands:
            return self.commands[self.turn]
        last = (self.phone.result.said or [""])[-1].lower()
        if "how hard" in last:
            return self.effort
        if "anything else" in last or "great work" in last or "goodbye" in last:
            return "bye"
        return "done"


@pytest.fixture
def served(app):
    base_url, server = serve_in_process(app)
    yield base_url
    server.shutdown()


def call(base_url, caller, number="+15555550100"):
    phone = Phone(base_url, "test-auth-token", caller, from_number=number, out=lambda *_: None)
    caller.phone = phone
    return phone.call()


def workouts(app):
    with app.app_context():
        found = db.session.execute(db.select(Workout).order_by(Workout.id)).scalars().all()
        for workout in found:
            workout.logged = list(workout.sets)
        return found


def documents(result):
    return [ET.fromstring(turn.twiml) for turn in result.turns
            if not turn.url.endswith("/voice/status")]


def test_complete_session_with_every_command(app, served):
    # Turn 13 announces the first main set (squats); 2-12 walk through the warm-up.
    commands = {3: "how many left", 4: "next", 6: "how do I do this", 7: "repeat",
                8: "pause", 9: "ready", 14: "easier", 15: "harder", 16: "skip"}
    caller = Coachee(["skip", START], commands)
    result = call(served, caller)
    assert result.ended_by == "hangup"
    [workout] = workouts(app)
    plan = Plan.from_dict(workout.plan)
    assert workout.status == "completed"
    assert 17 <= plan.minutes <= 23 and plan.equipment == []
    logged = workout.logged
    assert [s.step_index for s in logged] == list(range(len(plan.steps)))
    assert [s.outcome for s in logged].count("skipped") == 1
    main_done = [s for s in logged if s.block == "main" and s.outcome == "done"]
    assert main_done and all(s.effort == 6 for s in main_done)
    said = " ".join(result.said).lower()
    for expected in ("to go", "watch out", "easier", "step it up", "take a break",
                     "skipping", "whole session"):
        assert expected in said, expected
    pauses = [p for doc in documents(result) for p in doc.iter("Pause")]
    assert pauses, "timed holds and rests are <Pause>s"
    assert all(doc.find("Gather") is not None or doc.find("Hangup") is not None
               for doc in documents(result))


def test_stop_ends_the_workout_and_logs_what_was_done(app, served):
    caller = Coachee(["skip", START], {5: "stop the workout", 6: "bye"})
    call(served, caller)
    [workout] = workouts(app)
    assert workout.status == "stopped"
    assert len(workout.logged) == 2  # turns 3 and 4 finished two warm-up steps


def test_dropped_call_is_resumed_where_it_stopped(app, served):
    call(served, Coachee(["skip", START], hang_up_after=5))
    [dropped] = workouts(app)
    assert dropped.status == "dropped" and dropped.position == 3
    resumed_at = Plan.from_dict(dropped.plan).steps[3].title

    caller = Coachee(["yes"], {3: "stop", 4: "bye"})
    result = call(served, caller)
    assert "pick up where you left off" in result.said[0]
    assert resumed_at.lower() in " ".join(result.said[1:3]).lower()
    [workout] = workouts(app)
    assert workout.status == "stopped" and workout.position == 4
    with app.app_context():
        second = db.session.execute(
            db.select(CallSession).order_by(CallSession.id.desc())).scalars().first()
        assert workout.call_session_id == second.id


def test_resume_offer_can_be_declined(app, served):
    call(served, Coachee(["skip", START], hang_up_after=3))
    result = call(served, Coachee(["no thanks", "bye"]))
    assert "leave that one" in result.said[1]
    assert workouts(app)[0].status == "abandoned"


def test_an_injury_changes_the_exercises(app, served):
    call(served, Coachee(["skip", START, "stop", "bye"]))
    call(served, Coachee([START + ", my knee hurts a bit", "stop", "bye"]), number="+15555550111")
    plain, knee = (Plan.from_dict(w.plan) for w in workouts(app))
    assert knee.avoided == ["knee"]
    assert {s.slug for s in plain.steps} != {s.slug for s in knee.steps}
    from fitness_voice.retrieval import load_exercises
    avoid = {e["slug"] for e in load_exercises(app.extensions["knowledge"].kb_path)
             if "knee" in (e.get("avoid_with") or [])}
    assert not avoid & {s.slug for s in knee.steps}


def test_a_red_flag_mid_set_stops_the_workout(app, served):
    caller = Coachee(["skip", START], {7: "I have chest pain", 8: "bye"})
    result = call(served, caller)
    [workout] = workouts(app)
    assert workout.status == "red-flag"
    reply = result.said[-2].lower()
    assert "stop" in reply and "nine one one" in reply and "stopped the workout" in reply


def test_weekly_plan_is_saved_and_used(app, served):
    result = call(served, Coachee(["skip", "I can train three days a week",
                                   "make me a plan for the week", "what's today's workout",
                                   "bye"]))
    with app.app_context():
        plan = db.session.execute(db.select(WeeklyPlan)).scalar_one()
    assert len(plan.days) == 3
    assert plan.days[0]["day"].lower() in result.said[3].lower()
    assert "today" in result.said[4].lower()


def test_what_did_i_do_last_time_reads_the_log(app, served):
    call(served, Coachee(["skip", START]))
    result = call(served, Coachee(["what did I do last time", "bye"]))
    [workout] = workouts(app)
    assert "session go" in result.said[0]
    with app.app_context():
        sets = db.session.execute(db.select(WorkoutSet).filter_by(
            workout_id=workout.id, outcome="done")).scalars().all()
    from fitness_voice.text.speakable import for_speech
    assert for_speech(f"{len(sets)} sets") in result.said[1]
