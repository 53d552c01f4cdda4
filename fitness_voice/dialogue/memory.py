"""Caller memory: what a caller tells us about themselves, learned from their words.

Grounded mode learns with these patterns; with OpenAI the model's update_profile
tool calls add to it. Profile keys: name, goal, experience, injuries, equipment,
days_per_week, minutes_per_session.
"""

import functools
import re
from dataclasses import dataclass

from .. import lang
from ..text.numbers import parse_number
from ..text.speakable import for_speech

PROFILE_KEYS = ("name", "goal", "experience", "injuries", "equipment", "days_per_week",
                "minutes_per_session")

# The races a run goal names; the goal keeps the race, as the caller will want it back.
_RACES = r"half marathon|marathon|ultra|park ?run|5k|five k|10k|ten k"
RACE = re.compile(rf"\b({_RACES})\b")
_RACE_NAMES = {"five k": "5k", "ten k": "10k", "park run": "parkrun", "ultra": "ultra marathon"}

GOALS = (
    (r"\b(lose|losing|drop|dropping|shed|burn) (some |a bit of |the )?"
     r"(weight|fat|pounds|kilos|belly)", "lose weight"),
    (r"\b(build|building|gain|gaining|put on|grow) (some |more )?(muscle|mass|strength)|\bbulk",
     "build muscle"),
    (r"\b(get|getting|become) (stronger|strong)\b|\bstrength\b", "get stronger"),
    (r"\b(?:(?:run|running|do|doing|finish|finishing|complete) )?(?:a |my first |an? )?"
     rf"(?:{_RACES})\b", "train for a {race}"),
    (r"\b(get|getting|be|become) (fitter|fit|in shape|healthier|more active)|\bfitness\b",
     "get fitter"),
    (r"\b(more )?(flexib\w+|mobility)\b", "improve mobility"),
    (r"\b(tone|toning|toned)\b", "tone up"),
)
INJURY = re.compile(
    r"\b(?:my|a|bad|sore|injured|hurt|dodgy|weak|stiff)\s+(?:left |right )?"
    r"(knee|knees|back|lower back|shoulder|shoulders|wrist|wrists|ankle|ankles|hip|hips|neck|elbow)"
    r"\b(?:\s+(?:hurts?|is sore|is bad|pain|problems?|injury|acts up|is injured|is stiff))?")
INJURY_CONTEXT = re.compile(r"\b(hurt|hurts|pain|sore|bad|injur|dodgy|weak|stiff|problem|acts up)")
EQUIPMENT = re.compile(r"\b(dumbbells?|kettlebells?|barbell|resistance bands?|bands|pull ?up bar|"
                       r"bench|treadmill|exercise bike|gym membership|a gym)\b")
NO_EQUIPMENT = re.compile(r"\b(no equipment|nothing at home|don'?t have (any )?equipment|"
                          r"just my body ?weight|bodyweight only)\b")
DAYS = re.compile(r"\b(\d|one|two|three|four|five|six|seven) (days?|times) (a|per|each) week\b")
MINUTES = re.compile(r"\b(\d{1,3}|ten|fifteen|twenty|thirty|forty[- ]five|forty|fifty|sixty|"
                     r"ninety|an|a) (minutes?|mins?|hours?)\b(?! ago)")
EXPERIENCE = (
    (r"\b(complete |total |absolute )?beginner\b|\bnever (worked out|exercised|trained)\b|"
     r"\bjust (starting|started)\b|\bnew to (this|exercise|working out|the gym)\b", "beginner"),
    (r"\bintermediate\b|"
     r"\b(been|have been) (training|lifting|working out) for (a|one|two|\d) years?",
     "intermediate"),
    (r"\badvanced\b|\b(been|have been) (training|lifting) for (many|five|ten|\d\d) years\b",
     "advanced"),
)
# A name given outright: "my name is Sam", "call me Jo". Every candidate must
# still look like a name (see looks_like_name).
# A word callers put between the lead-in and the name: "my name's actually Sasha".
_BEFORE_NAME = r"(?:(?:actually|really|just|simply)\s+)?"
NAME = re.compile(r"\b(?:my name is|my name's|my names|name's|call me|you can call me|"
                  r"i go by|i usually go by|i'?d like to be called)\s+"
                  rf"{_BEFORE_NAME}([a-z][a-z'\-]{{1,20}})(?:\s+([a-z][a-z'\-]{{1,20}}))?\b",
                  re.IGNORECASE)
# A name in passing: "I'm Sam", "hi, it's Priya here", "this is Dev and I want...". Only
# at the start of the line (after a greeting) and followed by the end of the line or a
# clause, so "I'm in my second trimester" and "I'm short of breath" are not names.
_GREETING = r"(?:(?:hi|hello|hey|hiya|morning|good morning|good afternoon|good evening|yeah|" \
            r"yes|oh|um|uh|so|okay|ok|coach|there)[\s,.!]+)*"
INTRODUCED = re.compile(
    rf"^{_GREETING}(?:i'?m|i am|it'?s|it is|this is|im)\s+{_BEFORE_NAME}"
    r"([a-z][a-z'\-]{1,20})"
    r"(?:\s+([a-z][a-z'\-]{1,20}))??"
    r"(?=\s*(?:$|[,.!?;]|\s+(?:and|here|again|calling|speaking|from|by the way|but|coach|"
    r"um|uh|erm|er|what|how|can|could|should|why|when|where|which|is|are|do|does|i'?m|im|"
    r"i)\b))",
    re.IGNORECASE)
# The answer to "what should I call you?": a name alone, at most two words.
BARE_NAME = re.compile(r"^\s*(?:it'?s |i'?m |im |call me |just |my name is |)"
                       r"([a-z][a-z'\-]{1,20})"
                       r"(?:\s+(?!please|thanks|thank|here|speaking|calling)([a-z][a-z'\-]{1,20}))?"
                       r"(?:\s+(?:here|speaking|calling|please|thanks|thank you))?[.!]?\s*$",
                       re.IGNORECASE)
MAX_NAME_WORDS = 2
# Putting a misheard name right: "no, it's not Tom, it's Tam".
CORRECTED_NAME = re.compile(
    r"\b(?:it'?s|my name'?s|my name is|i'?m|that'?s) not [a-z][a-z'\-]{1,20}[\s,.]+"
    r"(?:it'?s|i'?m|my name'?s|my name is|it is)\s+([a-z][a-z'\-]{1,20})\b", re.IGNORECASE)


def _number(word):
    return parse_number(word, a_means_one=True)


def extract_name(text, bare=False):
    """A name the caller gave ("my name is Sam", "hi, I'm Sam", "no, it's not Tom, it's
    Tam", or just "Sam" when asked, with `bare`), if it looks like a name; else None."""
    said = " ".join(text.replace("\u2019", "'").split())
    corrected = CORRECTED_NAME.search(said)
    if corrected:
        return _capitalised(corrected.group(1)) if looks_like_name(corrected.group(1)) else None
    for pattern in (NAME, INTRODUCED, *((BARE_NAME,) if bare else ())):
        match = pattern.search(said) if pattern is NAME else pattern.match(said)
        if match:
            first, second = match.group(1), match.group(2)
            if first.lower().rstrip(".") in not_names().titles and second:
                first, second = second, None
            if pattern is NAME and second and not looks_like_name(second):
                second = None  # "the name's Jo and I want to get stronger"
            if not looks_like_name(first) or (second and not looks_like_name(second)):
                return None
            return _capitalised(first)
    return None


def looks_like_name(word):
    """Whether one word could be a given name: not a word on the not-names list
    (feelings, adjectives, fitness words, numbers, fillers), not a number, and not
    ending like a verb form or a quality ("dying", "useless") unless a known name."""
    word = word.lower().strip("'-")
    if len(word) < 2 or not re.fullmatch(r"[a-z][a-z'\-]*", word):
        return False
    vocabulary = not_names()
    if word in vocabulary.words or word.split("'")[0] in vocabulary.words:
        return False
    if word in vocabulary.names_with_endings:
        return True
    return not any(word.endswith(ending) and len(word) > len(ending) + 2
                   for ending in vocabulary.endings)


@dataclass(frozen=True)
class NotNames:
    words: frozenset
    endings: tuple
    names_with_endings: frozenset
    titles: frozenset


@functools.cache
def _not_names(language):
    raw = lang.data("dialogue/not_names", language)
    special = {"endings", "names_with_those_endings", "titles"}
    found = set()
    for group, listed in raw.items():
        _check_words(group, listed)
        if group not in special:
            found.update(listed)
    for key in sorted(special):
        if key not in raw:
            raise lang.LanguageDataError(f"dialogue/not_names: no {key!r} list")
    if len(found) < 200:
        raise lang.LanguageDataError("dialogue/not_names: expected a few hundred words")
    return NotNames(frozenset(found | set(raw["titles"])), tuple(raw["endings"]),
                    frozenset(raw["names_with_those_endings"]), frozenset(raw["titles"]))


def not_names(language=None):
    """The not-names vocabulary of a language, loaded and checked once."""
    return _not_names(language or lang.active_language())


def _check_words(group, listed):
    if not isinstance(listed, list) or not listed:
        raise lang.LanguageDataError(f"dialogue/not_names: {group!r} must be a list of words")
    for word in listed:
        if not isinstance(word, str) or not re.fullmatch(r"[a-z][a-z'\-]*", word):
            raise lang.LanguageDataError(
                f"dialogue/not_names: {group}: {word!r} is not a lowercase word "
                "(quote yes, no, on, off, true and false)")
    if len(set(listed)) != len(listed):
        raise lang.LanguageDataError(f"dialogue/not_names: {group!r} lists a word twice")


def _capitalised(name):
    """"sam" -> "Sam", "mary-jo" -> "Mary-Jo"; initials said as a name ("dj", "tj") in capitals."""
    if len(name) <= 3 and not re.search(r"[aeiouy]", name.lower()):
        return name.upper()
    return "-".join(part.capitalize() for part in name.split("-"))


def extract_goal(text):
    lowered = text.lower()
    for pattern, goal in GOALS:
        if re.search(pattern, lowered):
            if "{race}" in goal:
                race = RACE.search(lowered).group(1)
                goal = goal.format(race=_RACE_NAMES.get(race, race))
            return goal
    return None


GOAL_LEAD_IN = re.compile(r"^(?:(?:well|so|um|uh|erm|okay|ok|mostly|mainly|just|i guess|"
                          r"probably|really)[\s,]+)*"
                          r"(?:(?:i want|i'?d like|i would like|i'?m trying|i am trying|i need|"
                          r"i hope|i'?m hoping|my (?:main )?goal is|the goal is|i'?m looking|"
                          r"i wanna)\s+(?:to\s+)?|to\s+)")
GOAL_VERB = re.compile(r"^(?:get|be|lose|build|gain|run|feel|improve|tone|stay|keep|become|"
                       r"finish|train|look|move|walk|reduce|increase|strengthen|bulk|slim|"
                       r"put on|drop|burn|fix|recover|do|complete|play|climb|hike|swim|cycle|"
                       r"lift|have)\b")
MAX_GOAL_WORDS = 8


def states_goal(text):
    """Whether the line says what the caller wants ("I want to...", "my goal is to...")."""
    return bool(re.search(r"\b(goal|want|trying|hoping|aim|need) to\b|\bi'?d like to\b|"
                          r"\b(?:i wanna|i'?m gonna|changed my mind)\b|"
                          r"\b(?:goal|aim) (?:now |these days |this year )?is (?:to|a|an)\b",
                          text.lower()))


def goal_in_own_words(text):
    """A goal in the caller's own words ("to climb Snowdon", "get a six pack"), as the
    answer to "what's your main goal?", or None when the line is not one."""
    said = " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())
    goal = GOAL_LEAD_IN.sub("", said, count=1).strip()
    if not goal or len(goal.split()) > MAX_GOAL_WORDS or not GOAL_VERB.match(goal):
        return None
    return goal


# A line about someone else ("for a beginner like my wife"): its facts are theirs.
SOMEONE_ELSE = re.compile(
    r"\b(?:my|our|his|her) (?:wife|husband|partner|son|daughter|kids?|children|mum|mom|"
    r"mother|dad|father|friend|mate|buddy|brother|sister|client|boyfriend|girlfriend|"
    r"grandma|grandad|grandpa|nan|gran|teenager|boss|colleague)\b")


def extract(text):
    """Profile facts stated in `text`, as {key: value}."""
    lowered = text.lower()
    found = {}
    name = extract_name(text)
    if name:
        found["name"] = name
    if SOMEONE_ELSE.search(lowered):
        return found
    if states_goal(lowered):
        goal = extract_goal(lowered)
        if goal:
            found["goal"] = goal
    for pattern, level in EXPERIENCE:
        if re.search(pattern, lowered):
            found["experience"] = level
            break
    injury = INJURY.search(lowered)
    if injury and INJURY_CONTEXT.search(lowered):
        found["injuries"] = injury.group(1).rstrip("s") if injury.group(1) != "knees" else "knee"
    if NO_EQUIPMENT.search(lowered):
        found["equipment"] = "none"
    elif re.search(r"\bi (have|own|got|use)\b", lowered):
        items = sorted({item.rstrip("s") for item in EQUIPMENT.findall(lowered)})
        if items:
            found["equipment"] = ", ".join(items)
    days = DAYS.search(lowered)
    if days and _number(days.group(1)):
        found["days_per_week"] = _number(days.group(1))
    minutes = MINUTES.search(lowered)
    if minutes and re.search(r"\b(have|got|train|work out|exercise|session|spare|only)\b", lowered):
        amount = _number(minutes.group(1).replace("-", " "))
        if amount:
            per_hour = 60 if minutes.group(2).startswith("hour") else 1
            found["minutes_per_session"] = amount * per_hour
    return found


def describe(updates):
    """Confirm newly learned facts back, in one spoken sentence."""
    clause = _facts_clause(updates)
    return for_speech(lang.catalogue().say("dialogue.remember", facts=clause)) if clause else ""


def read_back(name, profile):
    """What we know about the caller, spoken."""
    lines = lang.catalogue()
    facts = {key: value for key, value in profile.items() if key in PROFILE_KEYS and value}
    if not name and not facts:
        return lines["dialogue.nothing_saved"]
    known = _spoken_facts(facts)
    if name and known:
        opening = lines.say("dialogue.know_name_and_facts", name=name, facts=known)
    elif name:
        opening = lines.say("dialogue.know_name", name=name)
    elif known:
        opening = lines.say("dialogue.know_facts", facts=known)
    else:
        opening = lines["dialogue.know"]
    return f"{opening} {lines['dialogue.forget_hint']}"


def _facts_clause(updates):
    """The facts in `updates` as one clause: "your goal is to ... and you have ..."."""
    lines = lang.catalogue()
    parts = []
    if "goal" in updates:
        parts.append(lines.say("dialogue.fact_goal", goal=updates["goal"]))
    if "experience" in updates:
        key = "fact_experience_vowel" if updates["experience"][0] in "aei" else "fact_experience"
        parts.append(lines.say(f"dialogue.{key}", experience=updates["experience"]))
    if "injuries" in updates:
        parts.append(lines.say("dialogue.fact_injuries", injuries=updates["injuries"]))
    if "equipment" in updates:
        parts.append(lines["dialogue.fact_no_equipment"] if updates["equipment"] == "none"
                     else lines.say("dialogue.fact_equipment", equipment=updates["equipment"]))
    if "days_per_week" in updates:
        parts.append(lines.say("dialogue.fact_days", days=updates["days_per_week"]))
    if "minutes_per_session" in updates:
        parts.append(lines.say("dialogue.fact_minutes", minutes=updates["minutes_per_session"]))
    if len(parts) < 2:
        return "".join(parts)
    return lines.say("dialogue.facts_and", facts=", ".join(parts[:-1]), last=parts[-1])


def _spoken_facts(facts):
    """The facts as the remember line speaks them (numbers in words), without the
    words around them, for reading back inside another sentence."""
    before, _, _ = lang.catalogue()["dialogue.remember"].partition("{facts}")
    return describe(facts).removeprefix(before).rstrip(".")
