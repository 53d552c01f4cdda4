"""The rule engine: apply a language's rules to one utterance and decide.

Each rule's matches are tried in turn; a match stands unless a cue cancels it
(cues.py), a condition of the rule rules it out, or its guard says no
(guards.py). The first rule of a category that stands gives the category's
reason; the highest-priority category found decides the verdict.

Then, for a line the rules let through, the semantic check (semantic.py) may
still call it a red flag or a crisis, when it is clearly nearest to such
labelled lines and no rule of those categories ruled its own words out.
"""

import logging
from dataclasses import dataclass

from . import semantic as semantic_check
from .normalise import normalise
from .replies import reply_for
from .rules import rule_set
from .verdict import Category, Verdict

log = logging.getLogger(__name__)
SEMANTIC_REASON = "sounds_like"  # the reason of a semantic verdict: the category's own line


@dataclass(frozen=True)
class Hit:
    category: Category
    reason: str
    stop_workout: bool
    end_call: bool


def classify(text: str, *, emergency_number: str = "911", crisis_line: str = "988",
             semantic=None) -> Verdict:
    """Sort what the caller said into a safety category, with the reply to speak.

    `semantic`: the semantic check to consult (a SemanticCheck), None for the one
    `use_semantic` set up (if any), or False for the rules alone."""
    words = normalise(text)
    if not words.strip(" ."):
        return Verdict(Category.SAFE, "empty", None, False)
    denied = set()
    hit = decide(text or "", words, denied=denied)
    check = semantic_check.configured() if semantic is None else semantic or None
    if check is not None and (hit is None or hit.category in semantic_check.UPGRADED_FROM):
        hit = _upgraded(check, text, denied) or hit
    if hit is None:
        return Verdict(Category.SAFE, "safe", None, False)
    reply = reply_for(hit.category, hit.reason, emergency_number=emergency_number,
                      crisis_line=crisis_line)
    return Verdict(hit.category, hit.reason, reply, stop_workout=hit.stop_workout,
                   end_call=hit.end_call)


def _upgraded(check, text, denied):
    """The semantic check's hit, unless a rule of its category ruled its words out."""
    try:
        match = check.upgrade(text)
    except Exception:  # the rules' verdict stands without it
        log.exception("the semantic safety check failed on a line")
        return None
    if match is None:
        return None
    category = Category(match.label)
    if category in denied:
        return None
    log.info("semantic safety check: %s (%.2f over %.2f, nearest %r)", category.value,
             match.score, match.runner_up_score, match.example)
    stop_workout, end_call = rule_set().flags[category]
    return Hit(category, SEMANTIC_REASON, stop_workout, end_call)


def decide(text, words, rules=None, denied=None):
    """The hit of the highest priority among `rules` in `text` (normalised: `words`).

    `denied`, a set, gets the categories whose rules found their words but ruled
    them out: negated or asked about (a cue), an unless_ condition, or a guard."""
    rules = rules or rule_set()
    found = {}
    for rule in rules.rules:
        # A guard may re-categorise its match, so a guarded rule always runs;
        # and with `denied` to fill, every rule runs.
        if rule.category in found and rule.guard is None and denied is None:
            continue
        hit = apply(rule, text if rule.raw_text else words, rules, denied)
        if hit:
            found.setdefault(hit.category, hit)
    return next((found[category] for category in rules.priority if category in found), None)


def apply(rule, text, rules, denied=None):
    """The hit of the first match of `rule` in `text` that stands, or None."""
    if rule.require_text and not rule.require_text.search(text):
        return None
    if rule.unless_text and rule.unless_text.search(text):
        if denied is not None and rule.pattern.search(text):
            denied.add(rule.category)
        return None
    for match in rule.pattern.finditer(text):
        if _missing_context(rule, text, match):
            continue
        if _ruled_out(rule, text, match, rules.cues):
            if denied is not None:
                denied.add(rule.category)
            continue
        outcome = rule.guard(text, match) if rule.guard else True
        if not outcome:
            if denied is not None:
                denied.add(rule.category)
            continue
        category = rule.category if outcome is True else outcome
        if category is rule.category:
            return Hit(category, rule.reason, rule.stop_workout, rule.end_call)
        return Hit(category, rule.reason, *rules.flags[category])
    return None


def _missing_context(rule, text, match):
    """A match whose rule wants more said around it (with_text) than there is."""
    return bool(rule.with_text and not rule.with_text.search(
        f"{text[:match.start()]} {text[match.end():]}"))


def _ruled_out(rule, text, match, cues):
    if rule.cues and cues.cancel(text, match.start(), rule.cues):
        return True
    if rule.unless_before and rule.unless_before.search(text[:match.start()]):
        return True
    return bool(rule.unless_after and rule.unless_after.match(text[match.end():]))
