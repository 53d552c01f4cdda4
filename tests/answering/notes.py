"""Coaching notes and helpers the answering tests share."""

import re

from fitness_voice import lang, retrieval
from fitness_voice.answering import CoachContext


def Passage(*fields, score=0.5, **named):  # a retrieved passage, relevant unless told
    return retrieval.Passage(*fields, score=score, **named)


SQUAT_HOW = Passage(
    "squat.md#0",
    "Stand with your feet about shoulder width apart and your toes turned out slightly. "
    "Push your hips back and bend your knees as if sitting into a chair, keeping your chest up. "
    "Lower until your thighs are about parallel to the floor, or as low as you comfortably can. "
    "Drive through your whole foot to stand back up, and breathe out as you rise.",
    "Bodyweight squat", "How to do a bodyweight squat", "squat.md")
SQUAT_MISTAKES = Passage(
    "squat.md#1",
    "The most common squat mistake is letting the knees cave inward, so push them gently out "
    "over your toes. Another is lifting the heels, which shifts the load onto the knees. "
    "Rounding the lower back at the bottom is also common, so only go as deep as you can "
    "with a flat back.",
    "Bodyweight squat", "Common squat mistakes", "squat.md")
PROTEIN_DAILY = Passage(
    "protein.md#0",
    "For building muscle, aim for about 1.6 grams of protein per kilogram of body weight a "
    "day. Going above about 2.2 grams per kilogram brings little extra benefit for most "
    "people. Adults who don't strength train need about 0.8 grams per kilogram. Spread your "
    "protein over three or four meals rather than eating most of it at dinner.",
    "Protein for muscle gain", "How much protein per day", "protein.md")
PROTEIN_FOODS = Passage(
    "protein.md#1",
    "Good protein foods include chicken, fish, eggs, Greek yogurt, lentils and tofu. "
    "Protein powder is a convenient top up, not a must.",
    "Protein for muscle gain", "High protein foods", "protein.md")
SLEEP = Passage(
    "sleep.md#0",
    "Adults need at least seven hours of sleep a night for good health. Teenagers need more, "
    "about eight to ten hours. Poor sleep slows recovery and makes hard workouts feel harder.",
    "Sleep for fitness", "How much sleep you need", "sleep.md")
MARKDOWN = Passage(
    "warmup.md#0",
    "## Warm-up basics\n"
    "A **good warm-up** takes about 5 to 10 minutes and raises your *heart rate* gently.\n"
    "Key parts:\n"
    "- easy cardio\n"
    "- dynamic stretches\n"
    "- lighter sets of your first exercise\n"
    "See [the ACSM guide](https://www.acsm.org/guide) for more 💪.",
    "Warm-up", "Warm-up basics", "warmup.md")
FILES = {"squat.md": [SQUAT_HOW, SQUAT_MISTAKES], "protein.md": [PROTEIN_DAILY, PROTEIN_FOODS],
         "sleep.md": [SLEEP], "warmup.md": [MARKDOWN]}

MARKUP = re.compile(r"[*#`_\[\]|<>]|https?:|www\.|\]\(|[\U0001F000-\U0001FAFF\u2600-\u27BF]")


def passages_of(file):
    return list(FILES.get(file, []))


def ctx(question, passages=(), relevant=None, history=(), profile=None, state=None):
    passages = list(passages)
    return CoachContext(question=question, passages=passages,
                        relevant=bool(passages) if relevant is None else relevant,
                        history=list(history), profile=dict(profile or {}),
                        state={} if state is None else state)


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


def line(key):
    """The answering line `key`, as the catalogue has it."""
    return lang.catalogue()[f"answering.{key}"]
