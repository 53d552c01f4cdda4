"""The pipeline's stages before the answer, each with one job.

A stage is called as ``stage(providers, turn, text)`` (text: what the caller
said, stripped) and returns a Reply when it answers, or None to let the next
stage try. The order lives in pipeline.py.

With an LLM answering (``providers.answers_with_llm``), the stages before it take
only what they are sure of: red flags, commands, and answers to the coach's own
questions; everything else, small talk and statements included, goes to the LLM.
No stage but the answer ever takes a question about training.
"""

from .. import lang, safety
from ..contract import Reply
from . import grounded, memory
from .intents import (
    ABOUT_ME,
    ASKED_AS_QUESTIONS,
    ASKS_ADVICE,
    COMMANDS,
    DESCRIBES_A_PROBLEM,
    FORGET_FIELD,
    FORGET_ME,
    LEANING_MIN_SCORE,
    LEANS_BACK,
    MY_GOAL,
    MY_NAME,
    NOT_NOW,
    WORN_OUT,
    accepts_offer,
    declines_name,
    first_pass,
    is_goodbye,
    is_no,
    is_question,
    is_skip,
    is_yes,
    words,
)

# Medical reasons whose referral can carry what the notes say in general: not an
# injury, whose referral must not be diluted.
WITH_A_GENERAL_NOTE = frozenset({"diagnosis"})


def safety_check(providers, turn, text):
    """Red flags, crises, injection and off-topic lines, before anything else.

    Runs on every line, whatever the call is waiting for: a red flag ends the
    intake and drops any question the coach was waiting on."""
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
    elif verdict.category is safety.Category.MEDICAL and verdict.reason in WITH_A_GENERAL_NOTE:
        said = _with_general_note(providers, turn, text) or said
    state.intake = None
    state.confirm_forget = False
    state.pending_name = None
    return Reply(said, kind=f"safety-{verdict.category.value}",
                 end_call=verdict.end_call, effects=effects,
                 details={"safety": verdict.reason, "stop_workout": verdict.stop_workout})


def _with_general_note(providers, turn, text):
    """"Is that shin splints?": no diagnosis, but what the notes say about it in
    general, and when to see someone, instead of a bare referral."""
    note = grounded.general_note(providers, turn, text)
    if note is None:
        return None
    lines = lang.catalogue()
    return f"{lines['safety.medical_with_note']} {note} {lines['safety.medical_after_note']}"


def workout_command(providers, turn, text):
    """Done, skip, pause, easier... while a workout is being led."""
    if not providers.workouts.active(turn.state):
        return None
    return providers.workouts.handle(turn, text)


# -- the coach's own questions, answered ------------------------------------

def forget_confirmation(providers, turn, text):
    """The yes or no to "delete everything?"; anything else drops the question."""
    if not turn.state.confirm_forget:
        return None
    turn.state.confirm_forget = False
    lines = lang.catalogue()
    if is_yes(text):
        return Reply(lines["dialogue.forgotten"], kind="forget", action="forget")
    if is_no(text):
        return Reply(lines["dialogue.kept"], kind="forget-cancelled")
    return None


def resume_offer(providers, turn, text):
    """The answer to "pick up the workout that got cut off?"."""
    return providers.workouts.answer_resume_offer(turn, text)


def rename_confirmation(providers, turn, text):
    """The yes or no to "Should I call you Sam from now on?"."""
    pending = turn.state.pending_name
    if not pending:
        return None
    turn.state.pending_name = None
    lines = lang.catalogue()
    if is_yes(text):
        return Reply(lines.say("dialogue.renamed", name=pending), kind="memory",
                     profile_updates={"name": pending})
    if is_no(text):
        return Reply(lines.say("dialogue.name_kept", name=turn.caller.name), kind="memory")
    return None


def more_offer(providers, turn, text):
    """"Yes" to "Want to hear more?": the rest of the last answer."""
    offered = _more_hint()
    last = turn.state.last_reply or ""
    if not offered or not last.endswith(offered) or not accepts_offer(text):
        return None
    return grounded.grounded_answer(providers, turn, "tell me more")


def intake(providers, turn, text):
    """A new caller's name, then their goal. A skip ends it; a question, a request
    or anything that is not a name or a goal ends it too, and goes on to be answered."""
    state = turn.state
    if state.intake is None:
        return None
    lines = lang.catalogue()
    if is_skip(text) or (state.intake == "name" and declines_name(text)):
        state.intake = None
        return Reply(lines["dialogue.no_problem"], kind="intake")
    if is_question(text) or first_pass(text) or _memory_command(text):
        state.intake = None
        return None
    facts = memory.extract(text)
    facts.pop("name", None)
    if state.intake == "name":
        name = memory.extract_name(text, bare=True)
        if name is None:
            state.intake = None
            goal = memory.extract_goal(text) if memory.states_goal(text) else None
            if not goal:
                return None
            facts["goal"] = goal
            return Reply(f"{memory.describe(facts)} {lines['dialogue.intake_done']}",
                         kind="intake", profile_updates=facts)
        if facts.get("goal"):
            state.intake = None
            return Reply(f"{lines.say('dialogue.nice_to_meet_you', name=name)} "
                         f"{memory.describe(facts)} {lines['dialogue.intake_done']}",
                         kind="intake", profile_updates={"name": name, **facts})
        state.intake = "goal"
        return Reply(lines.say("dialogue.ask_goal", name=name), kind="intake",
                     profile_updates={"name": name, **facts})
    state.intake = None
    goal = memory.extract_goal(text) or (memory.goal_in_own_words(text))
    if goal:
        facts["goal"] = goal
    if not facts:
        return None
    return Reply(f"{memory.describe(facts)} {lines['dialogue.intake_done']}", kind="intake",
                 profile_updates=facts)


# -- the caller's own commands and what they tell us --------------------------

def memory_command(providers, turn, text):
    """"What's my name", "what do you know about me", "forget me", "forget my knee"."""
    lines = lang.catalogue()
    if MY_NAME.search(text):
        return your_name(providers, turn, text)
    if MY_GOAL.search(text):
        return your_goal(providers, turn, text)
    if ABOUT_ME.search(text):
        return about_me(providers, turn, text)
    if FORGET_ME.search(text):
        return forget_me(providers, turn, text)
    field_match = FORGET_FIELD.search(text)
    if field_match:
        key = {"goal": "goal", "equipment": "equipment"}.get(field_match.group(1), "injuries")
        return Reply(f"{lines['dialogue.forgotten_field']} {lines['dialogue.follow_up']}",
                     kind="memory", profile_updates={key: None})
    return None


def caller_facts(providers, turn, text):
    """A line that only tells us about the caller ("I have a bad knee", "my name's
    Jo"): say what we'll remember. A question, or a problem described ("my shins are
    killing me"), is never taken here: its facts are learned on the way to the
    answer. A known caller giving another name is asked before anything is renamed."""
    caller = turn.caller
    if is_question(text) or DESCRIBES_A_PROBLEM.search(words(text)):
        return None
    if turn.history and LEANS_BACK.match(words(text)) and not memory.extract_name(text):
        return None  # "and for a beginner?" goes on from the last answer
    learned = grounded.new_facts(memory.extract(text), caller)
    name = learned.pop("name", None)
    lines = lang.catalogue()
    if name and caller.name and memory.CORRECTED_NAME.search(text):
        # "No, it's not Tom, it's Tam": put right at once, nothing to confirm.
        return Reply(lines.say("dialogue.name_corrected", name=name), kind="memory",
                     profile_updates={"name": name})
    if name and caller.name:
        turn.state.pending_name = name
        return Reply(lines.say("dialogue.confirm_rename", name=name), kind="memory-confirm")
    if providers.answers_with_llm or not (name or learned):
        return None
    said = [lines.say("dialogue.nice_to_meet_you", name=name)] if name else []
    if learned:
        said.append(memory.describe(learned))
    said.append(lines["dialogue.follow_up"])
    return Reply(" ".join(said), kind="memory",
                 profile_updates={**({"name": name} if name else {}), **learned})


# -- routing: patterns first, then meaning ------------------------------------

def goodbye(providers, turn, text):
    """The caller is done, so close the call."""
    if not is_goodbye(text):
        return None
    return say_goodbye(providers, turn, text)


def repeat(providers, turn, text):
    """"Say that again" (or slower): the last reply, word for word."""
    if first_pass(text) not in ("repeat", "slower"):
        return None
    return say_again(providers, turn, text)


def training_talk(providers, turn, text):
    """Outside a workout: start one, plan the week, read the training log, suggest
    exercises; what the line told us about the caller is learned on the way."""
    if providers.workouts.active(turn.state):
        return None
    reply = providers.workouts.talk(turn, text)
    if reply is not None and _answered_instead(providers, reply, text):
        providers.workouts.withdraw_offer(turn.state)
        return None
    if reply is not None:
        reply.profile_updates = {**grounded.side_facts(text, turn.caller),
                                 **reply.profile_updates}
    return reply


def _answered_instead(providers, reply, text):
    """Whether the answer stage takes a line the training talk matched: with a model,
    a question about what to do (it answers with the profile); and "I can barely walk,
    what should I do tomorrow", which is about recovering."""
    worn_out = WORN_OUT.search(words(text)) is not None
    if reply.kind == "exercise-choice":
        return providers.answers_with_llm or worn_out
    return reply.kind == "today" and worn_out


def small_talk(providers, turn, text):
    """Hello, how are you, thanks, what can you do: a line of their own."""
    if providers.answers_with_llm:
        return None
    label = first_pass(text)
    if label not in ("small_talk", "identity", "thanks", "help"):
        return None
    return HANDLERS[label](providers, turn, text)


def routed_by_meaning(providers, turn, text):
    """What the patterns missed, routed by its nearest labelled examples."""
    router = providers.router
    if router is None:
        return None
    routed = router.route(text)
    if routed is None:
        return None
    label = routed.label
    if turn.history and LEANS_BACK.match(words(text)) and routed.score < LEANING_MIN_SCORE:
        return None  # "and which one first in a session": about the last answer
    if providers.answers_with_llm and (label not in COMMANDS or is_question(text)):
        return None
    if is_question(text) and (label not in ASKED_AS_QUESTIONS or ASKS_ADVICE.match(words(text))):
        return None
    if label in TRAINING and providers.workouts.active(turn.state):
        return None
    if label == "start_workout" and NOT_NOW.search(words(text)):
        return None
    reply = HANDLERS[label](providers, turn, text)
    if reply is not None:
        reply.details = {**reply.details, "intent": label, "intent_score": round(routed.score, 3)}
    return reply


# -- what each intent does ------------------------------------------------------

def say_goodbye(providers, turn, text):
    return Reply(lang.catalogue()["dialogue.closing"], kind="goodbye", end_call=True)


def say_again(providers, turn, text):
    last = turn.state.last_reply
    if not last:
        return Reply(lang.catalogue()["dialogue.nothing_to_repeat"], kind="repeat")
    return Reply(last, kind="repeat")


def your_name(providers, turn, text):
    lines = lang.catalogue()
    if turn.caller.name:
        return Reply(lines.say("dialogue.your_name", name=turn.caller.name), kind="memory")
    turn.state.intake = "name"  # the next line may be just the name
    return Reply(lines["dialogue.name_unknown"], kind="memory")


def your_goal(providers, turn, text):
    lines = lang.catalogue()
    goal = turn.caller.profile.get("goal")
    said = lines.say("dialogue.your_goal", goal=goal) if goal else lines["dialogue.goal_unknown"]
    return Reply(said, kind="memory")


def about_me(providers, turn, text):
    return Reply(memory.read_back(turn.caller.name, turn.caller.profile), kind="memory")


def forget_me(providers, turn, text):
    turn.state.confirm_forget = True
    return Reply(lang.catalogue()["dialogue.confirm_forget"], kind="forget-confirm")


def _named_line(key):
    def handler(providers, turn, text):
        lines = lang.catalogue()
        name = turn.caller.name
        said = lines.say(f"dialogue.{key}_named", name=name) if name else lines[f"dialogue.{key}"]
        return Reply(said, kind=key.replace("_", "-"))
    return handler


def _line(key):
    def handler(providers, turn, text):
        return Reply(lang.catalogue()[f"dialogue.{key}"], kind=key.replace("_", "-"))
    return handler


TRAINING = frozenset({"start_workout", "weekly_plan", "todays_workout", "last_time"})
HANDLERS = {
    "start_workout": lambda providers, turn, text: providers.workouts.start(turn, text),
    "weekly_plan": lambda providers, turn, text: providers.workouts.plan_week(turn, text),
    "todays_workout": lambda providers, turn, text: providers.workouts.today(turn),
    "last_time": lambda providers, turn, text: providers.workouts.last_time(turn),
    "about_me": about_me,
    "my_name": your_name,
    "my_goal": your_goal,
    "forget_me": forget_me,
    "repeat": say_again,
    "slower": say_again,
    "goodbye": say_goodbye,
    "small_talk": _named_line("small_talk"),
    "identity": _line("identity"),
    "hard_session": _named_line("hard_session"),
    "thanks": _named_line("thanks"),
    "help": _line("capabilities"),
    "off_topic": _line("off_topic"),
    "complaint": _line("complaint"),
}


def _memory_command(text):
    return any(pattern.search(text) for pattern in (MY_NAME, MY_GOAL, ABOUT_ME, FORGET_ME,
                                                    FORGET_FIELD))


def _more_hint():
    """The responder's "Want to hear more?", if the answering lines have one."""
    try:
        return lang.catalogue()["answering.more_hint"]
    except lang.LanguageDataError:
        return None
