"""The ordered stages that answer what the caller said: the first to return a
Reply answers. This list is the one place the order is written.

1. Safety, on every line, whatever the call is waiting for: nothing else answers
   a red flag, and a red flag ends the intake and drops a pending question.
2. Commands to the workout being led ("done", "skip", "stop"; "bye" stops it).
3. Answers to the coach's own questions: "delete everything?", "pick up where you
   left off?", "should I call you Sam?", "want to hear more?", and the intake's
   "what should I call you?" and "what's your goal?". Each takes only a real
   answer: a question or a request goes on down the list.
4. The caller's memory: "what's my name", "what do you know about me", "forget me".
5. Intent routing: high-precision patterns first (goodbye, repeat, training
   requests, small talk); then a line that only tells us about the caller ("I
   have a bad knee", "my name's Jo"); then the line's nearest labelled examples
   by meaning.
6. The answer, which takes whatever is left, and learns the caller's facts on the
   way without ever being replaced by them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from .. import lang, safety
from ..contract import Reply
from . import grounded, stages
from .checkin import telling_keypad
from .greeting import hello, welcome_back
from .intents import SAFETY_EXAMPLES
from .outreach import offer_texts, outreach_request
from .plain import plain_words


@dataclass(frozen=True)
class Stage:
    name: str
    answer: Callable  # (providers, turn, text) -> Reply | None
    # Whether "say that again" repeats this stage's reply (not the goodbye).
    remembered: bool = True


STAGES = (
    Stage("safety", stages.safety_check),
    # Check-in calls, texts and a person to talk to (dialogue/outreach.py).
    Stage("outreach", outreach_request),
    Stage("workout-command", stages.workout_command),
    Stage("forget-confirmation", stages.forget_confirmation),
    Stage("resume-offer", telling_keypad(stages.resume_offer)),
    Stage("rename-confirmation", stages.rename_confirmation),
    Stage("more-offer", stages.more_offer),
    Stage("intake", stages.intake),
    Stage("memory-command", stages.memory_command),
    Stage("goodbye", stages.goodbye, remembered=False),
    Stage("repeat", stages.repeat),
    Stage("training-talk", telling_keypad(stages.training_talk)),
    Stage("small-talk", stages.small_talk),
    Stage("caller-facts", stages.caller_facts),
    Stage("routed-by-meaning", telling_keypad(stages.routed_by_meaning)),
    Stage("grounded-answer", grounded.grounded_answer),
)
URGENT = (safety.Category.RED_FLAG, safety.Category.CRISIS)


@dataclass
class Providers:
    """What the stages answer with, built once by the factory."""

    knowledge: object  # search(text, k) -> passages found
    responder: object  # answer(CoachContext) -> LLMAnswer
    workouts: object  # the workout coach
    safety_lines: dict  # {"emergency_number": ..., "crisis_line": ...}
    k: int = 3  # passages retrieved per question
    # Routes a line by meaning (intents.IntentRouter); None routes by patterns only.
    router: object = None
    # An LLM answers: the stages before it take only what they are sure of.
    answers_with_llm: bool = False
    # The caller's line with recognition slips undone (retrieval.repair_speech);
    # turn.speech keeps the words as heard, and safety reads both.
    repair: Callable[[str], str] = lambda text: text
    # dialogue.outreach.OutreachSettings: hand-off, quiet hours, texts; None: the defaults.
    outreach: object = None


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

    def urgent(self, turn):
        """The safety stage's reply when the line is a red flag or a crisis, else None:
        for lines the call flow would otherwise ask to hear again."""
        verdict = safety.classify(turn.speech, **self.providers.safety_lines)
        if verdict.category not in URGENT:
            return None
        stage = self.stages[0]
        return _remembered(turn.state, stage.answer(self.providers, turn, turn.speech.strip()))

    def answering_stage(self, turn):
        """(the stage that answered, its reply)."""
        # Slips undone, then figures of speech put plainly ("my legs are dead").
        text = plain_words(self.providers.repair(turn.speech.strip()))
        for stage in self.stages:
            reply = stage.answer(self.providers, turn, text)
            if reply is not None:
                reply = offer_texts(self.providers, turn, reply)
                return stage, _remembered(turn.state, reply) if stage.remembered else reply
        raise LookupError("no stage answered; the last stage must always answer")

    def fixed_phrases(self):
        lines = lang.catalogue()
        own = [lines[f"dialogue.{key}"] for key in (
            "intro", "intake_done", "no_problem", "confirm_forget", "forgotten", "kept",
            "nothing_to_repeat", "small_talk", "thanks", "capabilities", "off_topic",
            "complaint", "name_unknown", "goal_unknown")]
        own.append(f"{lines['dialogue.welcome_back']} {lines['dialogue.what_today']}")
        safety_lines = [safety.classify(example, **self.providers.safety_lines).reply
                        for example in SAFETY_EXAMPLES]
        return [*own, *self.providers.responder.fixed_phrases(),
                *self.providers.workouts.fixed_phrases(), *filter(None, safety_lines)]


def _remembered(state, reply):
    state.last_reply = reply.text
    return reply
