"""Reading an exercise-choice question: what to work, with what, where, around
which injury, at what level, for how long.

"My knee is sore, what leg exercise can I do lying down" is read into a Question;
a line about one named exercise ("how do I do a plank", "can I still do squats")
or about anything else is not a Question: the grounded answer takes it. Also what
a follow-up to the suggestions names. The words come from the language's
``training/advice.yaml``.
"""

import functools
import re
from dataclasses import dataclass, field

from .. import lang
from .requests import normalize_text, parse_minutes, parse_request, vocabulary
from .selection import CORE_MUSCLES, LOWER_MUSCLES, UPPER_MUSCLES, muscles_of
from .vocabulary import AS_WRITTEN, VocabularyFile

# What each target works: (the planner's focus, the library's muscle names).
TARGETS = {
    "legs": ("lower body", LOWER_MUSCLES),
    "glutes": ("lower body", frozenset({"glutes"})),
    "hamstrings": ("lower body", frozenset({"hamstrings"})),
    "quadriceps": ("lower body", frozenset({"quadriceps"})),
    "calves": ("lower body", frozenset({"calves"})),
    "hips": ("lower body", frozenset({"hip flexors", "glutes", "adductors"})),
    "core": ("core", frozenset({"core"})),
    "obliques": ("core", frozenset({"obliques"})),
    "lower back": ("core", frozenset({"lower back"})),
    "back": ("upper body", frozenset({"upper back", "lats", "lower back"})),
    "chest": ("upper body", frozenset({"chest"})),
    "shoulders": ("upper body", frozenset({"shoulders"})),
    "arms": ("upper body", frozenset({"biceps", "triceps", "forearms"})),
    "upper body": ("upper body", UPPER_MUSCLES),
    "full body": ("full body", frozenset()),
    "cardio": ("cardio", frozenset()),
    "balance": ("full body", frozenset()),
}
POSITIONS = ("lying", "floor", "standing", "seated", "desk")
# Equipment a place provides: a desk is a sturdy surface (incline push-ups) beside a chair.
POSITION_KIT = {"seated": {"chair"}, "desk": {"chair", "bench"}}
KINDS = ("warmup", "cooldown", "stretch")
# How to warm up or cool down in general is the knowledge base's answer.
ROUTINES = frozenset({"warmup", "cooldown"})


# --- the words ----------------------------------------------------------------------

@dataclass(frozen=True)
class AdviceWords:
    asks: re.Pattern
    not_asks: re.Pattern
    not_asks_without_kind: re.Pattern
    context: re.Pattern
    exercise_names: re.Pattern
    instead: re.Pattern
    needs_target: re.Pattern
    at_home: re.Pattern
    dose: re.Pattern
    rounds: re.Pattern
    targets: tuple  # ((name, pattern), ...)
    activities: tuple  # ((target name, pattern), ...): what a warm-up or stretch is for
    positions: tuple
    kinds: tuple


def words(language=None) -> AdviceWords:
    return _words(language or lang.active_language())


@functools.cache
def _words(language):
    data = VocabularyFile("training/advice", language)
    listed = functools.partial(data.pattern, template=AS_WRITTEN)
    return AdviceWords(
        asks=listed("asks"), not_asks=listed("not_asks"),
        not_asks_without_kind=listed("not_asks_without_kind"), context=listed("context"),
        exercise_names=data.pattern("exercise_names"), instead=listed("instead"),
        needs_target=data.pattern("needs_target"), at_home=listed("at_home"),
        dose=listed("dose"), rounds=listed("rounds"),
        targets=tuple((name, data.pattern(f"targets.{name}"))
                      for name in data.names("targets", TARGETS)),
        activities=tuple((name, data.pattern(f"activities.{name}"))
                         for name in data.names("activities", ("legs", "upper body"))),
        positions=tuple((name, data.pattern(f"positions.{name}"))
                        for name in data.names("positions", POSITIONS)),
        kinds=tuple((name, data.pattern(f"kinds.{name}")) for name in data.names("kinds", KINDS)))


# --- the question ---------------------------------------------------------------------

@dataclass
class Question:
    """An exercise-choice question, in the library's terms."""

    target: str | None = None  # a TARGETS key
    focus: str = "full body"
    equipment: list = field(default_factory=list)  # what the caller has
    equipment_said: list = field(default_factory=list)  # named in this line
    no_equipment: bool = False  # "without equipment", said now
    limitations: list = field(default_factory=list)
    level: str = "beginner"  # for ranking
    level_filter: str | None = None  # said now or known: nothing above it
    position: str | None = None  # a POSITIONS key
    kind: str | None = None  # None (workout moves), "warmup" or "stretch"
    for_activity: bool = False  # the target is what the warm-up or stretch is for
    minutes: int | None = None  # said now
    excluded: frozenset = frozenset()  # slugs the caller wants something instead of
    request: dict = field(default_factory=dict)  # parse_request's reading, for a session


def read_question(text, profile=None, exercises=()):
    """The exercise-choice question in `text`, or None when it is not one."""
    profile = profile or {}
    lowered = normalize_text(text)
    said = words()
    if not said.asks.search(lowered) or said.not_asks.search(lowered):
        return None
    unkitted = _without_kit_words(lowered)  # "a pull-up bar" names no exercise
    excluded = _named(unkitted, exercises)
    instead = said.instead.search(lowered)
    if (excluded or said.exercise_names.search(unkitted)) and not instead:
        return None  # about one exercise: how to do it, whether it is safe
    request = parse_request(text, profile)
    position = _first(said.positions, lowered)
    kind = _first(said.kinds, lowered)
    if kind is None and said.not_asks_without_kind.search(lowered):
        return None
    # A body part named with a complaint is a limitation, not a target; but what is
    # stiff or tight is what a stretch is for.
    target = _target(lowered, [] if kind == "stretch" else _complaint_parts(lowered))
    if kind in ROUTINES and not (target or position):
        return None  # "what's a good warm-up before running": the knowledge base says how
    for_activity = target is None and kind is not None
    if for_activity:
        target = _first(said.activities, lowered)
    minutes = parse_minutes(lowered)
    requests_words = vocabulary()
    no_equipment = bool(requests_words.no_equipment.search(lowered))
    named_kit = [] if no_equipment else _kit_named(lowered)
    level_said = any(p.search(lowered) for p, _ in requests_words.levels) or bool(
        requests_words.easier.search(lowered) or requests_words.harder.search(lowered))
    named_place = any((target, position, kind, named_kit, no_equipment, excluded and instead))
    if said.needs_target.search(lowered) and not (target or position or kind or named_kit):
        return None  # "what exercise is safe when pregnant": the knowledge base advises
    if requests_words.hurt.search(lowered) and not (named_place or said.context.search(lowered)):
        return None  # "my shins are killing me, what do I do": about the pain
    if not (named_place or said.context.search(lowered) or minutes or level_said):
        return None
    if target is None and excluded:
        target = _target_of(excluded, exercises)
    focus = TARGETS[target][0] if target else (request["focus"] or "full body")
    equipment = list(request["equipment"]) + sorted(POSITION_KIT.get(position, ()))
    known_level = level_said or profile.get("experience")
    return Question(
        target=target, focus=focus, equipment=equipment, equipment_said=named_kit,
        no_equipment=no_equipment, limitations=list(request["limitations"]),
        level=request["level"], level_filter=request["level"] if known_level else None,
        position=position, kind=kind, for_activity=bool(for_activity and target),
        minutes=minutes, excluded=frozenset(excluded),
        request={**request, "focus": focus})


def _first(named_patterns, text):
    return next((name for name, pattern in named_patterns if pattern.search(text)), None)


def _complaint_parts(lowered):
    """Spans of body parts named with a complaint ("my knee is sore"): limitations."""
    requests_words = vocabulary()
    spans = []
    for clause in requests_words.clause_split.split(lowered):
        if not clause or not (requests_words.hurt.search(clause)
                              or requests_words.guard.search(clause)):
            continue
        for pattern, _ in requests_words.limitations:
            for match in pattern.finditer(clause):
                spans.append(match.group(0))
    return spans


def _target(lowered, complaints):
    """What the caller asks to work: the longest target phrase not named as hurting."""
    for part in complaints:
        lowered = re.sub(rf"\b{re.escape(part)}\b", " ", lowered)
    found = []
    for name, pattern in words().targets:
        for match in pattern.finditer(lowered):
            found.append((match.start(), -(match.end() - match.start()), name, match.end()))
    claimed, chosen = [], []
    for start, _longest_first, name, end in sorted(found, key=lambda f: (f[1], f[0])):
        if any(start < c_end and c_start < end for c_start, c_end in claimed):
            continue
        claimed.append((start, end))
        chosen.append((start, name))
    if not chosen:
        return None
    names = [name for _, name in sorted(chosen)]
    if "legs" in names and "upper body" in names or "full body" in names:
        return "full body"
    return names[0]


def _without_kit_words(lowered):
    for pattern, _ in vocabulary().equipment:
        lowered = pattern.sub(" ", lowered)
    return lowered


def _kit_named(lowered):
    requests_words = vocabulary()
    found = []
    for pattern, name in requests_words.equipment:
        for match in pattern.finditer(lowered):
            before = lowered[max(0, match.start() - 30):match.start()]
            if not requests_words.negation_before.search(before):
                found.append(name)
    return list(dict.fromkeys(found))


@functools.cache
def _title_pattern(title):
    words_of = normalize_text(title).replace("-", " ").split()
    return re.compile(r"\b" + r"[ -]?".join(map(re.escape, words_of)) + r"(?:s|es)?\b")


def _named(lowered, exercises):
    """Slugs of the exercises named in the line, by title or by a family name ("squats")."""
    names = words().exercise_names
    families = [m.group(0) for m in names.finditer(lowered)]
    named = set()
    for exercise in exercises:
        title = normalize_text(exercise.get("title") or "").replace("-", " ")
        if _title_pattern(title).search(lowered) or any(
                names.fullmatch(word) and _same_family(word, title) for word in families):
            named.add(exercise["slug"])
    return named


def _same_family(word, title):
    stem = re.sub(r"(es|s)$", "", word.replace("-", " ").replace(" ", ""))
    return stem in title.replace(" ", "")


def _target_of(slugs, exercises):
    """The target of the exercises the caller wants something instead of."""
    first = [muscles_of(ex)[:1] for ex in exercises if ex["slug"] in slugs]
    muscles = {m for found in first for m in found}
    if muscles & LOWER_MUSCLES:
        return "legs"
    if muscles & UPPER_MUSCLES:
        return "upper body"
    if muscles & CORE_MUSCLES:
        return "core"
    return None


# --- after the suggestions ----------------------------------------------------------------

def named_among(text, picks):
    """The suggested exercises a follow-up names ("how do I do a swing"), best match first."""
    lowered = normalize_text(text)
    named = _named(lowered, picks)
    if not named:
        for ex in picks:  # one word of the name will do: "the swing", "the bridges"
            title_words = normalize_text(ex.get("title")).replace("-", " ").split()
            if any(re.search(rf"\b{re.escape(w)}(e?s)?\b", lowered) for w in title_words
                   if len(w) > 3 and w not in _LOAD_WORDS):
                named.add(ex["slug"])
    return [ex for ex in picks if ex["slug"] in named]


_LOAD_WORDS = {"dumbbell", "dumbbells", "kettlebell", "barbell", "band", "resistance", "with",
               "single", "knee", "wall"}


def asks_about_kit(text):
    return words().at_home.search(normalize_text(text)) is not None


def asks_dose(text):
    """ "How many should I do", "how many sets", "how long do I hold them": the sets,
    reps or seconds of the moves just suggested."""
    return words().dose.search(normalize_text(text)) is not None


def asks_rounds(text):
    """ "How many rounds": the moves as one circuit, done round after round."""
    return words().rounds.search(normalize_text(text)) is not None

