"""The conversation: what to say next, given the caller, the call and the words.

No Flask and no vendor SDK here: the coach gets plain data and returns a Reply.
"""

import re
from dataclasses import dataclass, field

GOODBYE_PATTERN = re.compile(
    r"^(?:ok(?:ay)?[,.]?\s+|alright[,.]?\s+|thanks?(?: you)?[,.]?\s+)*"
    r"(?:bye|goodbye|good bye|bye bye|see you|see ya|that'?s all|that is all|"
    r"that'?s it|hang up|i'?m done|we'?re done|end (?:the )?call|talk (?:to you )?later)"
    r"(?:\s+(?:for now|for today|now|then|thanks?|thank you|coach))*[.!]*$",
    re.IGNORECASE,
)


@dataclass
class CallerInfo:
    phone_number: str
    name: str | None = None
    profile: dict = field(default_factory=dict)
    returning: bool = False


@dataclass
class TurnInput:
    """One thing the caller said (or did not say) and what the coach knows so far."""

    speech: str
    confidence: float | None
    caller: CallerInfo
    state: dict
    history: list = field(default_factory=list)  # [(caller said, coach replied), ...]


@dataclass
class Reply:
    text: str
    kind: str = "answer"
    end_call: bool = False
    # Seconds of silence to leave after the text, e.g. a timed hold in a workout.
    pause_seconds: int = 0
    profile_updates: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)


@dataclass
class CallFlowSettings:
    max_missed_turns: int = 3
    min_confidence: float = 0.3


REPROMPTS = (
    "Sorry, I didn't hear anything. What would you like to work on?",
    "I still can't hear you. If you're there, just ask me a question.",
)
MISSED_GOODBYE = "I can't hear you, so I'll hang up for now. Call back any time. Goodbye!"
UNCLEAR = "Sorry, I didn't quite catch that. Could you say it again?"
CLOSING = "Thanks for calling. Keep moving and take care. Goodbye!"


class CallFlow:
    """Rules every call follows, whatever answers the questions:
    silence, unclear speech and goodbyes."""

    def __init__(self, settings, answerer):
        self.settings = settings
        self.answerer = answerer

    def greet(self, caller, state):
        return self.answerer.greet(caller, state)

    def fixed_phrases(self):
        """Every line this coach says word for word, for pre-rendering audio."""
        own = (*REPROMPTS, MISSED_GOODBYE, UNCLEAR, CLOSING)
        return list(dict.fromkeys((*own, *self.answerer.fixed_phrases())))

    def respond(self, turn):
        text = turn.speech.strip()
        if not text:
            return self._missed(turn.state)
        turn.state["missed"] = 0
        if self._should_ask_again(turn):
            turn.state["asked_again"] = True
            return Reply(UNCLEAR, kind="unclear")
        turn.state["asked_again"] = False
        early = self.answerer.before_goodbye(turn)
        if early is not None:
            return early
        if GOODBYE_PATTERN.match(text):
            return Reply(CLOSING, kind="goodbye", end_call=True)
        return self.answerer.answer(turn)

    def _missed(self, state):
        missed = state.get("missed", 0) + 1
        state["missed"] = missed
        if missed >= self.settings.max_missed_turns:
            return Reply(MISSED_GOODBYE, kind="silence-goodbye", end_call=True)
        return Reply(REPROMPTS[min(missed, len(REPROMPTS)) - 1], kind="reprompt")

    def _should_ask_again(self, turn):
        # Twilio warns Confidence may be missing or inaccurate: a hint, so we
        # ask once and then take what we heard rather than loop.
        confidence = turn.confidence
        if confidence is None or confidence >= self.settings.min_confidence:
            return False
        return not turn.state.get("asked_again")


SCOPE = "workouts, exercise technique, nutrition, sleep and recovery"


class SmallTalkAnswerer:
    """The simplest honest answerer: greets, makes small talk, and says plainly
    that it cannot answer fitness questions yet."""

    def greet(self, caller, state):
        if caller.returning and caller.name:
            return Reply(f"Welcome back, {caller.name}! What would you like to work on today?",
                         kind="greeting")
        return Reply("Hi, I'm your fitness coach. What would you like to work on today?",
                     kind="greeting")

    def before_goodbye(self, turn):
        return None

    def fixed_phrases(self):
        return ["Hi, I'm your fitness coach. What would you like to work on today?"]

    def answer(self, turn):
        text = turn.speech.lower()
        if re.search(r"\b(hello|hi|hey|good (morning|afternoon|evening))\b", text):
            return Reply("Hello! What would you like to work on?", kind="smalltalk")
        if re.search(r"\b(thanks|thank you|cheers)\b", text):
            return Reply("You're welcome. Anything else?", kind="smalltalk")
        return Reply(
            f"I can help with {SCOPE}, but I can't look that up right now. "
            "Is there something else I can do for you?",
            kind="cannot-answer",
        )
