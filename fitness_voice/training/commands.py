"""What the caller says to the workout coach: a training request, a command
during a workout, an answer to a resume offer, or how hard a set was.

The phrases come from the language's ``training/commands.yaml``, checked when
first loaded.
"""

import functools
import re
from dataclasses import dataclass

from .. import lang
from ..text import vocab
from ..text.numbers import parse_number
from .requests import CONDITIONS, complaints, normalize_text, vocabulary
from .vocabulary import AS_WRITTEN, VocabularyFile

INTENTS = ("start", "not_start", "week_plan", "today", "last_time", "says_length")
# Each command is a method ``_<name>`` of the WorkoutCoach.
COMMANDS = ("goodbye", "stop", "pause", "how", "left", "easier", "harder", "skip", "repeat",
            "done")


class _Answer:
    """A yes or a no at the start of a line, from text.vocab's vocabularies."""

    def __init__(self, *names):
        self.names = names

    def match(self, text):
        return any(vocab.means(name, text, vocab.START) for name in self.names)


# Answers to "want to pick up where you left off?" (a start request also declines it).
YES = _Answer("yes", "resume")
NO = _Answer("no", "start_over")
EFFORT = re.compile(r"\b(10|[1-9]|one|two|three|four|five|six|seven|eight|nine|ten)\b")


@dataclass(frozen=True)
class Phrases:
    """The compiled phrases of one language (see lang/en/training/commands.yaml)."""

    intents: dict  # intent name -> pattern (ignoring case)
    commands: tuple  # ((command name, pattern), ...), first match wins
    pain: re.Pattern  # pain with no body part named
    accept_offer: re.Pattern  # yes to "want me to take you through them?"

    def intent(self, name, text):
        if name == "start" and self.intents["not_start"].search(text):
            return False  # "I want to start walking for exercise, where do I begin"
        return self.intents[name].search(text) is not None

    def command(self, text):
        """The workout command in `text`, or None."""
        lowered = text.lower().strip()
        for name, pattern in self.commands:
            if pattern.search(lowered):
                return name
        return None


def phrases(language=None) -> Phrases:
    """The workout phrases of `language` (default: the active one), compiled once."""
    return _phrases(language or lang.active_language())


@functools.cache
def _phrases(language):
    words = VocabularyFile("training/commands", language)
    return Phrases(
        intents={name: words.pattern(f"intents.{name}", AS_WRITTEN, re.IGNORECASE)
                 for name in words.names("intents", INTENTS)},
        commands=tuple((name, words.pattern(f"commands.{name}", AS_WRITTEN))
                       for name in words.names("commands", COMMANDS)),
        pain=words.pattern("pain", AS_WRITTEN),
        accept_offer=words.pattern("accept_offer", AS_WRITTEN, re.IGNORECASE))


def pain_in(text, phrases_=None):
    """What hurts, when the caller says something does: (limitations named, e.g.
    ["knee"], possibly []), or None when the line is not about pain. "It doesn't
    hurt any more" is not pain."""
    said = phrases_ or phrases()
    words = vocabulary()
    lowered = normalize_text(text)
    parts = [part for part in complaints(lowered) if part not in CONDITIONS]
    if parts:
        return parts
    if words.healed.search(lowered) and not words.not_ok.search(lowered):
        return None
    return [] if said.pain.search(lowered) else None


def effort_of(text):
    """A rating from one to ten in `text`, or None."""
    match = EFFORT.search(text.lower())
    if match is None:
        return None
    word = match.group(1)
    value = parse_number(word)
    return value if 1 <= value <= 10 else None
