"""What kind of question the caller asked (why, how long, how often, how much,
a comparison, is it OK, how to, what to do, what is), and whether a sentence
of the notes looks like an answer to that kind: "how long" wants a duration,
"why" a reason ("because", "helps", "so that"), "is it normal" a yes-or-no
with its reason.

The patterns are language data (lang/<code>/answering/questions.yaml).
"""

import functools
import re
from dataclasses import dataclass

from .. import lang
from .plain_text import normalise

KINDS = ("why", "duration", "frequency", "when", "amount", "comparison", "ok", "how_to",
         "what_to_do", "what_is")
# Kinds whose answers are figures: a sentence with a number fits them.
QUANTITIES = ("duration", "frequency", "amount")


@dataclass(frozen=True)
class _Kind:
    name: str
    asks: tuple
    answers: tuple
    defaults: tuple = ()    # ((unless, prefer), ...)


def paraphrased(question):
    """The plainer question a way of asking means (language data `paraphrases`), or the
    question itself: "does creatine actually do anything" -> "what does creatine do"."""
    text = normalise(question)
    for pattern, say in _paraphrases(lang.active_language()):
        found = pattern.fullmatch(text)
        if found:
            return found.expand(say)
    return question


@functools.cache
def _paraphrases(language):
    entries = lang.data("answering/questions", language).get("paraphrases") or []
    where = f"{language}: answering/questions.yaml"
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and set(e) == {"match", "say"} for e in entries):
        raise lang.LanguageDataError(f"{where}: `paraphrases` must be a list of {{match, say}}")
    try:
        return tuple((re.compile(e["match"]), e["say"]) for e in entries)
    except re.error as error:
        raise lang.LanguageDataError(f"{where}: paraphrases: bad pattern: {error}") from None


def kind_of(question):
    """The kind of question (one of KINDS), or None when it is none of them."""
    text = normalise(question)
    if not text:
        return None
    for said in (text, _after_statement(text)):
        for kind in _kinds(lang.active_language()) if said else ():
            if any(pattern.search(said) for pattern in kind.asks):
                return kind.name
    return None


# "I'm sixty eight, can I still lift": the question after what the caller says
# about themselves begins at its first question word.
_STATEMENT = re.compile(r"^(?:(?:so|and|well|um|uh|hi|hey|okay|ok) )*(?:i|i'm|im|i've|ive|"
                        r"i'd|my|we|we're|me and|our)\b")
_QUESTION_WORD = re.compile(r"(?<= )(?:is|are|can|could|should|do|does|will|would|am|"
                            r"how|what|why|when)\b")


def _after_statement(text):
    if not _STATEMENT.match(text):
        return None
    found = _QUESTION_WORD.search(text)
    return text[found.start():] if found else None


def preferred(kind, question, text):
    """Whether `text` (a sentence or a heading) is what a question of `kind` means
    when it does not say otherwise: "how much protein" means a day."""
    found = _by_name(lang.active_language()).get(kind) if kind else None
    if found is None or not found.defaults:
        return False
    asked, said = normalise(question), normalise(text)
    return any(not unless.search(asked) and prefer.search(said)
               for unless, prefer in found.defaults)


def fits(kind, sentence):
    """Whether `sentence` looks like an answer to a question of `kind`."""
    if kind is None:
        return False
    found = _by_name(lang.active_language()).get(kind)
    if found is None:
        return False
    text = normalise(sentence)
    return any(pattern.search(text) for pattern in found.answers)


@functools.cache
def _by_name(language):
    return {kind.name: kind for kind in _kinds(language)}


@functools.cache
def _kinds(language):
    data = lang.data("answering/questions", language)
    where = f"{language}: answering/questions.yaml"
    entries = data.get("kinds")
    if not isinstance(entries, list) or not entries:
        raise lang.LanguageDataError(f"{where}: `kinds` must be a list of question kinds")
    kinds = []
    for entry in entries:
        name = (entry or {}).get("name") if isinstance(entry, dict) else None
        if name not in KINDS:
            raise lang.LanguageDataError(f"{where}: unknown question kind {name!r}; "
                                         f"expected one of {', '.join(KINDS)}")
        kinds.append(_Kind(name, _patterns(where, name, entry, "asks"),
                           _patterns(where, name, entry, "answers"),
                           _defaults(where, name, entry.get("defaults") or [])))
    missing = set(KINDS) - {kind.name for kind in kinds}
    if missing:
        raise lang.LanguageDataError(f"{where}: kinds missing: {', '.join(sorted(missing))}")
    return tuple(kinds)


def _defaults(where, name, entries):
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and set(e) == {"unless", "prefer"} for e in entries):
        raise lang.LanguageDataError(f"{where}: {name}.defaults must be a list of "
                                     "{unless, prefer} patterns")
    return tuple(tuple(_patterns(where, name, {"p": [e[key]]}, "p")[0]
                       for key in ("unless", "prefer")) for e in entries)


def _patterns(where, name, entry, key):
    found = entry.get(key)
    if not isinstance(found, list) or not found or not all(isinstance(p, str) for p in found):
        raise lang.LanguageDataError(f"{where}: {name}.{key} must be a list of patterns")
    try:
        return tuple(re.compile(pattern) for pattern in found)
    except re.error as error:
        raise lang.LanguageDataError(f"{where}: {name}.{key}: bad pattern: {error}") from None
