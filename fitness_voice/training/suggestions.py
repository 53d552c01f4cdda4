"""Saying the suggestions: the moves (with rounds when a time was said), a short
reason (or what more kit would add), and an offer to lead them.

The words come from the language's ``training/advice.yaml`` and the coach's lines.
"""

import functools
import re

from .. import lang
from .choosing import muscles_worked, uses
from .questions import POSITION_KIT
from .requests import as_list, normalize_text
from .vocabulary import VocabularyFile

# Targets that name a region rather than one muscle: the answer says which muscles.
REGIONS = frozenset({"legs", "back", "upper body", "arms", "core"})


# --- saying it -------------------------------------------------------------------------

def spoken_name(exercise, plurals=None):
    """The exercise's name as said in a list of suggestions: "glute bridges"."""
    plurals = plurals if plurals is not None else _plurals()
    if exercise.get("slug") in plurals:
        return plurals[exercise["slug"]]
    title = normalize_text(exercise.get("title") or exercise.get("slug", "").replace("-", " "))
    # "romanian deadlift with dumbbells", "chest stretch in a doorway": the noun before
    # the phrase takes the plural.
    phrase = re.match(r"(.*?) ((?:with|in|on|against|at) .*)$", title)
    title, tail = (phrase.group(1), f" {phrase.group(2)}") if phrase else (title, "")
    head, _, last = title.rpartition(" ")
    if last.endswith(("ch", "sh", "x", "ss")):
        plural = last + "es"
    elif last.endswith("s") or last.endswith("ing") and len(last) >= 6:  # "boxing"
        plural = last
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        plural = last[:-1] + "ies"
    else:
        plural = last + "s"
    return f"{head} {plural}".strip() + tail


def _plurals():
    return _plurals_of(lang.active_language())


@functools.cache
def _plurals_of(language):
    return VocabularyFile("training/advice", language).mapping("plurals")


def compose(lines, question, picks, rounds=None, more=None):
    """The spoken answer: the moves (with rounds when a time was said), a short
    reason (or, with fewer than three, what more kit would add), and an offer to
    lead them; at most three sentences."""
    if not picks:
        return lines["suggest_none"]
    moves = lines.listed([spoken_name(ex) for ex in picks])
    about = question.kind if question.for_activity else question.target or question.kind
    target = lines[f"target_{about.replace(' ', '_')}"] if about else None
    said_kit = question.equipment_said
    if said_kit and not any(uses(ex, said_kit) for ex in picks):
        first = lines.say("suggest_without_kit", equipment=lines.listed(said_kit), moves=moves)
    elif question.minutes and rounds and question.kind is None:
        key = "suggest_rounds_for" if target else "suggest_rounds"
        first = lines.say(key, target=target, minutes=question.minutes, moves=moves,
                          rounds=lines.say("rounds_one") if rounds == 1 else lines.say(
                              "rounds_many", rounds=rounds))
    elif target:
        first = lines.say("suggest_for", target=target, moves=moves)
    else:
        first = lines.say("suggest", moves=moves)
    sentences = [first]
    reasons = _reasons(lines, question, picks)
    while len(reasons) > 1 and len(first.split()) + sum(len(r.split()) for r in reasons) > 26:
        reasons.pop()
    if more:
        kit, moves_too = more
        sentences.append(lines.say("suggest_with_kit", equipment=lines.listed(kit),
                                   moves=lines.listed([spoken_name(ex) for ex in moves_too])))
    elif reasons and len(picks) > 1:
        sentences.append(lines.say("reasons", reasons=lines.listed(reasons[:2])))
    if question.kind is None:
        sentences.append(lines["offer_session" if len(picks) > 1 else "offer_session_one"])
    return " ".join(sentences)


def _reasons(lines, question, picks):
    """Why these moves, most telling first."""
    found = []
    parts = [name for name in question.limitations if name not in ("pregnancy",
                                                                    "high blood pressure")]
    conditions = [name for name in question.limitations if name not in parts]
    if parts:
        found.append(lines.say("reason_easy_on", part=lines.listed(parts)))
    for condition in conditions[:1]:
        found.append(lines.say("reason_condition", condition=lines[
            f"condition_{condition.replace(' ', '_')}"]))
    if question.position:
        found.append(lines[f"reason_{question.position}"])
    used = [item for item in question.equipment_said if any(uses(ex, [item]) for ex in picks)
            and item not in POSITION_KIT.get(question.position, ())]
    kit_free = not any(as_list(ex.get("equipment")) for ex in picks)
    if used:
        found.append(lines.say("reason_equipment", equipment=lines.listed(used)))
    elif question.no_equipment and kit_free:
        found.append(lines["reason_no_equipment"])
    if question.level_filter == "beginner":
        found.append(lines["reason_beginner"])
    if question.target in REGIONS and question.kind is None:
        worked = muscles_worked(picks, question)
        if len(worked) > 1:
            found.append(lines.say("reason_muscles", muscles=lines.listed(worked)))
    if kit_free and not question.no_equipment and not used:
        found.append(lines["reason_no_equipment"])
    return list(dict.fromkeys(found))
