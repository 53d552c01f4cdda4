"""What a caller means by a short answer: yes, no, skip, repeat, slower, goodbye.

The phrases are language data (lang/<code>/vocab.yaml, which explains where a
phrase counts); they are compiled once per language, on first use, and checked
then. A caller chooses how much of what was said must be the phrase:
WHOLE (all of it, "okay, bye for now"), START (its opening, "yes, let's go")
or ANYWHERE ("can you say that again please").
"""

import functools
import re
from dataclasses import dataclass

from .. import lang
from .normalise import normalise

WHOLE, START, ANYWHERE = "whole", "start", "anywhere"
_PLACES = ("anywhere", "start", "alone")
_KEYS = frozenset({*_PLACES, "lead_ins", "tails", "refuse_questions"})


@dataclass(frozen=True)
class Vocabulary:
    """One meaning's phrases, compiled for each kind of match."""

    name: str
    whole: re.Pattern
    start: re.Pattern | None
    anywhere: re.Pattern | None
    refuse_questions: bool = False

    def matches(self, text, match):
        """Whether `text` says this vocabulary's meaning, by `match`."""
        said = normalise(text)
        if match == WHOLE:
            if self.refuse_questions and str(text or "").rstrip().endswith("?"):
                return False
            return self.whole.fullmatch(said) is not None
        if match == START:
            return self.start is not None and self.start.match(said) is not None
        if match == ANYWHERE:
            return self.anywhere is not None and self.anywhere.search(said) is not None
        raise ValueError(f"match must be WHOLE, START or ANYWHERE, not {match!r}")


def means(name, text, match, language=None):
    """Whether `text` says the vocabulary `name` ("yes", "resume", ...) by `match`."""
    return vocabulary(name, language).matches(text, match)


def is_yes(text, match=START):
    """Whether `text` is a yes; by default, whether it opens with one ("yeah, go on")."""
    return means("yes", text, match)


def is_no(text, match=START):
    """Whether `text` is a no; by default, whether it opens with one ("no, not today")."""
    return means("no", text, match)


def is_skip(text, match=START):
    """Whether `text` passes on a question; by default, whether it opens so ("skip")."""
    return means("skip", text, match)


def is_repeat(text, match=ANYWHERE):
    """Whether `text` asks to hear the last thing again; by default, anywhere in it."""
    return means("repeat", text, match)


def is_slower(text, match=ANYWHERE):
    """Whether `text` asks the coach to slow down; by default, anywhere in it."""
    return means("slower", text, match)


def is_goodbye(text, match=WHOLE):
    """Whether `text` ends the call; by default, only when that is all it says."""
    return means("goodbye", text, match)


def is_ack(text, match=WHOLE):
    """Whether `text` only acknowledges ("okay", "got it")."""
    return means("ack", text, match)


def vocabulary(name, language=None):
    """The compiled vocabulary `name` of `language` (default: the active language)."""
    vocabularies = _vocabularies(language or lang.active_language())
    try:
        return vocabularies[name]
    except KeyError:
        raise lang.LanguageDataError(f"no vocabulary {name!r} in vocab.yaml") from None


@functools.cache
def _vocabularies(language):
    data = lang.data("vocab", language)
    entries = data.get("vocabularies")
    if not isinstance(entries, dict) or not entries:
        raise lang.LanguageDataError(f"{language}: vocab.yaml needs a 'vocabularies' mapping")
    return {name: _compiled(language, name, entry) for name, entry in entries.items()}


def _compiled(language, name, entry):
    where = f"{language}: vocabulary {name!r}"
    if not isinstance(entry, dict) or set(entry) - _KEYS:
        raise lang.LanguageDataError(f"{where} must be a mapping of {sorted(_KEYS)}")
    anywhere, start, alone, lead_ins, tails = (
        _phrases(where, entry, key) for key in (*_PLACES, "lead_ins", "tails"))
    if not (anywhere or start or alone):
        raise lang.LanguageDataError(f"{where} has no phrases")
    lead = f"(?:(?:{'|'.join(lead_ins)}) )*" if lead_ins else ""
    tail = f"(?: (?:{'|'.join(tails)}))*" if tails else ""
    try:
        return Vocabulary(
            name=name,
            whole=re.compile(f"{lead}(?:{'|'.join(anywhere + start + alone)}){tail}"),
            start=(re.compile(rf"{lead}(?:{'|'.join(anywhere + start)})\b")
                   if anywhere or start else None),
            anywhere=re.compile(rf"\b(?:{'|'.join(anywhere)})\b") if anywhere else None,
            refuse_questions=entry.get("refuse_questions") is True,
        )
    except re.error as error:
        raise lang.LanguageDataError(f"{where}: a phrase is not a valid pattern: {error}") from None


def _phrases(where, entry, key):
    """The phrases under `key`, apostrophes made optional."""
    phrases = entry.get(key) or []
    if not isinstance(phrases, list) or not all(
            isinstance(phrase, str) and phrase.strip() for phrase in phrases):
        raise lang.LanguageDataError(f"{where}: {key!r} must be a list of phrases")
    return [phrase.strip().replace("'", "'?") for phrase in phrases]
