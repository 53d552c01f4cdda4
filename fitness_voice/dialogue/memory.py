"""Caller memory: what a caller tells us about themselves, learned from their words.

Grounded mode learns with these patterns; with OpenAI the model's update_profile
tool calls add to it. Profile keys: name, goal, experience, injuries, equipment,
days_per_week, minutes_per_session.
"""

import re

from .. import lang
from ..text.speakable import for_speech

PROFILE_KEYS = ("name", "goal", "experience", "injuries", "equipment", "days_per_week",
                "minutes_per_session")

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
                "forty five": 45, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
                "an": 1, "a": 1}
NOT_NAMES = {"not", "just", "a", "an", "the", "trying", "looking", "here", "fine", "good", "okay",
             "ok", "calling", "new", "sore", "tired", "back", "beginner", "going", "so", "really",
             "pregnant", "injured", "training", "working", "doing", "feeling", "having", "ready",
             "done", "interested", "wondering", "hoping", "sorry", "sure", "yes", "no", "skip",
             "hello", "hi", "hey", "hiya", "yeah", "yep", "nope", "thanks", "cheers", "coach",
             "morning", "evening", "afternoon", "what", "why", "how", "who", "um", "uh", "hmm",
             "bye", "goodbye", "great", "cool", "nothing", "please", "maybe"}

GOALS = (
    (r"\b(lose|losing|drop|dropping|shed|burn) (some |a bit of |the )?"
     r"(weight|fat|pounds|kilos|belly)", "lose weight"),
    (r"\b(build|building|gain|gaining|put on|grow) (some |more )?(muscle|mass|strength)|\bbulk",
     "build muscle"),
    (r"\b(get|getting|become) (stronger|strong)\b|\bstrength\b", "get stronger"),
    (r"\b(run|running) (a |my first )?(5k|five k|10k|ten k|marathon|half marathon|race)",
     "train for a run"),
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
NAME = re.compile(r"\b(?:my name is|my name's|call me|this is|i am|i'm|it's|it is)\s+"
                  r"([a-z][a-z'\-]{1,20})(?:\s+([a-z][a-z'\-]{1,20}))?\b", re.IGNORECASE)
BARE_NAME = re.compile(r"^\s*(?:it's |i'm |)([a-z][a-z'\-]{1,20})[.!]?\s*$", re.IGNORECASE)


def _number(word):
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def extract_name(text, bare=False):
    """A name the caller gave ("my name is Sam", or just "Sam" when asked)."""
    match = NAME.search(text)
    candidate = match.group(1) if match else None
    if candidate is None and bare:
        bare_match = BARE_NAME.match(text)
        candidate = bare_match.group(1) if bare_match else None
    if not candidate or candidate.lower() in NOT_NAMES:
        return None
    return candidate.capitalize()


def extract_goal(text):
    lowered = text.lower()
    for pattern, goal in GOALS:
        if re.search(pattern, lowered):
            return goal
    return None


def extract(text):
    """Profile facts stated in `text`, as {key: value}."""
    lowered = text.lower()
    found = {}
    name = extract_name(text)
    if name:
        found["name"] = name
    if re.search(r"\b(goal|want|trying|hoping|aim|need) to\b|\bi'?d like to\b", lowered):
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
