"""Guards: the part of a rule that a pattern cannot say, registered by name.

A rule in rules.yaml names its guard (`guard: breathing`); the guard's own
patterns live in that file's `guards` section, under the same name, and reach
the guard as attributes of `patterns`. A guard gets the normalised utterance and
the rule's match, and says whether the match stands:

- None (or False): it does not;
- True: it stands as the rule says;
- a Category: it stands, but as that category (a milder one).
"""

from collections.abc import Callable
from dataclasses import dataclass

from .verdict import Category

ED_CALORIE_LIMIT = 1000  # a daily intake under this is a sign of an eating disorder


@dataclass(frozen=True)
class Guard:
    check: Callable
    patterns: tuple[str, ...]  # the names its `guards` section must define


GUARDS: dict[str, Guard] = {}


def guard(name, *patterns):
    """Register the decorated function as the guard `name`, reading `patterns`."""
    def register(check):
        GUARDS[name] = Guard(check, patterns)
        return check
    return register


@guard("breathing", "strong", "exertion_only", "severe", "exertion")
def breathing(text, match, patterns):
    """Breathlessness after exertion is ordinary; at rest, severe or unexplained it is not."""
    said = match.group(0)
    if patterns.strong.fullmatch(said) or patterns.severe.search(text):
        return True
    if patterns.exertion_only.fullmatch(said) or patterns.exertion.search(text):
        return None
    return True


@guard("heart", "companion", "irregular")
def heart(text, match, patterns):
    """A racing heart is a red flag with dizziness or chest symptoms, else medical if irregular."""
    if patterns.companion.search(text):
        return True
    if patterns.irregular.search(match.group(0)):
        return Category.MEDICAL
    return None


@guard("low_intake", "intake_before", "daily_after", "not_intake_before", "not_daily_after")
def low_intake(text, match, patterns):
    """A calorie figure under the limit that is what the caller eats in a day."""
    if int(match.group(1)) >= ED_CALORIE_LIMIT:
        return None
    before = " ".join(text[:match.start()].split()[-6:])
    after = text[match.end():].strip()
    if (patterns.not_intake_before.search(" ".join(before.split()[-4:]))
            or patterns.not_daily_after.match(after)):
        return None
    return bool(patterns.intake_before.search(before) or patterns.daily_after.match(after))
