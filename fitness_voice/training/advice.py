"""Which exercises to do, answered from the exercise library's own data.

"My knee is sore, what leg exercise can I do lying down", "I have twenty minutes
and dumbbells, what should I do for legs", "something for my back I can do at my
desk": such a line is read into a Question (what to work, with what, where, around
which injury, at what level, for how long), and two or three library exercises that
fit are chosen from their equipment, muscles, level, avoid_with, movement pattern and
easier/harder chain. A line about one named exercise ("how do I do a plank", "can I
still do squats") or about anything else is not a Question: the grounded answer
takes it.

Pure functions over the exercise dicts (kb/exercises front matter); the words come
from the language's ``training/advice.yaml``.
"""

import functools
import re
from dataclasses import dataclass, field

from .. import lang
from .requests import (
    LEVELS,
    as_list,
    normalize_level,
    normalize_text,
    parse_minutes,
    parse_request,
    vocabulary,
)
from .selection import (
    CORE_MUSCLES,
    FOCUS_PATTERNS,
    HIGH_IMPACT_LIMITATIONS,
    LOADS,
    LOWER_MUSCLES,
    UPPER_MUSCLES,
    in_focus,
    is_allowed,
    muscles_of,
)
from .vocabulary import AS_WRITTEN, VocabularyFile

# What each target works: (the planner's focus, the library's muscle names).
TARGETS = {
    "legs": ("lower body", LOWER_MUSCLES),
    "glutes": ("lower body", frozenset({"glutes"})),
    "hamstrings": ("lower body", frozenset({"hamstrings"})),
    "quadriceps": ("lower body", frozenset({"quadriceps"})),
    "calves": ("lower body", frozenset({"calves"})),
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
# Targets that name a region rather than one muscle: the answer says which muscles.
REGIONS = frozenset({"legs", "back", "upper body", "arms", "core"})
POSITIONS = ("lying", "floor", "standing", "seated", "desk")
# Which of an exercise's positions each place the caller names allows.
POSITION_ALLOWS = {
    "lying": {"lying"},
    "floor": {"lying", "floor"},
    "standing": {"standing"},
    "seated": {"seated"},
    "desk": {"seated", "standing"},
}
# Equipment a place provides: a desk is a sturdy surface (incline push-ups) beside a chair.
POSITION_KIT = {"seated": {"chair"}, "desk": {"chair", "bench"}}
KINDS = ("warmup", "cooldown", "stretch")
KIND_CATEGORIES = {"warmup": {"warmup"}, "cooldown": {"cooldown"}, "stretch": {"cooldown"}}
# How to warm up or cool down in general is the knowledge base's answer.
ROUTINES = frozenset({"warmup", "cooldown"})
MAIN = ("strength", "core", "cardio")
MOST_PICKS = 3


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


# --- where an exercise is done ----------------------------------------------------------

def position_of(exercise):
    """Where an exercise is done, from its tags, pattern, muscles and equipment:
    "lying" (on the back, front or side), "floor" (kneeling, all fours, a plank),
    "seated" (an upper-body move, or one from a chair) or "standing"."""
    tags = {normalize_text(tag) for tag in as_list(exercise.get("tags"))}
    title = normalize_text(exercise.get("title"))
    kit = set(as_list(exercise.get("equipment")))
    if "floor" in tags:
        return "floor" if "balance" in tags else "lying"
    if tags & {"plank", "crawl", "yoga", "modified push-up"} or "burpee" in title:
        return "floor"
    if "push-up" in tags and not kit and not title.startswith("wall"):
        return "floor"
    if "hiit" in tags and "core" in tags:  # mountain climbers: a moving plank
        return "floor"
    return "standing"


def seated_ok(exercise):
    """Whether a move can be done from a chair: sit-to-stands, and standing upper-body
    moves that hold a load or band, or loosen the shoulders, without using the legs."""
    kit = set(as_list(exercise.get("equipment")))
    if "chair" in kit and exercise.get("pattern") == "squat":
        return True
    if position_of(exercise) != "standing" or exercise.get("category") == "cardio":
        return False
    if exercise.get("pattern") in ("squat", "lunge", "hinge", "carry", "push"):
        return exercise.get("pattern") == "push" and bool(kit & LOADS)
    if not (kit & LOADS or exercise.get("pattern") == "mobility"):
        return False
    return not set(muscles_of(exercise)[:3]) & (LOWER_MUSCLES | {"hip flexors", "lower back"})


def suits_position(exercise, position):
    """Whether `exercise` can be done where the caller says (None: anywhere)."""
    if position is None:
        return True
    allowed = POSITION_ALLOWS[position]
    if "seated" in allowed and seated_ok(exercise):
        return True
    if position == "desk" and (exercise.get("category") == "cardio"
                               or exercise.get("impact") == "high"):
        return False
    return position_of(exercise) in allowed


# --- choosing --------------------------------------------------------------------------

def _kit_ok(exercise, have):
    """Whether the caller has what the move needs; a load the move's tags name as an
    alternative (a goblet squat with a kettlebell) counts."""
    needed = set(as_list(exercise.get("equipment")))
    if needed <= have:
        return True
    tags = {normalize_text(tag) for tag in as_list(exercise.get("tags"))}
    spare = {name for name in have & LOADS if name in tags or name.rstrip("s") in tags}
    return bool(spare) and needed <= LOADS | have


def _uses(exercise, items):
    tags = {normalize_text(tag) for tag in as_list(exercise.get("tags"))}
    needed = set(as_list(exercise.get("equipment")))
    return any(item in needed or item in tags or item.rstrip("s") in tags for item in items)


def allowed(exercise, question):
    have = set(question.equipment)
    limits = set(question.limitations)
    if not _kit_ok(exercise, have) or set(as_list(exercise.get("avoid_with"))) & limits:
        return False
    if exercise.get("impact") == "high" and (
            limits & HIGH_IMPACT_LIMITATIONS or question.level_filter == "beginner"):
        return False
    if question.level_filter is not None and LEVELS.index(
            normalize_level(exercise.get("level"))) > LEVELS.index(question.level_filter):
        return False
    return suits_position(exercise, question.position)


def _categories(question):
    if question.kind:
        return KIND_CATEGORIES[question.kind]
    if question.target == "cardio":
        return {"cardio"}
    if question.target in ("core", "obliques", "lower back", "back"):
        return {"core", "strength"}
    if question.target and question.target not in ("full body", "balance"):
        return {"strength"}
    return set(MAIN)


def score(exercise, question):
    """How squarely `exercise` works what the caller asked for (0: not at all)."""
    if question.target == "balance":
        tags = {normalize_text(tag) for tag in as_list(exercise.get("tags"))}
        return 3 if "balance" in tags else (2 if "single leg" in tags else 0)
    muscles = TARGETS[question.target][1] if question.target else frozenset()
    if not muscles:
        return 1 if in_focus(exercise, question.focus) else 0
    weights = (3, 2)
    return sum(weights[i] if i < 2 else 1
               for i, muscle in enumerate(muscles_of(exercise)) if muscle in muscles)


def choose(exercises, question, most=MOST_PICKS):
    """Two or three exercises that answer `question`, best first, spread over
    movement patterns and easier/harder chains; fewer when the library has no more
    that fit. Moves using the equipment the caller named come first."""
    scored = [(score(ex, question), ex) for ex in _pool(exercises, question)]
    few = sum(p > 0 for p, _ in scored) < 2
    if few and (question.kind in ("stretch", "cooldown")
                or question.kind is None and question.position):
        # Few stretches, or few workout moves where the caller is: mobility moves count too.
        scored += [(score(ex, question), ex) for ex in exercises
                   if ex.get("category") == "warmup" and ex.get("pattern") == "mobility"
                   and ex["slug"] not in question.excluded and allowed(ex, question)]
    best = max((points for points, _ in scored), default=0)
    if best <= 0:
        return []
    said = question.equipment_said
    # With the caller's own kit any move working the target counts; otherwise only
    # moves working it at least half as squarely as the best.
    kept = [(points, ex) for points, ex in scored if points > 0 and (
        points * 2 >= best or (said and _uses(ex, said) and points * 3 >= best))]
    order = FOCUS_PATTERNS.get(question.focus, FOCUS_PATTERNS["full body"])
    wanted = LEVELS.index(question.level)
    in_pool = {ex["slug"] for _, ex in kept
               if LEVELS.index(normalize_level(ex.get("level"))) <= wanted}
    by_slug = {ex["slug"]: ex for ex in exercises}

    friendly_tags = {f"{limitation} friendly" for limitation in question.limitations}

    def key(item):
        points, ex = item
        pattern = ex.get("pattern") or ""
        tags = {normalize_text(tag) for tag in as_list(ex.get("tags"))}
        return (ex.get("impact") == "high", -points, not tags & friendly_tags,
                order.index(pattern) if pattern in order else len(order),
                abs(LEVELS.index(normalize_level(ex.get("level"))) - wanted),
                _leads_to(ex, in_pool, by_slug), ex["slug"])

    ranked = [ex for _, ex in sorted(kept, key=key)]
    tiers = [[ex for ex in ranked if said and _uses(ex, said)],
             [ex for ex in ranked if not (said and _uses(ex, said))]]
    chains = {ex["slug"]: _chain(ex, by_slug) for ex in ranked}

    def new_chain(ex, picks):
        return all(chains[p["slug"]] != chains[ex["slug"]] for p in picks)

    def second_in_chain(ex, picks):  # an easier and a harder version, not three
        return sum(chains[p["slug"]] == chains[ex["slug"]] for p in picks) < 2

    picks = []
    for tier in tiers:
        for fits in (_new_pattern, new_chain, second_in_chain):
            for ex in tier:
                if len(picks) < most and ex not in picks and fits(ex, picks):
                    picks.append(ex)
    return picks


def _pool(exercises, question):
    categories = _categories(question)
    return [ex for ex in exercises if ex.get("category") in categories
            and ex["slug"] not in question.excluded and allowed(ex, question)]


def _new_pattern(exercise, picks):
    return all(p.get("pattern") != exercise.get("pattern") for p in picks)


def _chain(exercise, by_slug):
    """The easiest variation down `exercise`'s easier chain: one name per chain."""
    seen, current = set(), exercise
    while current.get("easier") and current["easier"] in by_slug and current["slug"] not in seen:
        seen.add(current["slug"])
        current = by_slug[current["easier"]]
    return current["slug"]


def _leads_to(exercise, pool, by_slug):
    """Whether a harder variation of `exercise` is also a candidate (its top goes first)."""
    seen, slug = {exercise["slug"]}, exercise.get("harder")
    while slug and slug not in seen:
        if slug in pool:
            return True
        seen.add(slug)
        slug = (by_slug.get(slug) or {}).get("harder")
    return False


def with_any_kit(exercises, question, picks):
    """Moves the caller could add with equipment they did not mention (none named
    now), for an answer with fewer than three picks: (equipment, moves)."""
    if question.equipment_said or question.no_equipment or len(picks) >= MOST_PICKS:
        return None
    have = set(question.equipment)
    richer = Question(**{**question.__dict__, "equipment": sorted(LOADS | have)})
    extra = [ex for ex in choose(exercises, richer, MOST_PICKS) if ex not in picks
             and not set(as_list(ex.get("equipment"))) <= have]
    if not extra:
        return None
    kit = [item for item in as_list(extra[0].get("equipment")) if item not in have]
    extra = [ex for ex in extra if set(as_list(ex.get("equipment"))) <= have | set(kit)]
    return kit, extra[:MOST_PICKS - len(picks)]


def muscles_worked(picks, question, most=2):
    """The asked-for muscles the picks work most, for "they work your ..."."""
    wanted = TARGETS[question.target][1] if question.target else frozenset()
    counts = {}
    for ex in picks:
        for muscle in muscles_of(ex)[:3]:
            if muscle in wanted:
                counts[muscle] = counts.get(muscle, 0) + 1
    return [m for m, _ in sorted(counts.items(), key=lambda item: -item[1])][:most]


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


def variations(picks, by_slug, direction, question_limits=(), equipment=()):
    """The next harder (or easier) version of each pick the library has and the
    caller may do."""
    found = []
    for ex in picks:
        slug, seen = ex.get(direction), {ex["slug"]}
        while slug and slug in by_slug and slug not in seen:
            candidate = by_slug[slug]
            if is_allowed(candidate, set(equipment), set(question_limits), None):
                found.append(candidate)
                break
            seen.add(slug)
            slug = candidate.get(direction)
    return [by_slug[slug] for slug in dict.fromkeys(ex["slug"] for ex in found)]


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
    if said_kit and not any(_uses(ex, said_kit) for ex in picks):
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
    used = [item for item in question.equipment_said if any(_uses(ex, [item]) for ex in picks)
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
