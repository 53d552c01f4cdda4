"""What every responder takes and gives: the turn's context, the answer, the
one error type a provider raises, and the Responder protocol.

Passages come from retrieval; they are used structurally (any object with
`id, text, title, heading, file`, and optionally `score`), so answering does
not import it.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

PROFILE_KEYS = ("name", "goal", "experience", "injuries", "equipment",
                "days_per_week", "minutes_per_session")


@dataclass
class CoachContext:
    """Everything a responder may use for one turn."""

    question: str                                      # what the caller just said
    passages: list = field(default_factory=list)       # retrieved passages, best first
    relevant: bool = False                             # retrieval found something relevant
    history: list = field(default_factory=list)        # [(caller said, coach replied), ...]
    profile: dict = field(default_factory=dict)        # PROFILE_KEYS, any may be missing
    state: dict = field(default_factory=dict)          # per-call scratch state, JSON-safe
    # Offered the reply's first sentence while the rest is still being written;
    # returns whether the caller hears it now. None: the whole reply is awaited.
    first_sentence: Callable[[str], bool] | None = None


@dataclass
class LLMAnswer:
    text: str
    source: str                                        # "openai" or "grounded"
    profile_updates: dict = field(default_factory=dict)
    usage: dict = field(default_factory=dict)          # prompt/completion/total tokens, or {}
    passages_used: list = field(default_factory=list)  # passage ids
    timings: dict = field(default_factory=dict)        # {"llm_ms": ...}
    error: str | None = None                           # why the fallback was used


class LLMError(Exception):
    """A provider could not give a usable reply (timeout, HTTP error, bad output).

    `profile_updates` keeps what a tool call had already told us, so a failure
    after the tool call does not lose it.
    """

    def __init__(self, message, profile_updates=None):
        super().__init__(message)
        self.profile_updates = dict(profile_updates or {})


class Responder(Protocol):
    """Answers one turn. A provider raises only LLMError; FallbackResponder never raises."""

    def answer(self, context: CoachContext) -> LLMAnswer: ...

    def fixed_phrases(self) -> list[str]:
        """The replies said word for word, so the speech layer can pre-render them."""
        ...


def elapsed_ms(start):
    """Milliseconds since `start` (a time.monotonic() reading), as timings hold them."""
    return round((time.monotonic() - start) * 1000, 1)
