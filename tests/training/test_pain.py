"""Pain during a workout, driven directly (no HTTP): what counts as pain, and what it
does to the set, the plan, the log and the words."""

from pathlib import Path

import pytest

from fitness_voice.contract import CallerInfo, TurnInput
from fitness_voice.training import state as call_state
from fitness_voice.training.commands import pain_in
from fitness_voice.training.plan import Plan, Step

KB = Path(__file__).resolve().parents[2] / "kb"


def step(slug, title, block, reps=None, seconds=None, set_number=1, sets=1, rest=0):
    return Step(slug=slug, title=title, block=block, set_number=set_number, sets=sets,
                reps=reps, seconds=seconds, per_side=False, rest_seconds=rest,
                cues=["Cue one."], round=set_number)


PLAN = Plan(steps=[
    step("march-in-place", "March in place", "warmup", seconds=30),
    step("bodyweight-squat", "Bodyweight squat", "main", reps=12, rest=30, sets=2),
    step("knee-push-up", "Knee push-up", "main", reps=10, rest=60, sets=2),
    step("bodyweight-squat", "Bodyweight squat", "main", reps=12, rest=30, set_number=2, sets=2),
    step("knee-push-up", "Knee push-up", "main", reps=10, rest=60, set_number=2, sets=2),
    step("quad-stretch", "Quad stretch", "cooldown", seconds=30),
], minutes=6, focus="full body", avoided=[], equipment=[])


def in_workout(phase, position, plan=PLAN, sets_done=0):
    state = {}
    call_state.begin_workout(state, "k1", plan.to_dict(), position)
    call_state.workout(state).update(phase=phase, sets_done=sets_done)
    return state


def turn(state, speech):
    return TurnInput(speech=speech, confidence=0.9, state=state,
                     caller=CallerInfo("+15555550100", "Sam", {}, True))


# -- what counts as pain -------------------------------------------------------------

@pytest.mark.parametrize("line, hurting", [
    ("ugh my knee is really hurting now", ["knee"]),
    ("my back hurts doing this", ["lower back"]),
    ("that hurts my wrist", ["wrist"]),
    ("my shoulder is killing me", ["shoulder"]),
    ("ouch, that hurts", []),
    ("I think I pulled something", []),
    ("ow", []),
    # not pain
    ("this is too hard", None),
    ("my legs are burning", None),
    ("done", None),
    ("my knee doesn't hurt any more", None),
    ("I'm pregnant, is this okay", None),
])
def test_what_counts_as_pain(line, hurting):
    assert pain_in(line) == hurting


# -- what pain does -------------------------------------------------------------------

@pytest.mark.parametrize("line, phase, position, hurt, stood_in", [
    # the squat hurts the knee: its sets become a move the knee allows
    ("ugh my knee is really hurting now", "set", 1, "knee", True),
    # the push-up hurts the wrist: it goes, and so does every later move the wrist rules out
    ("that hurts my wrist", "set", 2, "wrist", True),
    ("my back hurts doing this", "timed", 0, "lower back", False),
])
def test_pain_ends_the_set_and_changes_the_move(coach, by_slug, line, phase, position, hurt,
                                               stood_in):
    state = in_workout(phase, position)
    reply = coach.handle(turn(state, line), line)
    assert reply.kind == "workout-pain"
    logged, replanned, progress = reply.effects
    assert (logged["type"], logged["outcome"], logged["step_index"]) == (
        "set_logged", "pain", position)
    assert replanned["type"] == "workout_replanned"
    assert progress == {"type": "workout_progress", "key": "k1", "position": position + 1}
    workout = call_state.workout(state)
    plan = Plan.from_dict(workout["plan"])
    assert plan.avoided == [hurt] and replanned["plan"] == workout["plan"]
    assert workout["phase"] == "paused" and workout["position"] == position + 1
    current = PLAN.steps[position]
    later = plan.steps[position + 1:]
    assert current.slug not in {s.slug for s in later}
    for s in later:
        assert hurt not in (by_slug[s.slug].get("avoid_with") or [])
    if stood_in:
        assert later[0].block == current.block and later[0].set_number == current.set_number
    assert reply.text.startswith("Let's ")
    assert current.title.lower() in reply.text and f"your {hurt}" in reply.text
    assert reply.text.endswith("Say ready when you want to carry on, or stop to end here.")
    assert len(reply.text.split(". ")) <= 3


def test_after_pain_ready_carries_on_gently(coach):
    state = in_workout("set", 1)
    coach.handle(turn(state, "my knee hurts"), "my knee hurts")
    reply = coach.handle(turn(state, "ready"), "ready")
    assert reply.kind == "workout-resume" and reply.segments[0] == "Okay, gently does it."
    assert call_state.workout(state)["phase"] in ("set", "timed")


def test_pain_with_no_body_part_swaps_the_move(coach):
    state = in_workout("set", 2)  # knee push-up: its easier version is the incline push-up
    reply = coach.handle(turn(state, "ouch that hurts"), "ouch that hurts")
    assert reply.kind == "workout-pain"
    assert "since it hurts" in reply.text
    plan = Plan.from_dict(call_state.workout(state)["plan"])
    assert plan.avoided == []
    assert "knee-push-up" not in {s.slug for s in plan.steps[3:]}


def test_pain_in_the_effort_phase_undoes_the_done_set(coach):
    state = in_workout("effort", 1, sets_done=2)
    reply = coach.handle(turn(state, "my knee is sore"), "my knee is sore")
    assert reply.effects[0]["outcome"] == "pain"
    workout = call_state.workout(state)
    assert workout["sets_done"] == 1 and workout["missed"] == 1
    plan = Plan.from_dict(workout["plan"])
    assert plan.steps[2].slug == "knee-push-up"  # the next step is unchanged
    assert "bodyweight-squat" not in {s.slug for s in plan.steps[2:]}


SQUATS_ONLY = Plan(steps=[
    step("bodyweight-squat", "Bodyweight squat", "main", reps=12, rest=30, sets=2),
    step("bodyweight-squat", "Bodyweight squat", "main", reps=12, set_number=2, sets=2),
], minutes=2, focus="lower body", avoided=["lower back", "ankle", "wrist", "shoulder"],
    equipment=[])


@pytest.mark.parametrize("sets_done, said", [
    (0, "Let's stop the workout there to spare your knee. Rest it, and if the pain doesn't "
        "settle, get it checked."),
    (3, "Let's stop the workout there to spare your knee. You did three sets first, nice "
        "work. Rest it, and if the pain doesn't settle, get it checked."),
])
def test_pain_stops_the_workout_when_nothing_fits(coach, monkeypatch, sets_done, said):
    from fitness_voice.training import planner
    monkeypatch.setattr(planner, "stand_in", lambda *args, **kwargs: None)
    state = in_workout("set", 0, plan=SQUATS_ONLY, sets_done=sets_done)
    reply = coach.handle(turn(state, "my knee is killing me"), "my knee is killing me")
    assert reply.kind == "workout-stop" and reply.text == said
    assert [e["type"] for e in reply.effects] == ["set_logged", "workout_replanned",
                                                  "workout_ended"]
    assert reply.effects[0]["outcome"] == "pain" and reply.effects[-1]["status"] == "pain"
    assert not coach.active(state)


def test_a_question_about_pain_outside_the_workout_is_not_taken(coach):
    # With no workout, "my knee hurts" is not the workout coach's to answer.
    state = {}
    assert coach.talk(turn(state, "my knee hurts"), "my knee hurts") is None


@pytest.mark.parametrize("line, kind, end_call", [
    ("stop, my knee hurts", "workout-stop", False),
    ("I want to stop, that hurts", "workout-stop", False),
    ("bye, my knee is killing me", "workout-stop", True),
])
def test_stopping_in_pain_stops_and_logs_the_pain(coach, line, kind, end_call):
    state = in_workout("set", 2, sets_done=2)
    reply = coach.handle(turn(state, line), line)
    assert (reply.kind, reply.end_call) == (kind, end_call)
    assert reply.effects[0]["outcome"] == "pain" and reply.effects[0]["step_index"] == 2
    assert reply.effects[-1] == {"type": "workout_ended", "key": "k1", "status": "pain"}
    assert not coach.active(state)
