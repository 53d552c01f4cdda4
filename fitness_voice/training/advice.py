"""Which exercises to do, answered from the exercise library's own data.

"My knee is sore, what leg exercise can I do lying down", "I have twenty minutes
and dumbbells, what should I do for legs", "something for my back I can do at my
desk": such a line is read into a Question (what to work, with what, where, around
which injury, at what level, for how long), and two or three library exercises that
fit are chosen from their equipment, muscles, level, avoid_with, movement pattern and
easier/harder chain. A line about one named exercise ("how do I do a plank", "can I
still do squats") or about anything else is not a Question: the grounded answer
takes it.

The work is done in three modules, gathered here under one name:
questions.py reads the question (and what a follow-up names), choosing.py picks the
exercises, and suggestions.py says the answer.
"""

from .choosing import (
    KIND_CATEGORIES,
    MAIN,
    MOST_PICKS,
    POSITION_ALLOWS,
    allowed,
    choose,
    muscles_worked,
    position_of,
    score,
    seated_ok,
    suits_position,
    uses,
    variations,
    with_any_kit,
)
from .questions import (
    KINDS,
    POSITION_KIT,
    POSITIONS,
    ROUTINES,
    TARGETS,
    AdviceWords,
    Question,
    asks_about_kit,
    named_among,
    read_question,
    words,
)
from .suggestions import REGIONS, compose, spoken_name

__all__ = [
    "KIND_CATEGORIES", "KINDS", "MAIN", "MOST_PICKS", "POSITION_ALLOWS", "POSITION_KIT",
    "POSITIONS", "REGIONS", "ROUTINES", "TARGETS", "AdviceWords", "Question", "allowed",
    "asks_about_kit", "choose", "compose", "muscles_worked", "named_among", "position_of",
    "read_question", "score", "seated_ok", "spoken_name", "suits_position", "uses",
    "variations", "with_any_kit", "words",
]
