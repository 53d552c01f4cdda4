"""The pipeline's stages before the grounded answer, each with one job.

A stage is called as ``stage(providers, turn, text)`` (text: what the caller
said, stripped) and returns a Reply when it answers, or None to let the next
stage try. The order lives in pipeline.py.
"""

from .. import lang, safety
from ..contract import Reply
from . import memory
from .intents import ABOUT_ME, FORGET_FIELD, FORGET_ME, QUESTION, REPEAT, SKIP, SLOWER, YES


def safety_check(providers, turn, text):
    """Red flags, crises, injection and off-topic lines, before anything else."""
    verdict = safety.classify(turn.speech, **providers.safety_lines)
    if verdict.category == safety.Category.SAFE and text != turn.speech.strip():
        verdict = safety.classify(text, **providers.safety_lines)  # "my chest, uh, hurts"
    if verdict.category == safety.Category.SAFE:
        return None
    state = turn.state
    state.safety_events.append(verdict.reason)
    effects, said = [], verdict.reply
    if verdict.stop_workout:
        state.red_flag = verdict.reason
        effects = providers.workouts.stop_for_safety(state)
        if effects:
            said = f"{said} {lang.catalogue()['dialogue.workout_stopped']}"
    state.intake = None
    return Reply(said, kind=f"safety-{verdict.category.value}",
                 end_call=verdict.end_call, effects=effects,
                 details={"safety": verdict.reason, "stop_workout": verdict.stop_workout})


def forget_confirmation(providers, turn, text):
    """The yes or no to "delete everything?"; anything else drops the question."""
    if not turn.state.confirm_forget:
        return None
    turn.state.confirm_forget = False
    lines = lang.catalogue()
    if YES.match(text):
        return Reply(lines["dialogue.forgotten"], kind="forget", action="forget")
    if SKIP.match(text):
        return Reply(lines["dialogue.kept"], kind="forget-cancelled")
    return None


def resume_offer(providers, turn, text):
    """The answer to "pick up the workout that got cut off?"."""
    return providers.workouts.answer_resume_offer(turn, text)


def workout_command(providers, turn, text):
    """Done, skip, pause, easier... while a workout is being led."""
    if not providers.workouts.active(turn.state):
        return None
    return providers.workouts.handle(turn, text)


def intake(providers, turn, text):
    """A new caller's name, then their goal; a skip or a question ends it."""
    state = turn.state
    if state.intake is None:
        return None
    lines = lang.catalogue()
    if SKIP.match(text):
        state.intake = None
        return Reply(lines["dialogue.no_problem"], kind="intake")
    if QUESTION.search(text):
        state.intake = None
        return None
    if state.intake == "name":
        name = memory.extract_name(text, bare=True)
        if name is None:
            state.intake = None
            return None
        state.intake = "goal"
        return Reply(lines.say("dialogue.ask_goal", name=name), kind="intake",
                     profile_updates={"name": name, **_facts_except_name(text)})
    state.intake = None
    facts = memory.extract(text)
    goal = memory.extract_goal(text) or (text.lower().rstrip(".!") if len(text.split()) <= 6
                                           else None)
    if goal:
        facts["goal"] = goal
    facts.pop("name", None)
    confirmation = memory.describe(facts) if facts else lines["dialogue.okay"]
    return Reply(f"{confirmation} {lines['dialogue.intake_done']}", kind="intake",
                 profile_updates=facts)


def memory_command(providers, turn, text):
    """"What do you know about me", "forget me", "forget my knee"."""
    lines = lang.catalogue()
    if ABOUT_ME.search(text):
        return Reply(memory.read_back(turn.caller.name, turn.caller.profile), kind="memory")
    if FORGET_ME.search(text):
        turn.state.confirm_forget = True
        return Reply(lines["dialogue.confirm_forget"], kind="forget-confirm")
    field_match = FORGET_FIELD.search(text)
    if field_match:
        key = {"goal": "goal", "equipment": "equipment"}.get(field_match.group(1), "injuries")
        return Reply(f"{lines['dialogue.forgotten_field']} {lines['dialogue.follow_up']}",
                     kind="memory", profile_updates={key: None})
    return None


def repeat(providers, turn, text):
    """"Say that again" (or slower): the last reply, word for word."""
    if not (REPEAT.search(text) or SLOWER.search(text)) or len(text.split()) > 8:
        return None
    last = turn.state.last_reply
    if not last:
        return Reply(lang.catalogue()["dialogue.nothing_to_repeat"], kind="repeat")
    return Reply(last, kind="repeat")


def training_talk(providers, turn, text):
    """Outside a workout: start one, plan the week, read the training log."""
    if providers.workouts.active(turn.state):
        return None
    return providers.workouts.talk(turn, text)


def _facts_except_name(text):
    facts = memory.extract(text)
    facts.pop("name", None)
    return facts
