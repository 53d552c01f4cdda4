"""The output check: what the coach is about to say (from the LLM or the
grounded responder), replaced by a safe line when it diagnoses, gives a
medication dose or a very low calorie target, or leaks its instructions.

A leak needs a real sign of one: words about the instructions themselves ("my
instructions say", "system prompt"), or a run of ECHO_WORDS words copied from
them. A run the coach's own lines also contain (the language's catalogue, such
as "I can help with workouts, exercise technique, nutrition, sleep and
recovery") is the coach talking, not a leak: the instructions tell it to say so.

The patterns are language data (the `reply_check` section of
lang/<code>/safety/rules.yaml); the replacements are lines in lines/safety.yaml.
"""

import functools
import re

from .. import lang
from .normalise import normalise
from .rules import REPLY_CHECK_CUES, rule_set

CALORIE_FLOOR = 1200  # a daily target under this is too low to suggest
ECHO_WORDS = 8  # this many words in a row from the instructions is an echo of them


def check_reply(text: str, *, instructions: str | None = None) -> str | None:
    """A safe replacement for a reply that diagnoses, gives a medication dose or a
    calorie target under 1200, or reveals or echoes its instructions; else None.
    Pass the system prompt as `instructions` to also catch verbatim echoes of it."""
    if not text or not text.strip():
        return None
    words = normalise(text)
    sentences = [s.strip() for s in words.split(" . ") if s.strip(" .")]
    rules = rule_set()
    checks = rules.reply_check
    lines = lang.catalogue()
    if _leaks(words, instructions, checks):
        return lines["safety.instead_of_instructions"]
    if _diagnoses(sentences, checks):
        return lines["safety.instead_of_diagnosis"]
    if _medicates(sentences, checks, rules.cues):
        return lines["safety.instead_of_medication"]
    if _low_calorie_target(sentences, checks):
        return lines["safety.instead_of_low_calorie_target"]
    return None


def _leaks(words, instructions, checks):
    if checks.leak.search(words) or checks.echo_start.match(words):
        return True
    if not instructions:
        return False
    return not _runs(words).isdisjoint(_instruction_runs(instructions, lang.active_language()))


def _runs(text):
    """Every run of ECHO_WORDS words in normalised `text`, sentence ends ignored."""
    told = [word for word in text.split() if word != "."]
    return {" ".join(told[i:i + ECHO_WORDS]) for i in range(len(told) - ECHO_WORDS + 1)}


@functools.lru_cache(maxsize=8)
def _instruction_runs(instructions, language):
    """The runs of `instructions` that would give them away: not those of the coach's lines."""
    own = set()
    for line in lang.catalogue(language).templates():
        for literal in re.split(r"\{[^{}]*\}", line):  # what a template says word for word
            own |= _runs(normalise(literal))
    return frozenset(_runs(normalise(instructions)) - own)


def _diagnoses(sentences, checks):
    return any(not checks.unsure_before.search(s[:m.start()])
               for s in sentences for m in checks.diagnosis.finditer(s))


def _medicates(sentences, checks, cues):
    # A dose in one sentence may belong to a supplement named in the one before
    # ("3 milligrams of caffeine per kilogram... Lower doses around 2 milligrams...").
    supplement_reply = (any(checks.supplement.search(s) for s in sentences)
                        and not any(checks.drug.search(s) for s in sentences))
    for s in sentences:
        supplement = checks.supplement.search(s)
        if checks.dose.search(s) and not supplement and not supplement_reply:
            return True
        if checks.drug.search(s) and re.search(r"\d", s) and not supplement:
            return True
        for m in checks.recommend_drug.finditer(s):
            if not checks.clinician.search(s) and not cues.cancel(s, m.start(), REPLY_CHECK_CUES):
                return True
    return False


def _low_calorie_target(sentences, checks):
    for s in sentences:
        for m in checks.calories.finditer(s):
            if int(m.group(1)) >= CALORIE_FLOOR:
                continue
            before = " ".join(s[:m.start()].split()[-5:])
            after = s[m.end():].strip()
            if checks.not_target_before.search(before) or checks.not_target_after.match(after):
                continue
            if checks.target_before.search(before) or checks.daily_after.match(after):
                return True
    return False
