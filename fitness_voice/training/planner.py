"""Deterministic workout planning from the exercise library (kb/exercises).

Pure functions over exercise dicts (the YAML front matter of kb/exercises/*.md, as
returned by ``retrieval.load_exercises``); nothing here reads files, touches the
database or calls a model, and the same inputs always give the same plan. What the
caller asked for is read into these terms by requests.py; which exercises may be
used, and in what order, is selection.py's.

A session is a warm-up (3-4 moves, one timed set each, ~3-4 minutes), a main block
run as a circuit (every exercise once per round, ``set_number == round``) and a
cool-down (3-4 stretches, ~3 minutes). The main block's exercise count, rounds, rest
and a small rep scale are searched so that the sum of ``estimate_seconds`` over all
steps lands close to the requested time.
"""

from __future__ import annotations

from dataclasses import replace

from .plan import Plan, Step, estimate_seconds
from .requests import (
    FOCUSES,
    as_list,
    goal_kind,
    normalize_equipment,
    normalize_level,
    normalize_limitations,
    normalize_text,
)
from .selection import (
    alternatives,
    default_amount,
    index_by_slug,
    is_allowed,
    main_pool,
    muscles_of,
    pick_by_coverage,
    preferred_count,
)

MIN_MINUTES, MAX_MINUTES = 10, 60
MIN_REPS, MAX_REPS = 4, 30
MIN_SECONDS, MAX_SECONDS = 10, 90
# Rest between circuit exercises by level (the rest after a round's last move is doubled,
# at most 60 s); the fitting search may move it within REST_CHOICES.
LEVEL_REST = {"beginner": 30, "intermediate": 25, "advanced": 20}
REST_CHOICES = (20, 25, 30, 40, 45)
SCALE_CHOICES = (0.8, 0.9, 1.0, 1.1, 1.2)
MAX_ROUNDS = 10
MAX_MAIN_EXERCISES = 10


# --- the session ----------------------------------------------------------------------

def _single_step(exercise: dict, block: str) -> Step:
    reps, seconds = default_amount(exercise)
    return Step(slug=exercise["slug"], title=exercise.get("title") or exercise["slug"],
                block=block, set_number=1, sets=1, reps=reps, seconds=seconds,
                per_side=bool(exercise.get("per_side")), rest_seconds=0,
                cues=list(as_list(exercise.get("cues"))), round=1)


def _scaled(exercise: dict, scale: float) -> tuple[int | None, int | None]:
    reps, seconds = default_amount(exercise)
    if reps:
        return max(MIN_REPS, min(MAX_REPS, round(reps * scale))), None
    return None, max(MIN_SECONDS, min(MAX_SECONDS, 5 * round(seconds * scale / 5)))


def _circuit(exercises: list[dict], rounds: int, rest: int, scale: float) -> list[Step]:
    amounts = [_scaled(ex, scale) for ex in exercises]
    steps = []
    for rnd in range(1, rounds + 1):
        for i, ex in enumerate(exercises):
            reps, seconds = amounts[i]
            last_of_round = i == len(exercises) - 1
            steps.append(Step(
                slug=ex["slug"], title=ex.get("title") or ex["slug"], block="main",
                set_number=rnd, sets=rounds, reps=reps, seconds=seconds,
                per_side=bool(ex.get("per_side")),
                rest_seconds=min(60, rest * 2) if last_of_round else rest,
                cues=list(as_list(ex.get("cues"))), round=rnd))
    return steps


def _fit_main(ordered: list[dict], target: int, minutes: int, level: str) -> list[Step]:
    """Search exercise count, rounds, rest and rep scale for the main block closest to
    `target` seconds, preferring 2-4 rounds, more variety for longer sessions, the
    level's usual rest and the default reps."""
    if not ordered:
        return []
    most = min(len(ordered), MAX_MAIN_EXERCISES)
    fewest = min(3, most)
    preferred = min(most, preferred_count(minutes))
    usual_rest = LEVEL_REST[level]
    best, best_cost = None, None
    for count in range(fewest, most + 1):
        chosen = ordered[:count]
        for scale in SCALE_CHOICES:
            for rest in REST_CHOICES:
                one_round = sum(estimate_seconds(s) for s in _circuit(chosen, 1, rest, scale))
                for rounds in range(1, MAX_ROUNDS + 1):
                    total = one_round * rounds
                    error = abs(total - target) / max(target, 60)
                    cost = (error + 10 * max(0.0, error - 0.04)
                            + 0.03 * max(0, 2 - rounds, rounds - 4)
                            + 0.02 * abs(count - preferred)
                            + 0.5 * abs(scale - 1.0)
                            + 0.002 * abs(rest - usual_rest))
                    if best_cost is None or cost < best_cost - 1e-9:
                        best, best_cost = (chosen, rounds, rest, scale), cost
    chosen, rounds, rest, scale = best
    return _circuit(chosen, rounds, rest, scale)


def plan_session(exercises: list[dict], minutes=20, equipment=(), limitations=(),
                 level="beginner", focus=None, chosen=(), suits=None) -> Plan:
    """A warm-up, circuit and cool-down from `exercises` fitting `minutes` (clamped to 10-60).

    `chosen` (slugs) fixes the circuit's exercises, in order (those the caller was
    offered); `suits(exercise)` keeps the warm-up and cool-down to moves the caller
    can do where they are.
    """
    minutes = max(MIN_MINUTES, min(MAX_MINUTES, int(minutes or 20)))
    equipment_list = normalize_equipment(equipment)
    avoided = normalize_limitations(limitations)
    level = normalize_level(level)
    focus = focus if focus in FOCUSES else "full body"
    have, avoid = set(equipment_list), set(avoided)
    by_slug = index_by_slug(exercises)

    ordered = [by_slug[slug] for slug in chosen if slug in by_slug] or main_pool(
        by_slug, have, avoid, level, focus, minutes)
    main_muscles = [m for ex in ordered[:6] for m in muscles_of(ex)]

    short = minutes < 20
    fits = suits or (lambda ex: True)
    warm_pool = [ex for ex in by_slug.values() if ex.get("category") == "warmup"
                 and is_allowed(ex, have, avoid, level) and fits(ex)]
    warmup = pick_by_coverage(warm_pool, main_muscles, (3, 3 if short else 4),
                              budget=180 if short else 250,
                              first=lambda ex: ex.get("pattern") == "cardio")
    cool_pool = [ex for ex in by_slug.values() if ex.get("category") == "cooldown"
                 and is_allowed(ex, have, avoid, level) and fits(ex)]
    cooldown = pick_by_coverage(cool_pool, main_muscles, (3, 3 if short else 4),
                                budget=160 if short else (220 if minutes < 30 else 250))

    warm_steps = [_single_step(ex, "warmup") for ex in warmup]
    cool_steps = [_single_step(ex, "cooldown") for ex in cooldown]
    fixed = sum(estimate_seconds(s) for s in warm_steps + cool_steps)
    in_main = ordered if chosen else (
        [ex for ex in ordered if ex not in warmup and ex not in cooldown] or ordered)
    main_steps = _fit_main(in_main, max(60, minutes * 60 - fixed), minutes, level)

    steps = warm_steps + main_steps + cool_steps
    total = sum(estimate_seconds(s) for s in steps)
    return Plan(steps=steps, minutes=round(total / 60), focus=focus, avoided=avoided,
                equipment=equipment_list)


def rounds_for(exercises: list[dict], minutes: int, level="beginner") -> int:
    """Rounds of a circuit of `exercises` that fill `minutes` after a short warm-up and
    cool-down, as plan_session would run them."""
    minutes = max(MIN_MINUTES, min(MAX_MINUTES, int(minutes or 20)))
    warm_and_cool = 360 if minutes >= 20 else 300
    main = _fit_main(list(exercises), max(60, minutes * 60 - warm_and_cool), minutes,
                     normalize_level(level))
    return main[0].sets if main else 0


# --- adapting a running session -----------------------------------------------------------

def swap(exercises: list[dict], step: Step, direction: str, limitations=(),
         equipment=()) -> Step | None:
    """The next easier/harder variation of `step`'s exercise that the caller may do.

    Follows the exercise's `easier` / `harder` chain past variations ruled out by
    equipment or limitations. The new step keeps the step's place (block, set, round,
    rest) and scales the new exercise's defaults by how the step scaled its own.
    """
    key = {"easier": "easier", "harder": "harder"}.get(normalize_text(direction))
    if key is None:
        raise ValueError(f"direction must be 'easier' or 'harder', not {direction!r}")
    by_slug = index_by_slug(exercises)
    have = set(normalize_equipment(equipment))
    avoid = set(normalize_limitations(limitations))
    current = by_slug.get(step.slug)
    seen = {step.slug}
    slug = (current or {}).get(key)
    while slug and slug not in seen:
        seen.add(slug)
        candidate = by_slug.get(slug)
        if candidate is None:
            return None
        if is_allowed(candidate, have, avoid, None):
            return _swapped(step, current, candidate)
        slug = candidate.get(key)
    return None


def stand_in(exercises: list[dict], step: Step, limitations=(), equipment=(),
             avoid=(), repeat=True) -> Step | None:
    """A move to do in place of `step` when it hurts: the next easier variation the
    limitations allow, else another move working the same muscles (selection.py's
    alternatives), one not in `avoid` (the rest of the session) if there is one (or
    only such a one, without `repeat`), else None. The new step keeps the step's
    place, like swap."""
    easier = swap(exercises, step, "easier", limitations, equipment)
    if easier is not None and easier.slug not in avoid:
        return easier
    by_slug = index_by_slug(exercises)
    current = by_slug.get(step.slug)
    if current is None:
        return None
    found = alternatives(by_slug, current, set(normalize_equipment(equipment)),
                         set(normalize_limitations(limitations)), avoid={step.slug})
    fresh = [ex for ex in found if ex["slug"] not in avoid]  # not already in the session
    chosen = (fresh or (found if repeat else []) or [None])[0]
    return _swapped(step, current, chosen) if chosen else None


def _swapped(step: Step, current: dict | None, new: dict) -> Step:
    old_reps, old_seconds = default_amount(current) if current else (None, None)
    if step.reps and old_reps:
        ratio = step.reps / old_reps
    elif step.seconds and old_seconds:
        ratio = step.seconds / old_seconds
    else:
        ratio = 1.0
    reps, seconds = default_amount(new)
    if reps:
        reps = max(1, round(reps * ratio))
    else:
        seconds = max(5, 5 * round(seconds * ratio / 5))
    return replace(step, slug=new["slug"], title=new.get("title") or new["slug"], reps=reps,
                   seconds=seconds, per_side=bool(new.get("per_side")),
                   cues=list(as_list(new.get("cues"))))


def _change(amount: int, factor: float, low: int, high: int, step_of: int) -> int:
    """`amount` x `factor` (0.78 or 1.22), kept within 20-25% of the change when whole
    numbers allow, preferring multiples of `step_of`, then clamped to [low, high]."""
    a, b = sorted((amount * (1 - 0.25 if factor < 1 else 1 + 0.2),
                   amount * (1 - 0.2 if factor < 1 else 1 + 0.25)))
    nice = [v for v in range(int(a) + 1 if a != int(a) else int(a), int(b) + 1)
            if v % step_of == 0]
    value = min(nice, key=lambda v: abs(v - amount * factor)) if nice else round(amount * factor)
    if value == amount:
        value += -1 if factor < 1 else 1
    return max(min(low, amount), min(max(high, amount), value))


def adjust_for_effort(step: Step, effort: int) -> Step:
    """The next set after one rated `effort` (1-10): 9-10 → 20-25% less, 1-4 → 20-25%
    more, otherwise unchanged. Returns a new Step; never below 4 reps / 10 s, never
    above 30 reps / 90 s (unless the step already was)."""
    effort = int(effort)
    if 5 <= effort <= 8:
        return step
    factor = 0.78 if effort >= 9 else 1.22
    if step.reps:
        return replace(step, reps=_change(step.reps, factor, MIN_REPS, MAX_REPS, 1))
    if step.seconds:
        return replace(step, seconds=_change(step.seconds, factor, MIN_SECONDS, MAX_SECONDS, 5))
    return step


# --- the week -------------------------------------------------------------------------

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEK_DAYS = {1: (0,), 2: (0, 3), 3: (0, 2, 4), 4: (0, 1, 3, 4), 5: (0, 1, 2, 4, 5),
             6: (0, 1, 2, 3, 4, 5)}
_UP, _LOW, _FULL, _CARDIO, _CORE = "upper body", "lower body", "full body", "cardio", "core"
SPLIT = {1: (_FULL,), 2: (_FULL, _FULL), 3: (_UP, _LOW, _FULL), 4: (_UP, _LOW, _UP, _LOW),
         5: (_UP, _LOW, _FULL, _UP, _LOW), 6: (_UP, _LOW, _FULL, _UP, _LOW, _FULL)}


def plan_week(days_per_week: int, minutes: int, goal: str | None, level: str) -> list[dict]:
    """Training days for a week: [{"day", "focus", "minutes"}], Monday first.

    1-6 days (clamped), spread with rest days between where the count allows. Focus by
    goal: build muscle → upper/lower/full (beginners keep to full body up to three days
    a week, as kb/training-frequency-and-splits advises); lose weight → full body and
    cardio; endurance → cardio-led; otherwise full body, cardio, core.
    """
    days = 3 if days_per_week is None else max(1, min(6, int(days_per_week)))
    minutes = max(MIN_MINUTES, min(MAX_MINUTES, int(minutes or 20)))
    kind = goal_kind(goal)
    if kind == "muscle":
        foci = (_FULL,) * days if normalize_level(level) == "beginner" and days <= 3 \
            else SPLIT[days]
    else:
        rotation = {"weight": (_FULL, _CARDIO),
                    "endurance": (_CARDIO, _FULL, _CARDIO, _LOW, _CARDIO, _CORE),
                    "fitness": (_FULL, _CARDIO, _CORE)}[kind]
        foci = tuple(rotation[i % len(rotation)] for i in range(days))
    return [{"day": DAY_NAMES[d], "focus": focus, "minutes": minutes}
            for d, focus in zip(WEEK_DAYS[days], foci, strict=True)]
