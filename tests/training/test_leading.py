"""The workout state machine, driven directly with plain objects (no HTTP, no
database): what each caller line or silence does in each phase of a workout."""

from dataclasses import replace
from pathlib import Path

import pytest

from fitness_voice.contract import CallerInfo, TurnInput
from fitness_voice.retrieval import load_exercises
from fitness_voice.training import state as call_state
from fitness_voice.training.leading import MAX_WORKOUT_SILENCES, WorkoutCoach
from fitness_voice.training.plan import Plan, Step

KB = Path(__file__).resolve().parents[2] / "kb"


def step(slug, title, block, reps=None, seconds=None, per_side=False, rest=0, set_number=1,
         sets=1):
    return Step(slug=slug, title=title, block=block, set_number=set_number, sets=sets,
                reps=reps, seconds=seconds, per_side=per_side, rest_seconds=rest,
                cues=["Cue one.", "Cue two.", "Cue three."], round=set_number)


# A short session whose every step is known: a timed warm-up, a two-round circuit
# of rep sets, and a timed stretch done each side.
PLAN = Plan(steps=[
    step("march-in-place", "March in place", "warmup", seconds=30),
    step("bodyweight-squat", "Bodyweight squat", "main", reps=12, rest=30, sets=2),
    step("glute-bridge", "Glute bridge", "main", reps=12, rest=60, sets=2),
    step("bodyweight-squat", "Bodyweight squat", "main", reps=12, rest=30, set_number=2, sets=2),
    step("glute-bridge", "Glute bridge", "main", reps=12, rest=60, set_number=2, sets=2),
    step("quad-stretch", "Quad stretch", "cooldown", seconds=30, per_side=True),
], minutes=6, focus="lower body", avoided=[], equipment=[])


@pytest.fixture(scope="module")
def coach():
    return WorkoutCoach(load_exercises(KB), profile_facts=lambda text: {})


def caller(**training):
    return CallerInfo(phone_number="+15555550100", name="Sam", returning=True,
                      training=training)


def turn(state, speech="", who=None):
    return TurnInput(speech=speech, confidence=0.9, caller=who or caller(), state=state)


def in_workout(phase, position, sets_done=0, silences=0, plan=PLAN):
    state = {}
    workout = call_state.begin_workout(state, "k1", plan.to_dict(), position)
    workout.update(phase=phase, sets_done=sets_done, silences=silences)
    return state


def effect_types(reply):
    return [effect["type"] for effect in reply.effects]


# -- a caller line during a workout ---------------------------------------------

GONE = None  # the workout has ended: the state no longer holds one


@pytest.mark.parametrize("phase, position, line, kind, phase_after, position_after, effects", [
    # finishing a set: main sets ask for a rating, others move straight on
    ("set", 1, "done", "workout-effort", "effort", 1, ["set_logged"]),
    ("set", 1, "next", "workout-effort", "effort", 1, ["set_logged"]),
    ("timed", 0, "done", "workout-step", "set", 1, ["set_logged", "workout_progress"]),
    # rating a set, or moving on without one
    ("effort", 1, "7", "workout-step", "set", 2, ["set_effort", "workout_progress"]),
    # a rating that changes the next set, or a swap, changes the plan the log keeps
    ("effort", 1, "about a nine", "workout-step", "set", 2,
     ["set_effort", "workout_replanned", "workout_progress"]),
    ("effort", 1, "done", "workout-step", "set", 2, ["workout_progress"]),
    ("effort", 1, "skip", "workout-step", "set", 2, ["workout_progress"]),
    ("effort", 4, "6", "workout-step", "timed", 5, ["set_effort", "workout_progress"]),
    # the last step ends the workout
    ("timed", 5, "done", "workout-complete", GONE, None, ["set_logged", "workout_ended"]),
    ("timed", 5, "skip", "workout-complete", GONE, None, ["set_logged", "workout_ended"]),
    # pausing and coming back
    ("set", 1, "hold on", "workout-pause", "paused", 1, []),
    ("timed", 0, "give me a minute", "workout-pause", "paused", 0, []),
    ("paused", 1, "ready", "workout-resume", "set", 1, []),
    ("paused", 0, "I'm back", "workout-resume", "timed", 0, []),
    # changing the step
    ("set", 1, "skip", "workout-step", "set", 2, ["set_logged", "workout_progress"]),
    ("set", 1, "repeat", "workout-repeat", "set", 1, []),
    ("set", 1, "this is too hard", "workout-easier", "set", 1, []),
    ("set", 1, "harder", "workout-harder", "set", 1, ["workout_replanned"]),
    # asking about it
    ("set", 1, "how do I do this", "workout-how", "set", 1, []),
    ("set", 2, "how many left", "workout-left", "set", 2, []),
    # ending it
    ("set", 1, "stop the workout", "workout-stop", GONE, None, ["workout_ended"]),
    ("effort", 1, "I want to stop", "workout-stop", GONE, None, ["workout_ended"]),
    ("set", 3, "bye", "workout-stop", GONE, None, ["workout_ended"]),
])
def test_a_command_moves_the_workout(coach, phase, position, line, kind, phase_after,
                                     position_after, effects):
    state = in_workout(phase, position, silences=2)
    reply = coach.handle(turn(state, line), line)
    assert reply.kind == kind
    assert effect_types(reply) == effects
    if phase_after is GONE:
        assert not coach.active(state)
        return
    workout = call_state.workout(state)
    assert (workout["phase"], workout["position"], workout["silences"]) == (
        phase_after, position_after, 0)


@pytest.mark.parametrize("phase, line", [
    ("set", "how much protein should I eat"),
    ("effort", "what's the weather like"),
    ("timed", "tell me about sleep"),
    ("paused", "should I drink coffee first"),
])
def test_anything_else_is_left_to_the_coach(coach, phase, line):
    state = in_workout(phase, 1, silences=3)
    assert coach.handle(turn(state, line), line) is None
    workout = call_state.workout(state)
    assert (workout["phase"], workout["position"], workout["silences"]) == (phase, 1, 0)


@pytest.mark.parametrize("phase, reminder", [
    ("set", "Say done when you've finished the set, or next to move on."),
    ("timed", "Say done when you've finished the set, or next to move on."),
    ("effort", "And how hard was that set, from one to ten?"),
    ("paused", "Say ready when you want to carry on."),
])
def test_a_reminder_says_what_to_say_next(coach, phase, reminder):
    assert coach.reminder(in_workout(phase, 1)) == reminder


# -- silence during a workout -----------------------------------------------------

@pytest.mark.parametrize("phase, position, silences, kind, phase_after, position_after", [
    ("set", 1, 0, "workout-waiting", "set", 1),
    ("paused", 1, 0, "workout-paused", "paused", 1),
    ("timed", 0, 0, "workout-step", "set", 1),  # the hold is over: on to the next step
    ("effort", 1, 0, "workout-step", "set", 2),  # no rating: move on
    ("set", 1, MAX_WORKOUT_SILENCES - 2, "workout-waiting", "set", 1),
    ("set", 1, MAX_WORKOUT_SILENCES - 1, "workout-silence-goodbye", GONE, None),
    ("paused", 2, MAX_WORKOUT_SILENCES - 1, "workout-silence-goodbye", GONE, None),
])
def test_silence_moves_the_workout(coach, phase, position, silences, kind, phase_after,
                                   position_after):
    state = in_workout(phase, position, silences=silences)
    reply = coach.on_silence(turn(state))
    assert reply.kind == kind
    if phase_after is GONE:
        assert reply.end_call and not coach.active(state)
        assert reply.effects == []  # the workout stays open in the log, to be resumed
        return
    workout = call_state.workout(state)
    assert (workout["phase"], workout["position"]) == (phase_after, position_after)
    assert workout["silences"] == silences + 1


@pytest.mark.parametrize("phase, segments", [
    ("set", ["Take your time. Say done when you've finished the set.", 15]),
    ("paused", ["I'm here when you're ready. Just say ready.", 20]),
])
def test_waiting_is_words_then_a_pause(coach, phase, segments):
    assert coach.on_silence(turn(in_workout(phase, 1))).segments == segments


# -- what is said, word for word ----------------------------------------------------

def test_a_rep_set_is_announced_with_its_cues(coach):
    state = in_workout("effort", 1)
    reply = coach.handle(turn(state, "6"), "6")
    assert reply.segments == [
        "Got it, six.", "Rest for thirty seconds.", 30,
        "Glute bridge, set one of two: twelve reps. Cue one. Cue two. Say done when you finish."]


def test_a_hold_each_side_is_counted_down(coach):
    state = in_workout("effort", 4)
    reply = coach.handle(turn(state, "6"), "6")
    assert reply.segments == [
        "Got it, six.", "Rest for sixty seconds.", 60,
        "Stretch: Quad stretch, thirty seconds each side. Cue one. Cue two. Start on your "
        "left side. Go!", 29, "Switch sides.", 25, "Five more seconds.", 5, "And rest."]


def test_the_last_set_ends_the_session(coach):
    state = in_workout("timed", 5, sets_done=5)
    reply = coach.handle(turn(state, "done"), "done")
    assert reply.text == ("That's the whole session: four sets, with a warm-up and a stretch, "
                          "in about six minutes. Great work! Drink some water, and call me any "
                          "time.")


def test_a_hard_rating_lightens_the_next_set_of_that_exercise(coach):
    state = in_workout("effort", 1)
    reply = coach.handle(turn(state, "ten"), "ten")
    assert reply.segments[0] == ("Got it, ten. That was tough, so I'll make the next set a "
                                 "little lighter.")
    steps = Plan.from_dict(call_state.workout(state)["plan"]).steps
    assert steps[3].reps < 12 and steps[1].reps == 12


@pytest.mark.parametrize("line, kit, avoided, said, swapped_to", [
    ("easier", ["chair"], [], "Let's make it easier.", "box-squat"),
    ("harder", [], [], "Let's step it up.", "jump-squat"),
    # the box squat needs a chair, the jump squat is ruled out by a knee
    ("easier", [], [], "That's already the easiest version I have, so go at your own pace and "
                       "stop if anything hurts.", None),
    ("harder", [], ["knee"], "That's the hardest version I have here. Slow the movement down "
                             "to make it tougher.", None),
])
def test_easier_or_harder_swaps_every_remaining_set(coach, line, kit, avoided, said,
                                                    swapped_to):
    plan = replace(PLAN, equipment=kit, avoided=avoided)
    state = in_workout("set", 1, plan=plan)
    reply = coach.handle(turn(state, line), line)
    steps = Plan.from_dict(call_state.workout(state)["plan"]).steps
    if swapped_to is None:
        assert reply.text == f"{said} Say done when you've finished the set, or next to move on."
        assert steps == plan.steps
        return
    assert reply.segments[0] == said
    assert [s.slug for s in steps[1:5]] == [swapped_to, "glute-bridge", swapped_to,
                                            "glute-bridge"]
    assert [(s.set_number, s.sets) for s in (steps[1], steps[3])] == [(1, 2), (2, 2)]


@pytest.mark.parametrize("sets_done, said", [
    (1, "Okay, we'll stop here. You did one set, nice work. Anything else I can help with?"),
    (3, "Okay, we'll stop here. You did three sets, nice work. Anything else I can help with?"),
])
def test_stopping_counts_the_sets(coach, sets_done, said):
    state = in_workout("set", 3, sets_done=sets_done)
    assert coach.handle(turn(state, "stop"), "stop").text == said


def test_fixed_phrases_are_unchanged(coach):
    assert WorkoutCoach.fixed_phrases() == coach.fixed_phrases() == [
        "Nice work. How hard was that, from one to ten?",
        "No problem, take a break. Say ready when you want to carry on.",
        "Take your time. Say done when you've finished the set.",
        "I'm here when you're ready. Just say ready.",
        "And rest.", "Five more seconds.", "Switch sides.", "Okay, skipping that one."]


# -- outside a workout --------------------------------------------------------------

@pytest.mark.parametrize("line, kind, starts", [
    ("let's work out, twenty minutes, no equipment", "workout-start", True),
    ("can we do a quick workout", "workout-start", True),
    ("make me a plan for the week", "weekly-plan", False),
    ("what's today's workout", "today", False),
    ("what did I do last time", "last-time", False),
    ("how much protein do I need", None, False),
])
def test_talk_starts_a_workout_or_answers_about_training(coach, line, kind, starts):
    state = {}
    reply = coach.talk(turn(state, line), line)
    assert (reply.kind if reply else None) == kind
    assert coach.active(state) == starts
    if starts:
        assert effect_types(reply) == ["workout_started"]
        assert call_state.workout(state)["position"] == 0


def test_the_week_is_planned_from_the_facts_the_caller_gives():
    heard = []

    def profile_facts(text):
        heard.append(text)
        return {"days_per_week": 2, "minutes_per_session": 30}

    coach = WorkoutCoach(load_exercises(KB), profile_facts=profile_facts)
    line = "plan my week, twice a week, half an hour"
    reply = coach.talk(turn({}, line), line)
    assert heard == [line]
    assert reply.text == ("Here's your week: Monday, full body; Thursday, cardio. About "
                          "thirty minutes each. I've saved it, so just ask me for today's "
                          "workout.")
    [saved] = reply.effects
    assert saved["type"] == "weekly_plan" and len(saved["days"]) == 2


# -- resuming a workout a dropped call left open --------------------------------------

RESUMABLE = {"key": "k0", "plan": PLAN.to_dict(), "position": 2, "focus": "lower body",
             "minutes": 6}


@pytest.mark.parametrize("answer, kind, position, effects", [
    ("yes please", "workout-resume", 2, ["workout_resumed"]),
    ("sure", "workout-resume", 2, ["workout_resumed"]),
    ("no thanks", "workout-resume-declined", None, ["workout_ended"]),
    ("let's work out, ten minutes", "workout-start", 0, ["workout_ended", "workout_started"]),
    ("what's a good breakfast", None, None, []),
])
def test_a_resume_offer_is_answered_once(coach, answer, kind, position, effects):
    who = caller(resumable=RESUMABLE)
    state = {}
    assert coach.offer_resume(who, state) == (
        "Your lower body workout got cut off at Glute bridge. Want to pick up where you "
        "left off?")
    reply = coach.answer_resume_offer(turn(state, answer, who), answer)
    assert (reply.kind if reply else None) == kind
    assert (effect_types(reply) if reply else []) == effects
    assert call_state.resume_offer(state) is None
    if position is None:
        assert not coach.active(state)
    else:
        assert call_state.workout(state)["position"] == position
    assert coach.answer_resume_offer(turn(state, answer, who), answer) is None


def test_no_offer_without_a_resumable_workout(coach):
    state = {}
    assert coach.offer_resume(caller(), state) is None
    assert state == {}


@pytest.mark.parametrize("phase, cut_short", [
    ("set", [{"type": "set_logged", "key": "k1", "step_index": 2, "exercise": "glute-bridge",
              "block": "main", "set_number": 1, "reps": 12, "seconds": None, "effort": None,
              "outcome": "red-flag"}]),
    ("paused", [{"type": "set_logged", "key": "k1", "step_index": 2,
                 "exercise": "glute-bridge", "block": "main", "set_number": 1, "reps": 12,
                 "seconds": None, "effort": None, "outcome": "red-flag"}]),
    ("effort", []),  # the set was finished and logged done before the red flag
])
def test_a_red_flag_ends_the_workout_and_the_set_with_its_reason(coach, phase, cut_short):
    state = in_workout(phase, 2)
    assert coach.stop_for_safety(state) == [
        {"type": "workout_ended", "key": "k1", "status": "red-flag"}, *cut_short]
    assert not coach.active(state)
    assert coach.stop_for_safety(state) == []
