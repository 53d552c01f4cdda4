"""Choosing two or three library exercises that answer a Question, from their
equipment, muscles, level, avoid_with, movement pattern and easier/harder chain;
where each exercise is done; harder and easier versions of the picks.

Pure functions over the exercise dicts (kb/exercises front matter).
"""

from .questions import TARGETS, Question
from .requests import LEVELS, as_list, normalize_level, normalize_text
from .selection import (
    FOCUS_PATTERNS,
    HIGH_IMPACT_LIMITATIONS,
    LOADS,
    LOWER_MUSCLES,
    has_progression,
    in_focus,
    is_allowed,
    muscles_of,
)

# Which of an exercise's positions each place the caller names allows.
POSITION_ALLOWS = {
    "lying": {"lying"},
    "floor": {"lying", "floor"},
    "standing": {"standing"},
    "seated": {"seated"},
    "desk": {"seated", "standing"},
}
KIND_CATEGORIES = {"warmup": {"warmup"}, "cooldown": {"cooldown"}, "stretch": {"cooldown"}}
MAIN = ("strength", "core", "cardio")
MOST_PICKS = 3


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


def uses(exercise, items):
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
        points * 2 >= best or (said and uses(ex, said) and points * 3 >= best))]
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
                has_progression(ex, in_pool, by_slug), ex["slug"])

    ranked = [ex for _, ex in sorted(kept, key=key)]
    tiers = [[ex for ex in ranked if said and uses(ex, said)],
             [ex for ex in ranked if not (said and uses(ex, said))]]
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
