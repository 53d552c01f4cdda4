"""Exercise-choice questions answered from the exercise library's data (no HTTP):
which lines are such questions, which exercises they get, what is said, and the
offer to lead them."""

import re
from pathlib import Path

import pytest

from fitness_voice.contract import CallerInfo, CallState, TurnInput
from fitness_voice.training import advice
from fitness_voice.training import state as call_state
from fitness_voice.training.plan import Plan

KB = Path(__file__).resolve().parents[2] / "kb"


def turn(state, speech, profile=None):
    return TurnInput(speech=speech, confidence=0.9, state=state,
                     caller=CallerInfo("+15555550100", "Sam", dict(profile or {}), True))


def ask(coach, line, profile=None, state=None):
    state = CallState() if state is None else state
    return coach.talk(turn(state, line, profile), line), state


def slugs_only(exercises):
    """Slugs that are not also how the exercise's name is written ("glute-bridge")."""
    return {ex["slug"] for ex in exercises
            if ex["slug"] != ex["title"].lower().replace(" ", "-")}


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


# -- which lines are exercise-choice questions ----------------------------------------

@pytest.mark.parametrize("line", [
    "my knee is sore, what leg exercise can I do lying down",
    "I have twenty minutes and dumbbells, what should I do for legs",
    "what can I do for abs without equipment",
    "something for my back I can do at my desk",
    "easy exercises for a beginner with a bad shoulder",
    "what's a good butt exercise",
    "how do I train calves at home",
    "what can I do with a kettlebell",
    "i can't get down on the floor, what standing exercises can i do",
    "any exercises for my chest without weights",
    "what stretches can I do for my lower back",
    "what can I do instead of squats, they hurt my knees",
    "I want to tone my arms, what do I do",
    "what moves can I do in a hotel room",
    "i've only got ten minutes in the morning before work, what should i do",
])
def test_exercise_choice_questions_are_recognised(exercises, line):
    assert advice.read_question(line, {}, exercises) is not None


@pytest.mark.parametrize("line", [
    "how do I do a plank",            # how-to about one named exercise
    "how many sets should I do",      # how much
    "can I still do squats in my second trimester",  # is it OK, about one exercise
    "is it okay to do deadlifts with a bad back",
    "what's better, squats or lunges",
    "how often should I train legs",
    "what should I eat after a workout",
    "how much protein do I need",
    "what's the best exercise to lose belly fat",
    "what's a good workout split for three days a week",
    "what can I do for my back pain",  # pain relief: the knowledge base answers
    "what exercises help with knee pain",
    "my shins are killing me, what do I do",
    "what should I do if my knee hurts",
    "is walking good exercise",
    "what can you do",
    "what should I do differently in the heat",
    "why do my legs shake in a plank",
    "i'm pregnant, what exercise is safe",       # the knowledge base advises groups
    "what exercise is best during menopause",
    "my bench has been stuck at the same weight for two months, what do i do",
    "i just started running and my shins are killing me, what do i do",
    "what's a good hiit workout for beginners",
    "what should i do after a workout",         # recovery, not a cool-down named
    "what's a good workout song",
    "what's a good time to work out",
    "what's a good way to stay motivated to exercise",
    "what's the best exercise for stress",
    "what shoes should i wear to the gym",
    "what's a good warm up before running",     # how to warm up: the knowledge base
    "what's a good cool down after a workout",
])
def test_other_questions_are_left_to_the_grounded_answer(coach, exercises, line):
    assert advice.read_question(line, {}, exercises) is None
    reply, state = ask(coach, line)
    assert reply is None and call_state.session_offer(state) is None


@pytest.mark.parametrize("line, target, position, limitations, minutes, kit", [
    ("my knee is sore, what leg exercise can I do lying down", "legs", "lying", ["knee"],
     None, []),
    ("I have twenty minutes and dumbbells, what should I do for legs", "legs", None, [], 20,
     ["dumbbells"]),
    ("what can I do for abs without equipment", "core", None, [], None, []),
    ("something for my back I can do at my desk", "back", "desk", [], None, []),
    ("easy exercises for a beginner with a bad shoulder", None, None, ["shoulder"], None, []),
    ("what ab exercises are safe with my lower back", "core", None, ["lower back"], None, []),
    ("what cardio can I do that won't wreck my knees", "cardio", None, ["knee"], None, []),
    ("i can only really exercise sitting in a chair, what can i do", None, "seated", [],
     None, ["chair"]),
    ("i can't get down on the floor, what standing exercises can i do", None, "standing", [],
     None, []),
    # "stuck in a hotel" is a place, not a plateau
    ("i'm stuck in a hotel room no gear what can i do for like fifteen minutes", None, None,
     [], 15, []),
    # "is ok with my back" spares the back; it does not say the back is fine
    ("what leg stuff is ok with my back the way it is", "legs", None, ["lower back"], None,
     []),
    # a wish to work a muscle, and a named move that hurts: something instead of it
    ("i wanna work my chest but push ups kill my wrists", "chest", None, ["wrist"], None, []),
    ("i want to train my legs but squats hurt my knees", "legs", None, ["knee"], None, []),
])
def test_a_question_is_read_into_the_librarys_terms(exercises, line, target, position,
                                                    limitations, minutes, kit):
    question = advice.read_question(line, {}, exercises)
    assert (question.target, question.position, question.limitations, question.minutes,
            question.equipment_said) == (target, position, limitations, minutes, kit)


# -- which exercises ----------------------------------------------------------------------

def _avoid(by_slug, limitation):
    return {slug for slug, ex in by_slug.items() if limitation in (ex.get("avoid_with") or [])}


@pytest.mark.parametrize("line, profile, some_of, none_of", [
    ("my knee is sore, what leg exercise can I do lying down", {},
     {"glute-bridge", "single-leg-glute-bridge"}, {"bodyweight-squat", "wall-sit"}),
    ("I have twenty minutes and dumbbells, what should I do for legs", {},
     {"goblet-squat", "romanian-deadlift"}, {"dumbbell-overhead-press"}),
    ("what can I do for abs without equipment", {}, {"plank", "dead-bug", "bird-dog"},
     {"farmer-carry"}),
    ("what should i do for shoulders with dumbbells", {}, {"dumbbell-overhead-press"}, set()),
    ("what can i do with a kettlebell", {}, {"kettlebell-swing", "kettlebell-deadlift"},
     set()),
    ("how do i train calves at home", {}, {"calf-raise"}, {"jump-squat"}),
    ("what core exercises can i do that don't hurt my wrists", {"injuries": "wrist"},
     {"dead-bug", "plank"}, {"bird-dog", "bear-crawl", "mountain-climbers"}),
    ("what cardio can i do that won't wreck my knees", {"injuries": "knee"},
     {"shadow-boxing", "step-jacks", "standing-cross-crunch", "step-back-burpee"},
     {"burpee", "high-knees", "jump-squat", "jumping-jacks"}),
    ("i can't get down on the floor, what standing exercises can i do", {},
     {"bodyweight-squat", "wall-push-up", "hip-hinge"},
     {"plank", "glute-bridge", "dead-bug", "knee-push-up", "bird-dog"}),
    ("i can only really exercise sitting in a chair, what can i do", {},
     {"box-squat", "arm-circles"}, {"plank", "wall-push-up", "march-in-place"}),
    ("how can i work my back at home without any equipment", {}, {"superman", "bird-dog"},
     {"dumbbell-row"}),
    ("what can I do instead of squats, they hurt my knees", {},
     {"glute-bridge", "hip-hinge"}, {"bodyweight-squat", "goblet-squat", "box-squat"}),
])
def test_the_picks_fit_the_question(coach, exercises, by_slug, line, profile, some_of,
                                    none_of):
    question = advice.read_question(line, profile, exercises)
    picks = {ex["slug"] for ex in advice.choose(exercises, question)}
    assert 1 <= len(picks) <= 3
    assert picks & some_of, picks
    assert not picks & none_of, picks
    for limitation in question.limitations:
        assert not picks & _avoid(by_slug, limitation)


@pytest.mark.parametrize("limitation", ["knee", "wrist", "shoulder", "lower back", "ankle",
                                        "pregnancy"])
@pytest.mark.parametrize("line", ["what exercises can I do at home",
                                  "what can I do for legs", "give me some core exercises",
                                  "what can I do for my upper body"])
def test_no_pick_is_one_the_limitation_rules_out(exercises, by_slug, limitation, line):
    question = advice.read_question(line, {"injuries": limitation}, exercises)
    for ex in advice.choose(exercises, question):
        assert limitation not in (ex.get("avoid_with") or [])
        assert ex.get("impact") != "high" or limitation not in ("knee", "ankle", "pregnancy")


def test_a_beginner_gets_beginner_moves(exercises, by_slug):
    question = advice.read_question("easy exercises for a beginner with a bad shoulder", {},
                                    exercises)
    assert {ex["level"] for ex in advice.choose(exercises, question)} == {"beginner"}


@pytest.mark.parametrize("slug, position", [
    ("glute-bridge", "lying"), ("dead-bug", "lying"), ("superman", "lying"),
    ("bird-dog", "floor"), ("plank", "floor"), ("knee-push-up", "floor"),
    ("mountain-climbers", "floor"), ("burpee", "floor"), ("cat-cow", "floor"),
    ("bodyweight-squat", "standing"), ("wall-push-up", "standing"),
    ("calf-raise", "standing"), ("march-in-place", "standing"),
])
def test_where_an_exercise_is_done_comes_from_its_tags(by_slug, slug, position):
    assert advice.position_of(by_slug[slug]) == position


# -- what is said -------------------------------------------------------------------------

@pytest.mark.parametrize("line, profile, said", [
    ("my knee is sore, what leg exercise can I do lying down", {},
     "For your legs, try glute bridges and single-leg glute bridges. They go easy on your "
     "knee and are done lying down. Want me to take you through them?"),
    ("what can I do for abs without equipment", {},
     "For your core, try bird dogs, dead bugs and planks. They need no equipment. Want me "
     "to take you through them?"),
    ("how do i train calves at home", {},
     "For your calves, try calf raises and single-leg calf raises. They need no equipment. "
     "Want me to take you through them?"),
    ("what stretches can I do for my lower back", {},
     "For your lower back, try cat cow and child's pose. They need no equipment."),
])
def test_the_answer_names_the_moves_says_why_and_offers_to_lead(coach, line, profile, said):
    reply, state = ask(coach, line, profile)
    assert reply.kind == "exercise-choice"
    assert reply.text == said


@pytest.mark.parametrize("line, profile", [
    ("I have twenty minutes and dumbbells, what should I do for legs", {}),
    ("something for my back I can do at my desk", {}),
    ("easy exercises for a beginner with a bad shoulder", {}),
    ("what can i still do for my upper body with my shoulder the way it is",
     {"injuries": "shoulder"}),
    ("all i have is a resistance band, what can i do for legs", {}),
    ("what can I do instead of squats, they hurt my knees", {}),
    ("give me a quick twenty minute full body workout i can do now", {}),
    ("i've only got ten minutes in the morning before work, what should i do", {}),
])
def test_every_answer_is_short_and_speaks_names_not_slugs(coach, exercises, line, profile):
    reply, _ = ask(coach, line, profile)
    assert 2 <= len(sentences(reply.text)) <= 3
    assert len(reply.text.split()) <= 45
    assert not any(re.search(rf"\b{slug}\b", reply.text.lower()) for slug in slugs_only(exercises))
    assert not re.search(r"\d", reply.text)  # numbers as words
    assert reply.details["exercises"]


@pytest.mark.parametrize("line, says", [
    ("I have twenty minutes and dumbbells, what should I do for legs",
     "in twenty minutes, warm up, then do"),
    ("all i have is a resistance band, what can i do for legs",
     "I don't have resistance band moves for that"),
    ("what can i still do for my upper body with my shoulder the way it is",
     "With dumbbells,"),
])
def test_the_answer_is_honest_about_time_and_kit(coach, line, says):
    reply, _ = ask(coach, line, {"injuries": "shoulder"} if "shoulder" in line else {})
    assert says in reply.text


# -- the offer to lead them -----------------------------------------------------------------

@pytest.mark.parametrize("answer", ["yes", "yes please", "sure", "okay let's do it",
                                    "take me through them", "let's work out"])
def test_yes_leads_the_moves_suggested(coach, answer):
    line = "my knee is sore, what leg exercise can I do lying down"
    reply, state = ask(coach, line)
    offered = call_state.session_offer(state)
    assert offered["chosen"] == reply.details["exercises"]
    started = coach.answer_resume_offer(turn(state, answer), answer)
    assert started.kind == "workout-start"
    plan = Plan.from_dict(call_state.workout(state)["plan"])
    assert {s.slug for s in plan.steps if s.block == "main"} == set(offered["chosen"])
    assert plan.avoided == ["knee"]
    assert call_state.session_offer(state) is None


def test_the_session_keeps_the_time_the_caller_said(coach):
    line = "I have twenty minutes and dumbbells, what should I do for legs"
    reply, state = ask(coach, line)
    coach.answer_resume_offer(turn(state, "yes"), "yes")
    plan = Plan.from_dict(call_state.workout(state)["plan"])
    assert 17 <= plan.minutes <= 23 and "dumbbells" in plan.equipment
    assert {s.slug for s in plan.steps if s.block == "main"} == set(reply.details["exercises"])


@pytest.mark.parametrize("answer, kind", [
    ("how often should I train abs", None),    # a follow-up: the grounded answer takes it
    ("yes but how much protein should I eat?", None),
    ("what about for my arms", None),
    ("no thanks", "exercise-choice-declined"),
])
def test_anything_but_yes_withdraws_the_offer(coach, answer, kind):
    _, state = ask(coach, "what can I do for abs without equipment")
    reply = coach.answer_resume_offer(turn(state, answer), answer)
    assert (reply.kind if reply else None) == kind
    assert call_state.session_offer(state) is None and not coach.active(state)
    assert coach.answer_resume_offer(turn(state, "yes"), "yes") is None


def test_stretch_answers_offer_no_session(coach):
    reply, state = ask(coach, "what stretches can I do for my lower back")
    assert "take you through" not in reply.text
    assert call_state.session_offer(state) is None


@pytest.mark.parametrize("line, position", [
    ("what exercises can I do sitting at my desk", "seated"),
    ("i can only really exercise sitting in a chair, what can i do", "seated"),
    # sitting as the cause, not the place
    ("what's a good stretch for tight chest muscles from sitting hunched", None),
])
def test_sitting_is_a_place_only_when_it_is_where_the_caller_is(exercises, line, position):
    assert advice.read_question(line, {}, exercises).position == position


def test_a_stretch_for_a_tight_chest_is_the_doorway_stretch(exercises):
    question = advice.read_question(
        "what's a good stretch for tight chest muscles from sitting hunched", {}, exercises)
    assert "doorway-chest-stretch" in {ex["slug"] for ex in advice.choose(exercises, question)}


@pytest.mark.parametrize("title, said", [
    ("Glute bridge", "glute bridges"), ("Farmer carry", "farmer carries"),
    ("Kettlebell swing", "kettlebell swings"), ("Shadow boxing", "shadow boxing"),
    ("Dumbbell overhead press", "dumbbell overhead presses"),
    ("Romanian deadlift with dumbbells", "romanian deadlifts with dumbbells"),
    ("Chest stretch in a doorway", "chest stretches in a doorway"),
    ("Arm circles", "arm circles"),
])
def test_names_are_said_in_the_plural(title, said):
    assert advice.spoken_name({"slug": "x", "title": title}) == said


# -- follow-ups about the moves suggested ---------------------------------------------------

@pytest.mark.parametrize("first, follow_up, says", [
    ("what's a good butt exercise", "can i do that at home",
     "Yes, glute bridges, bodyweight squats and reverse lunges need no equipment, so they "
     "work at home."),
    ("what should i do for shoulders with dumbbells", "can i do those without weights",
     "Knee push-ups need no equipment; overhead presses with dumbbells and dumbbell rows "
     "need dumbbells."),
    ("what's a good butt exercise", "how do i make it harder",
     "To make them harder, move on to single-leg glute bridges, jump squats and forward "
     "lunges."),
    ("how do i train calves at home", "how do i make it harder",
     "To make them harder, move on to single-leg calf raises."),
    ("what can i do with a kettlebell", "how do i do a swing",
     "For kettlebell swing: Hike the bell back between your legs. Snap your hips forward, "
     "arms just hold on."),
    ("what can I do for abs without equipment", "how do i make them harder",
     "Those are the hardest versions I have, so slow the lowering down and pause at the "
     "hardest point."),
])
def test_a_follow_up_about_the_moves_is_answered_and_the_offer_stands(coach, first,
                                                                       follow_up, says):
    _, state = ask(coach, first)
    offered = call_state.session_offer(state)
    reply = coach.answer_resume_offer(turn(state, follow_up), follow_up)
    assert reply.kind == "exercise-choice-follow-up"
    assert reply.text == f"{says} Want me to take you through them?"
    assert call_state.session_offer(state) == offered
    assert coach.answer_resume_offer(turn(state, "yes"), "yes").kind == "workout-start"


@pytest.mark.parametrize("first, follow_up, says", [
    ("my knee is sore what leg exercise can i do lying down", "how many should i do",
     "Do three sets of twelve glute bridges and three sets of ten single-leg glute bridges "
     "on each side, resting one to two minutes between sets."),
    ("what should i do for my chest", "how many sets and reps",
     "Do three sets of ten knee push-ups and three sets of twelve wall push-ups, resting one "
     "to two minutes between sets."),
    ("what can i do at home with no equipment", "how many rounds should i do",
     "Do three rounds of twelve bodyweight squats, ten knee push-ups and twelve glute "
     "bridges, resting a minute or two between rounds."),
])
def test_how_many_after_suggestions_gives_each_moves_sets_and_reps(coach, first, follow_up,
                                                                     says):
    _, state = ask(coach, first)
    reply = coach.answer_resume_offer(turn(state, follow_up), follow_up)
    assert reply.kind == "exercise-choice-follow-up"
    assert reply.text.startswith(says)


@pytest.mark.parametrize("line", ["how many weeks until i see results",
                                  "how many times a week should i do them"])
def test_how_many_weeks_or_times_a_week_is_not_a_dose(coach, line):
    _, state = ask(coach, "what should i do for my chest")
    reply = coach.answer_resume_offer(turn(state, line), line)
    assert reply is None or reply.kind != "exercise-choice-follow-up"


def test_stretches_for_the_hips_stretch_the_hips(exercises):
    question = advice.read_question("give me some stretches for my hips", {}, exercises)
    picks = advice.choose(exercises, question)
    assert picks and all({"hip flexors", "glutes", "adductors"} & set(ex["muscles"])
                         for ex in picks)


@pytest.mark.parametrize("line", ["what stretches should i do after running",
                                  "give me a quick stretch"])
def test_a_stretch_answer_names_stretches(exercises, line):
    question = advice.read_question(line, {}, exercises)
    picks = advice.choose(exercises, question)
    assert len(picks) >= 2
    assert {ex["category"] for ex in picks} <= {"cooldown"}
