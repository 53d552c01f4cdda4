"""The rule engine: apply a language's rules to one utterance and decide.

Each rule's matches are tried in turn; a match stands unless a cue cancels it
(cues.py), a condition of the rule rules it out, or its guard says no
(guards.py). The first rule of a category that stands gives the category's
reason; the highest-priority category found decides the verdict.
"""

from dataclasses import dataclass

from .normalise import normalise
from .replies import reply_for
from .rules import rule_set
from .verdict import Category, Verdict


@dataclass(frozen=True)
class Hit:
    category: Category
    reason: str
    stop_workout: bool
    end_call: bool


def classify(text: str, *, emergency_number: str = "911", crisis_line: str = "988") -> Verdict:
    """Sort what the caller said into a safety category, with the reply to speak."""
    words = normalise(text)
    if not words.strip(" ."):
        return Verdict(Category.SAFE, "empty", None, False)
    hit = decide(text or "", words)
    if hit is None:
        return Verdict(Category.SAFE, "safe", None, False)
    reply = reply_for(hit.category, hit.reason, emergency_number=emergency_number,
                      crisis_line=crisis_line)
    return Verdict(hit.category, hit.reason, reply, stop_workout=hit.stop_workout,
                   end_call=hit.end_call)


def decide(text, words, rules=None):
    """The hit of the highest priority among `rules` in `text` (normalised: `words`)."""
    rules = rules or rule_set()
    found = {}
    for rule in rules.rules:
        # A guard may re-categorise its match, so a guarded rule always runs.
        if rule.category in found and rule.guard is None:
            continue
        hit = apply(rule, text if rule.raw_text else words, rules)
        if hit:
            found.setdefault(hit.category, hit)
    return next((found[category] for category in rules.priority if category in found), None)


def apply(rule, text, rules):
    """The hit of the first match of `rule` in `text` that stands, or None."""
    if rule.require_text and not rule.require_text.search(text):
        return None
    if rule.unless_text and rule.unless_text.search(text):
        return None
    for match in rule.pattern.finditer(text):
        if _ruled_out(rule, text, match, rules.cues):
            continue
        outcome = rule.guard(text, match) if rule.guard else True
        if not outcome:
            continue
        category = rule.category if outcome is True else outcome
        if category is rule.category:
            return Hit(category, rule.reason, rule.stop_workout, rule.end_call)
        return Hit(category, rule.reason, *rules.flags[category])
    return None


def _ruled_out(rule, text, match, cues):
    if rule.cues and cues.cancel(text, match.start(), rule.cues):
        return True
    if rule.with_text and not rule.with_text.search(
            f"{text[:match.start()]} {text[match.end():]}"):
        return True
    if rule.unless_before and rule.unless_before.search(text[:match.start()]):
        return True
    return bool(rule.unless_after and rule.unless_after.match(text[match.end():]))
