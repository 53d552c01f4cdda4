"""What the caller asks for, in the planner's terms: minutes, equipment,
limitations, level and focus, read from what they said and from their profile.

The canonical names are the exercise library's (kb/exercises). The caller's words
for them come from the language's ``training/requests.yaml``, checked when first
loaded. Minutes and their number words are still read by the patterns here.
"""

import functools
import re
from dataclasses import dataclass

from .. import lang
from ..text.numbers import SPOKEN_BELOW_HUNDRED, parse_number
from .vocabulary import AS_WRITTEN, VocabularyFile

LEVELS = ("beginner", "intermediate", "advanced")
LIMITATIONS = ("knee", "lower back", "shoulder", "wrist", "ankle", "hip", "neck", "pregnancy",
               "high blood pressure")
EQUIPMENT = ("dumbbells", "kettlebell", "barbell", "resistance band", "bench", "chair", "step",
             "pull-up bar", "mat")
FOCUSES = ("full body", "lower body", "upper body", "core", "cardio")
# Named at all, these count as a limitation: no word of complaint is needed.
CONDITIONS = frozenset({"pregnancy", "high blood pressure"})
GOAL_KINDS = ("muscle", "weight", "endurance")


# --- the caller's words ---------------------------------------------------------------

@dataclass(frozen=True)
class Vocabulary:
    """The compiled caller words of one language (see lang/en/training/requests.yaml)."""

    equipment: tuple  # ((pattern, canonical name), ...)
    gym: re.Pattern
    no_equipment: re.Pattern
    negation_before: re.Pattern
    limitations: tuple  # ((pattern, canonical name), ...)
    hurt: re.Pattern
    guard: re.Pattern
    healed: re.Pattern
    not_ok: re.Pattern
    clause_split: re.Pattern
    levels: tuple  # ((pattern, level), ...), first match wins
    easier: re.Pattern
    harder: re.Pattern
    focus: tuple  # ((canonical name, pattern), ...)
    not_focus: re.Pattern
    goals: tuple  # ((pattern, goal kind), ...)


def vocabulary(language=None) -> Vocabulary:
    """The caller words of `language` (default: the active one), compiled once."""
    return _vocabulary(language or lang.active_language())


@functools.cache
def _vocabulary(language):
    words = VocabularyFile("training/requests", language)
    return Vocabulary(
        equipment=tuple((words.pattern(f"equipment.{name}"), name)
                        for name in words.names("equipment", EQUIPMENT)),
        gym=words.pattern("gym"),
        no_equipment=words.pattern("no_equipment"),
        negation_before=words.pattern("negations", r"\b(?:{})\b[^,.;]*$"),
        limitations=tuple((words.pattern(f"limitations.{name}"), name)
                          for name in words.names("limitations", LIMITATIONS)),
        hurt=words.pattern("hurt"),
        guard=words.pattern("guard"),
        healed=words.pattern("healed"),
        not_ok=words.pattern("not_ok"),
        clause_split=words.pattern("clause_breaks", r"[,.;!?]|\b(?:{})\b"),
        levels=tuple((words.pattern(f"levels.{name}"), name)
                     for name in words.names("levels", LEVELS)),
        easier=words.pattern("easier"),
        harder=words.pattern("harder"),
        focus=tuple((name, words.pattern(f"focus.{name}"))
                    for name in words.names("focus", FOCUSES)),
        not_focus=words.pattern("not_focus"),
        goals=tuple((words.pattern(f"goals.{kind}", AS_WRITTEN), kind)
                    for kind in words.names("goals", GOAL_KINDS)),
    )


# --- normalising inputs ---------------------------------------------------------------

def normalize_text(text) -> str:
    """`text` in lower case with its whitespace collapsed."""
    return re.sub(r"\s+", " ", str(text or "").lower()).strip()


def as_list(value) -> list[str]:
    """A list from None, one string or an iterable of values."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


def normalize_level(level) -> str:
    text = normalize_text(level)
    for name in reversed(LEVELS):
        if name in text:
            return name
    return "beginner"


def _equipment_in(text: str) -> tuple[list[str], list[str]]:
    """(items mentioned, items mentioned as missing) in `text`, canonical names."""
    words = vocabulary()
    found, missing = [], []
    for pattern, name in words.equipment:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 30):match.start()]
            (missing if words.negation_before.search(before) else found).append(name)
    gym = words.gym.search(text)
    if gym and not words.negation_before.search(text[max(0, gym.start() - 30):gym.start()]):
        found.extend(EQUIPMENT)
    return _ordered(found, EQUIPMENT), _ordered(missing, EQUIPMENT)


def normalize_equipment(equipment) -> list[str]:
    """Canonical equipment names from a list or a phrase ("dumbbell, bench", "none")."""
    items = []
    for entry in as_list(equipment):
        text = normalize_text(entry)
        if text in EQUIPMENT:
            items.append(text)
            continue
        found, _ = _equipment_in(text)
        items.extend(found)
    return _ordered(items, EQUIPMENT)


def _body_parts(text: str) -> list[str]:
    """Limitations named in `text` ("back" and even "upper back" count as lower back,
    the cautious reading)."""
    return [name for pattern, name in vocabulary().limitations if pattern.search(text)]


def normalize_limitations(limitations) -> list[str]:
    """Canonical limitation names from a list or a phrase ("bad knees", "none")."""
    items = []
    for entry in as_list(limitations):
        text = normalize_text(entry)
        if text in LIMITATIONS:
            items.append(text)
        elif text:
            items.extend(_body_parts(text))
    return _ordered(items, LIMITATIONS)


def _ordered(items, vocabulary) -> list[str]:
    """Deduplicated, vocabulary order first, then unknown items in order seen."""
    seen = list(dict.fromkeys(items))
    known = [name for name in vocabulary if name in seen]
    return known + [name for name in seen if name not in vocabulary]


def goal_kind(goal) -> str:
    """What a goal is about: "muscle", "weight", "endurance" or "fitness"."""
    text = normalize_text(goal)
    for pattern, kind in vocabulary().goals:
        if pattern.search(text):
            return kind
    return "fitness"


# --- minutes --------------------------------------------------------------------------

_NUMBER = r"\d{1,3}(?:\.\d)?|" + SPOKEN_BELOW_HUNDRED + r"|an|a"
MINUTE_PHRASES = (
    (re.compile(r"\b(?:an?|one) hour and a half\b|\b(?:one|1) and a half hours?\b|"
                r"\b1\.5 hours?\b|\bninety minutes?\b"), 90),
    (re.compile(r"\bthree quarters? of an hour\b"), 45),
    (re.compile(r"\b(?:a )?quarter (?:of an )?hour\b"), 15),
    (re.compile(r"\bhalf (?:an )?hour\b|\bhalf-hour\b"), 30),
)
BARE_NUMBER = re.compile(rf"(?:(?:about|maybe|around|like|say|uh|um|erm|oh),? )*({_NUMBER})"
                         r"(?:,? (?:please|or so|i guess|i think))?")
MINUTES = re.compile(rf"\b({_NUMBER})\s*-?\s*(minutes?|mins?|hours?|hrs?)\b(?! ago)")


def _number(word: str) -> float | None:
    return parse_number(word, a_means_one=True)


def parse_minutes(text) -> int | None:
    """Minutes said in `text` ("twenty minutes", "half an hour", "45 min", "an hour")."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return int(text) if text > 0 else None
    lowered = normalize_text(text)
    bare = BARE_NUMBER.fullmatch(lowered.strip(" .!?"))
    if bare:  # the answer to "how many minutes?": "twenty", "about 30"
        amount = _number(bare.group(1))
        return round(amount) if amount and 5 <= amount <= 120 else None
    for pattern, minutes in MINUTE_PHRASES:
        if pattern.search(lowered):
            return minutes
    for match in MINUTES.finditer(lowered):
        amount = _number(match.group(1))
        minutes = round((amount or 0) * (60 if match.group(2).startswith(("hour", "hr")) else 1))
        if minutes >= 5:  # "give me a minute" is not a session length
            return minutes
    return None


DAYS = re.compile(rf"\b({_NUMBER}|once|twice)(?: (?:days?|times?|sessions?|workouts?))?"
                  r"(?: (?:a|per|each|every|in the|in a) week\b)|"
                  rf"\b({_NUMBER}) (?:days?|sessions?|workouts?)\b(?! ago)")
EVERY_DAY = re.compile(r"\b(every ?day|daily|each day|seven days)\b")


def parse_days(text) -> int | None:
    """Training days a week said in `text` ("three days a week", "twice a week",
    "4 sessions"), or None."""
    lowered = normalize_text(text)
    if EVERY_DAY.search(lowered):
        return 7
    for match in DAYS.finditer(lowered):
        word = match.group(1) or match.group(2)
        amount = {"once": 1, "twice": 2}.get(word) or _number(word)
        if amount and word not in ("a", "an") and 1 <= amount <= 7:
            return int(amount)
    return None


# --- the request ----------------------------------------------------------------------

def _focus_in(clauses: list[str]) -> str | None:
    """The focus asked for, first mentioned first; upper and lower together → full body."""
    words = vocabulary()
    names = []
    for clause in clauses:
        if words.hurt.search(clause) or words.healed.search(clause):
            continue  # "my legs are sore" is not a request to train legs
        clause = words.not_focus.sub(" ", clause)
        hits = []
        for name, pattern in words.focus:
            match = pattern.search(clause)
            if match:
                hits.append((match.start(), name))
        names.extend(name for _, name in sorted(hits))
    names = list(dict.fromkeys(names))
    if not names:
        return None
    if "lower body" in names and "upper body" in names:
        return "full body"
    return names[0]


def _equipment_asked(lowered: str, profile: dict) -> list[str]:
    """Equipment said now, else the profile's less any said to be missing."""
    words = vocabulary()
    if words.no_equipment.search(lowered):
        equipment, _ = _equipment_in(words.no_equipment.sub(" ", lowered))
        return equipment
    found, missing = _equipment_in(lowered)
    if found:
        return found
    return [item for item in normalize_equipment(profile.get("equipment")) if item not in missing]


def _limitations_asked(clauses: list[str], profile: dict) -> list[str]:
    """Limitations said now, plus the profile's injuries not said to be fine now."""
    words = vocabulary()
    said, recovered, previous = [], [], []
    for clause in clauses:
        parts = _body_parts(clause)
        if not parts:  # "my knee, it still hurts": the complaint follows the body part
            if previous and words.hurt.search(clause) and not words.healed.search(clause):
                said.extend(previous)
            continue
        previous = parts
        if words.healed.search(clause) and not words.not_ok.search(clause):
            recovered.extend(parts)
        elif (words.hurt.search(clause) or words.guard.search(clause)
              or words.not_ok.search(clause) or any(p in CONDITIONS for p in parts)):
            said.extend(parts)
    recovered = [item for item in recovered if item not in said]
    from_profile = [item for item in normalize_limitations(profile.get("injuries"))
                    if item not in recovered]
    return _ordered(said + from_profile, LIMITATIONS)


def complaints(text: str) -> list[str]:
    """Body parts (limitations) said now with a complaint: "my knee is killing me"."""
    lowered = normalize_text(text)
    clauses = [c.strip() for c in vocabulary().clause_split.split(lowered) if c and c.strip()]
    return _limitations_asked(clauses, {})


def _level_asked(lowered: str, profile: dict) -> str:
    """A level said now, else the profile's, a step down or up for an easy or hard one."""
    words = vocabulary()
    level = normalize_level(profile.get("experience"))
    for pattern, name in words.levels:
        if pattern.search(lowered):
            return name
    if words.easier.search(lowered):
        return LEVELS[max(0, LEVELS.index(level) - 1)]
    if words.harder.search(lowered):
        return LEVELS[min(len(LEVELS) - 1, LEVELS.index(level) + 1)]
    return level


def parse_request(text: str, profile: dict | None = None) -> dict:
    """What the caller asked for now, with the profile filling the gaps.

    Returns {"minutes", "equipment", "limitations", "level", "focus"}. Minutes,
    equipment, level and focus said now override the profile. Limitations add to the
    profile's injuries (safer), except ones the caller says are fine now.
    """
    profile = profile or {}
    lowered = normalize_text(text)
    clauses = [c.strip() for c in vocabulary().clause_split.split(lowered) if c and c.strip()]
    minutes = parse_minutes(lowered) or parse_minutes(profile.get("minutes_per_session")) or 20
    return {"minutes": int(minutes), "equipment": _equipment_asked(lowered, profile),
            "limitations": _limitations_asked(clauses, profile),
            "level": _level_asked(lowered, profile), "focus": _focus_in(clauses)}
