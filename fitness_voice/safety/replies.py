"""What the coach says for each category, from the language's lines (lines/safety.yaml)."""

from .. import lang
from .verdict import Category

US_CRISIS_LINE = "988"  # the Suicide and Crisis Lifeline, which also takes texts


def reply_for(category, reason, *, emergency_number, crisis_line):
    """The spoken reply to an utterance of `category` (None for SAFE)."""
    key = _key(category, reason, crisis_line)
    if key is None:
        return None
    return lang.catalogue().say(key, emergency_number=emergency_number, crisis_line=crisis_line)


def _key(category, reason, crisis_line):
    lines = lang.catalogue()
    if category is Category.RED_FLAG:
        key = f"safety.red_flag_{reason}"
        return key if key in lines else "safety.red_flag"
    if category is Category.CRISIS:
        return "safety.crisis_lifeline" if crisis_line == US_CRISIS_LINE else "safety.crisis"
    if category is Category.MEDICAL:
        return f"safety.medical_{reason}"
    if category is Category.SAFE:
        return None
    return f"safety.{category.value}"
