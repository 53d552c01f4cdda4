"""The ordered stages that answer what the caller said: the first to return a
Reply answers. This list is the one place the order is written.

Safety comes first, so nothing else answers a red flag. A pending question (a
"forget me" confirmation, a resume offer) and workout commands come before the
goodbye, so "done" or "stop" in a workout is a command, not a hang-up. The
intake and the caller's own commands come before training talk, and the grounded
answer takes whatever is left.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .. import lang, safety
from ..contract import Reply
from . import flow, grounded, stages
from .greeting import hello, welcome_back
from .intents import SAFETY_EXAMPLES


@dataclass(frozen=True)
class Stage:
    name: str
    answer: Callable  # (providers, turn, text) -> Reply | None
    # Whether "say that again" repeats this stage's reply (not the goodbye).
    remembered: bool = True


STAGES = (
    Stage("safety", stages.safety_check),
    Stage("forget-confirmation", stages.forget_confirmation),
    Stage("resume-offer", stages.resume_offer),
    Stage("workout-command", stages.workout_command),
    Stage("goodbye", flow.goodbye, remembered=False),
    Stage("intake", stages.intake),
    Stage("memory-command", stages.memory_command),
    Stage("repeat", stages.repeat),
    Stage("training-talk", stages.training_talk),
    Stage("grounded-answer", grounded.grounded_answer),
)


@dataclass
class Providers:
    """What the stages answer with, built once by the factory."""

    knowledge: object  # search(text, k) -> passages found
    responder: object  # answer(CoachContext) -> LLMAnswer
    workouts: object  # the workout coach
    safety_lines: dict  # {"emergency_number": ..., "crisis_line": ...}
    k: int = 3  # passages retrieved per question
    # The caller's line with recognition slips undone (retrieval.repair_speech);
    # turn.speech keeps the words as heard, and safety reads both.
    repair: Callable[[str], str] = lambda text: text


class Pipeline:
    """Greets, and answers each line with the first stage that has a reply."""

    def __init__(self, providers, stages=STAGES):
        self.providers = providers
        self.stages = stages
        safety.load()  # the rules load here, not on the first caller's turn

    def greet(self, caller, state):
        lines = lang.catalogue()
        if not caller.returning:
            state.intake = "name"
            return _remembered(state, Reply(lines["dialogue.intro"], kind="greeting"))
        resume = self.providers.workouts.offer_resume(caller, state)
        if resume:
            return _remembered(state, Reply(f"{hello(caller)} {resume}", kind="greeting"))
        return _remembered(state, Reply(welcome_back(caller), kind="greeting"))

    def on_silence(self, turn):
        """Silence in a workout belongs to the workout; otherwise None (the flow reprompts)."""
        workouts = self.providers.workouts
        if not workouts.active(turn.state):
            return None
        return _remembered(turn.state, workouts.on_silence(turn))

    def answer(self, turn):
        return self.answering_stage(turn)[1]

    def answering_stage(self, turn):
        """(the stage that answered, its reply)."""
        text = self.providers.repair(turn.speech.strip())
        for stage in self.stages:
            reply = stage.answer(self.providers, turn, text)
            if reply is not None:
                return stage, _remembered(turn.state, reply) if stage.remembered else reply
        raise LookupError("no stage answered; the last stage must always answer")

    def fixed_phrases(self):
        lines = lang.catalogue()
        own = [lines[f"dialogue.{key}"] for key in (
            "intro", "intake_done", "no_problem", "confirm_forget", "forgotten", "kept",
            "nothing_to_repeat")]
        own.append(f"{lines['dialogue.welcome_back']} {lines['dialogue.what_today']}")
        safety_lines = [safety.classify(example, **self.providers.safety_lines).reply
                        for example in SAFETY_EXAMPLES]
        return [*own, *self.providers.responder.fixed_phrases(),
                *self.providers.workouts.fixed_phrases(), *filter(None, safety_lines)]


def _remembered(state, reply):
    state.last_reply = reply.text
    return reply
