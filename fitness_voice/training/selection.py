"""Which exercises a session may use, and in what order.

Pure functions over exercise dicts (the YAML front matter of kb/exercises/*.md):
what the caller's equipment, limitations and level allow, what a focus takes in,
and the order that keeps any prefix of a circuit balanced across movement patterns.
"""

from .plan import SECONDS_PER_REP, TRANSITION_SECONDS
from .requests import LEVELS, as_list, normalize_level

# Limitations for which high-impact moves (jumping, landing) are left out.
HIGH_IMPACT_LIMITATIONS = frozenset({"knee", "ankle", "pregnancy"})
MAIN_CATEGORIES = frozenset({"strength", "core", "cardio"})
# Equipment that loads a move (preferred when the caller has it), as opposed to props.
LOADS = frozenset({"dumbbells", "kettlebell", "barbell", "resistance band", "pull-up bar"})

LOWER_MUSCLES = frozenset({"quadriceps", "glutes", "hamstrings", "calves", "adductors"})
UPPER_MUSCLES = frozenset({"chest", "shoulders", "triceps", "biceps", "upper back", "lats",
                           "forearms"})
CORE_MUSCLES = frozenset({"core", "obliques"})

# Pattern order of the main circuit per focus; unlisted patterns follow alphabetically.
FOCUS_PATTERNS = {
    "full body": ("squat", "push", "hinge", "pull", "core", "lunge", "cardio", "carry"),
    "lower body": ("squat", "hinge", "lunge", "core"),
    "upper body": ("push", "pull", "carry", "core"),
    "core": ("core", "cardio"),
    "cardio": ("cardio", "squat", "lunge", "core"),
}


def default_amount(exercise: dict) -> tuple[int | None, int | None]:
    reps, seconds = exercise.get("default_reps"), exercise.get("default_seconds")
    if reps:
        return int(reps), None
    if seconds:
        return None, int(seconds)
    return None, 30


def is_allowed(exercise: dict, equipment: set, limitations: set, level: str | None) -> bool:
    if not set(as_list(exercise.get("equipment"))) <= equipment:
        return False
    if set(as_list(exercise.get("avoid_with"))) & limitations:
        return False
    high_impact = exercise.get("impact") == "high"
    if high_impact and (limitations & HIGH_IMPACT_LIMITATIONS or level == "beginner"):
        return False
    if level is not None:
        ex_level = normalize_level(exercise.get("level"))
        if LEVELS.index(ex_level) > LEVELS.index(level):
            return False
    return True


def index_by_slug(exercises: list[dict]) -> dict[str, dict]:
    by_slug = {}
    for exercise in exercises:
        slug = exercise.get("slug")
        if slug and slug not in by_slug:
            by_slug[slug] = exercise
    return by_slug


def muscles_of(exercise: dict) -> list[str]:
    return [m.lower() for m in as_list(exercise.get("muscles"))]


def in_focus(exercise: dict, focus: str) -> bool:
    """Whether `exercise` belongs in a session with this focus."""
    pattern, category = exercise.get("pattern"), exercise.get("category")
    first = (muscles_of(exercise) or [""])[0]
    if focus == "lower body":
        return pattern in ("squat", "lunge", "hinge") or (
            category == "strength" and first in LOWER_MUSCLES)
    if focus == "upper body":
        return pattern in ("push", "pull", "carry") or first in UPPER_MUSCLES
    if focus == "core":
        return category == "core" or pattern == "core" or first in CORE_MUSCLES
    if focus == "cardio":
        return category == "cardio"
    return True


def has_progression(exercise: dict, pool: dict[str, dict], by_slug: dict[str, dict]) -> bool:
    """Whether a harder variation of `exercise` (anywhere up its chain) is in `pool`."""
    seen, slug = {exercise.get("slug")}, exercise.get("harder")
    while slug and slug not in seen:
        if slug in pool:
            return True
        seen.add(slug)
        slug = (by_slug.get(slug) or {}).get("harder")
    return False


def _ordered_main(pool: list[dict], by_slug: dict, focus: str, level: str) -> list[dict]:
    """Pool ordered for the circuit: round-robin over movement patterns so any prefix is
    balanced; within a pattern the caller's level first, loaded moves when the caller has
    the kit, and the top of each easier/harder chain before its regressions."""
    pool_by_slug = {ex["slug"]: ex for ex in pool}
    want = LEVELS.index(level)

    def key(ex):
        loaded = bool(set(as_list(ex.get("equipment"))) & LOADS)
        return (abs(want - LEVELS.index(normalize_level(ex.get("level")))),
                not loaded, has_progression(ex, pool_by_slug, by_slug), ex["slug"])

    groups: dict[str, list[dict]] = {}
    for ex in sorted(pool, key=key):
        groups.setdefault(ex.get("pattern") or "other", []).append(ex)
    order = list(FOCUS_PATTERNS.get(focus, FOCUS_PATTERNS["full body"]))
    order += sorted(p for p in groups if p not in order)
    queues = [groups[p] for p in order if p in groups]
    ordered = []
    while any(queues):
        for queue in queues:
            if queue:
                ordered.append(queue.pop(0))
    return ordered


def alternatives(by_slug: dict, exercise: dict, equipment: set, limitations: set,
                 avoid=()) -> list[dict]:
    """Moves that can stand in for `exercise` with these limitations: same kind of
    block, no harder, the same category first, sharing its muscles (its first ones
    count most), the same movement pattern next; best first."""
    worked = muscles_of(exercise)
    weights = {m: 3 if i == 0 else (2 if i == 1 else 1) for i, m in enumerate(worked)}
    block = exercise.get("category") in MAIN_CATEGORIES
    level = LEVELS.index(normalize_level(exercise.get("level")))
    found = []
    for candidate in by_slug.values():
        if candidate.get("slug") in avoid or candidate is exercise:
            continue
        if (candidate.get("category") in MAIN_CATEGORIES) != block or (
                not block and candidate.get("category") != exercise.get("category")):
            continue
        if not is_allowed(candidate, equipment, limitations, None):
            continue
        shared = sum(weights.get(m, 0) for m in muscles_of(candidate))
        if shared <= 0:
            continue
        harder = LEVELS.index(normalize_level(candidate.get("level"))) > level
        found.append(((harder, candidate.get("category") != exercise.get("category"), -shared,
                       candidate.get("pattern") != exercise.get("pattern"), candidate["slug"]),
                      candidate))
    return [candidate for _, candidate in sorted(found, key=lambda item: item[0])]


def preferred_count(minutes: int) -> int:
    """How many different exercises a circuit of this length should have."""
    return max(3, min(8, 4 + minutes // 15))


def main_pool(by_slug, equipment, limitations, level, focus, minutes) -> list[dict]:
    allowed = [ex for ex in by_slug.values()
               if ex.get("category") in MAIN_CATEGORIES
               and is_allowed(ex, equipment, limitations, level)]
    focused = [ex for ex in allowed if in_focus(ex, focus)]
    wanted = preferred_count(minutes)
    if len(focused) < wanted:  # narrow focus: top up with its companion patterns
        companions = [ex for ex in _ordered_main(allowed, by_slug, focus, level)
                      if ex not in focused and ex.get("pattern") in FOCUS_PATTERNS[focus]]
        focused += companions[:wanted - len(focused)]
    if len(focused) < 3:  # still too few: top up from the full-body order
        extra = [ex for ex in _ordered_main(allowed, by_slug, "full body", level)
                 if ex not in focused]
        focused += extra[:3 - len(focused)]
    if focused:
        return _ordered_main(focused, by_slug, focus, level)
    # Nothing strength/core/cardio is allowed: the safest moves left (low-impact
    # mobility and stretches, timed) still make a gentle session.
    gentle = [ex for ex in by_slug.values()
              if ex.get("category") in ("warmup", "mobility", "cooldown")
              and ex.get("impact") != "high" and is_allowed(ex, equipment, limitations, level)]
    return sorted(gentle, key=lambda ex: (ex.get("category") != "warmup", ex["slug"]))


def pick_by_coverage(candidates: list[dict], target_muscles: list[str], count: tuple[int, int],
                      budget: int, first=None) -> list[dict]:
    """Greedy pick of moves covering the muscles the session works most, within budget."""
    weights: dict[str, int] = {}
    for rank, muscle in enumerate(target_muscles):
        weights[muscle] = weights.get(muscle, 0) + max(1, 10 - rank // 3)
    chosen, covered, total = [], set(), 0
    remaining = sorted(candidates, key=lambda ex: ex["slug"])
    if first is not None:
        starters = [ex for ex in remaining if first(ex)]
        if starters:
            chosen.append(starters[0])
            covered |= set(muscles_of(starters[0]))
            total += _warm_seconds(starters[0])
            remaining.remove(starters[0])
    low, high = count
    while remaining and len(chosen) < high:
        best = max(remaining, key=lambda ex: (_gain(ex, covered, weights), -remaining.index(ex)))
        if len(chosen) >= low and total + _warm_seconds(best) > budget:
            break
        chosen.append(best)
        covered |= set(muscles_of(best))
        total += _warm_seconds(best)
        remaining.remove(best)
    return chosen


def _gain(exercise: dict, covered: set, weights: dict) -> tuple[int, int, int]:
    worked = set(muscles_of(exercise))
    new = worked - covered
    return (sum(weights.get(m, 0) for m in new), sum(weights.get(m, 0) for m in worked),
            len(new))


def _warm_seconds(exercise: dict) -> int:
    reps, seconds = default_amount(exercise)
    work = reps * SECONDS_PER_REP if reps else seconds
    return work * (2 if exercise.get("per_side") else 1) + TRANSITION_SECONDS
