"""Deterministic workout planning from the exercise library (kb/exercises).

Pure functions over exercise dicts (the YAML front matter of kb/exercises/*.md, as
returned by ``knowledge.load_exercises``); nothing here reads files, touches the
database or calls a model, and the same inputs always give the same plan.

A session is a warm-up (3-4 moves, one timed set each, ~3-4 minutes), a main block
run as a circuit (every exercise once per round, ``set_number == round``) and a
cool-down (3-4 stretches, ~3 minutes). The main block's exercise count, rounds, rest
and a small rep scale are searched so that the sum of ``estimate_seconds`` over all
steps lands close to the requested time.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields, replace

# --- vocabulary ---------------------------------------------------------------------

LEVELS = ("beginner", "intermediate", "advanced")
LIMITATIONS = ("knee", "lower back", "shoulder", "wrist", "ankle", "hip", "neck", "pregnancy",
               "high blood pressure")
EQUIPMENT = ("dumbbells", "kettlebell", "barbell", "resistance band", "bench", "chair", "step",
             "pull-up bar", "mat")
FOCUSES = ("full body", "lower body", "upper body", "core", "cardio")
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

SECONDS_PER_REP = 3
TRANSITION_SECONDS = 10
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


# --- data ---------------------------------------------------------------------------

@dataclass
class Step:
    slug: str
    title: str
    block: str  # "warmup" | "main" | "cooldown"
    set_number: int  # this set of this exercise (== round in the circuit)
    sets: int  # how many sets of this exercise the plan has
    reps: int | None
    seconds: int | None  # exactly one of reps / seconds is set
    per_side: bool
    rest_seconds: int  # rest after this step
    cues: list[str] = field(default_factory=list)
    round: int = 1


@dataclass
class Plan:
    steps: list[Step]
    minutes: int  # estimated total minutes, rounded
    focus: str
    avoided: list[str]  # limitations that were applied
    equipment: list[str]  # the caller's equipment the plan was built for

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        step_keys = {f.name for f in fields(Step)}
        steps = [Step(**{k: v for k, v in step.items() if k in step_keys})
                 for step in data.get("steps") or []]
        return cls(steps=steps, minutes=int(data.get("minutes") or 0),
                   focus=data.get("focus") or "full body",
                   avoided=list(data.get("avoided") or []),
                   equipment=list(data.get("equipment") or []))

    def total_seconds(self) -> int:
        return sum(estimate_seconds(step) for step in self.steps)


# --- normalising inputs ---------------------------------------------------------------

EQUIPMENT_WORDS = (
    (r"dumb ?bells?|hand ?weights|free ?weights|weights", "dumbbells"),
    (r"kettle ?bells?", "kettlebell"),
    (r"barbells?", "barbell"),
    (r"(?:resistance |exercise |elastic |workout )?bands?", "resistance band"),
    (r"bench(?:es)?", "bench"),
    (r"chairs?", "chair"),
    (r"(?:a|the|my|some|aerobic) step|stairs?|staircase|step ?(?:box|platform)", "step"),
    (r"pull[- ]?up bar|chin[- ]?up bar", "pull-up bar"),
    (r"(?:yoga |exercise )?mats?", "mat"),
)
GYM = re.compile(r"\bgym\b")
NO_EQUIPMENT = re.compile(
    r"\b(no equipment|without (any )?equipment|no gear|no weights|body ?-?weight|"
    r"just my body|nothing at home|don'?t have (any )?(equipment|anything)|none)\b")
NEGATION_BEFORE = re.compile(r"\b(no|without|not|don'?t|do not|haven'?t|forgot|left)\b[^,.;]*$")


def _norm(text) -> str:
    return re.sub(r"\s+", " ", str(text or "").lower()).strip()


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


def normalize_level(level) -> str:
    text = _norm(level)
    for name in reversed(LEVELS):
        if name in text:
            return name
    return "beginner"


def _equipment_in(text: str) -> tuple[list[str], list[str]]:
    """(items mentioned, items mentioned as missing) in `text`, canonical names."""
    found, missing = [], []
    for pattern, name in EQUIPMENT_WORDS:
        for match in re.finditer(rf"\b(?:{pattern})\b", text):
            before = text[max(0, match.start() - 30):match.start()]
            (missing if NEGATION_BEFORE.search(before) else found).append(name)
    gym = GYM.search(text)
    if gym and not NEGATION_BEFORE.search(text[max(0, gym.start() - 30):gym.start()]):
        found.extend(EQUIPMENT)
    return _ordered(found, EQUIPMENT), _ordered(missing, EQUIPMENT)


def normalize_equipment(equipment) -> list[str]:
    """Canonical equipment names from a list or a phrase ("dumbbell, bench", "none")."""
    items = []
    for entry in _as_list(equipment):
        text = _norm(entry)
        if text in EQUIPMENT:
            items.append(text)
            continue
        found, _ = _equipment_in(text)
        items.extend(found)
    return _ordered(items, EQUIPMENT)


BODY_PARTS = (
    (r"lower back|low back|lumbar|\bback", "lower back"),
    (r"knees?|kneecaps?|acl|meniscus", "knee"),
    (r"shoulders?|rotator cuff", "shoulder"),
    (r"wrists?|carpal tunnel", "wrist"),
    (r"ankles?|achilles", "ankle"),
    (r"hips?", "hip"),
    (r"neck", "neck"),
)
CONDITIONS = (
    (r"pregnan\w*|expecting a baby|having a baby", "pregnancy"),
    (r"high blood pressure|hypertension|blood pressure", "high blood pressure"),
)
HURT = re.compile(
    r"\b(hurts?|hurting|hurt|sore|bad|injur\w*|pain\w*|aches?|aching|achy|dodgy|weak|stiff|"
    r"tweaked|pulled|strained|sprained|twisted|tender|problems?|issues?|acting up|acts up|"
    r"bother\w*|killing|surgery|operation|replacement|arthritis|tendonitis|niggle|twinge)\b")
HEALED = re.compile(
    r"\b(healed|recovered|all better|no longer|doesn'?t hurt|not (sore|hurting|bothering)|"
    r"no (pain|problems?|issues?)|(is|feels|'s) (fine|better|good|okay|ok)( now)?)\b")
NOT_OK = re.compile(r"\b(not|isn'?t|never) (feeling )?(good|great|okay|ok|fine|right|better)\b")
CLAUSE_SPLIT = re.compile(r"[,.;!?]|\b(?:and|but|though|although|while|so)\b")


def _body_parts(text: str) -> list[str]:
    """Limitations named in `text` ("back" and even "upper back" count as lower back,
    the cautious reading)."""
    return [name for pattern, name in BODY_PARTS + CONDITIONS
            if re.search(rf"\b(?:{pattern})\b", text)]


def normalize_limitations(limitations) -> list[str]:
    """Canonical limitation names from a list or a phrase ("bad knees", "none")."""
    items = []
    for entry in _as_list(limitations):
        text = _norm(entry)
        if text in LIMITATIONS:
            items.append(text)
        elif text:
            items.extend(_body_parts(text))
    return _ordered(items, LIMITATIONS)


def _ordered(items, vocabulary) -> list[str]:
    """Deduplicated, vocabulary order first, then unknown items in order seen."""
    seen = list(dict.fromkeys(items))
    known = [name for name in vocabulary if name in seen]
    return known + [name for name in seen if name not in vocabulary]


# --- parse_request --------------------------------------------------------------------

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
          "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_NUMBER = (r"\d{1,3}(?:\.\d)?|(?:" + "|".join(_TENS) + r")(?:[\s-](?:"
           + "|".join(list(_UNITS)[:9]) + r"))?|" + "|".join(sorted(_UNITS, key=len, reverse=True))
           + r"|an|a")
MINUTE_PHRASES = (
    (re.compile(r"\b(?:an?|one) hour and a half\b|\b(?:one|1) and a half hours?\b|"
                r"\b1\.5 hours?\b|\bninety minutes?\b"), 90),
    (re.compile(r"\bthree quarters? of an hour\b"), 45),
    (re.compile(r"\b(?:a )?quarter (?:of an )?hour\b"), 15),
    (re.compile(r"\bhalf (?:an )?hour\b|\bhalf-hour\b"), 30),
)
BARE_NUMBER = re.compile(rf"(?:(?:about|maybe|around|like|say|uh|um|erm|oh),? )*({_NUMBER})"
                         r"(?:,? (?:please|or so|i guess|i think))?")
MINUTES = re.compile(rf"\b({_NUMBER})\s*-?\s*(minutes?|mins?|hours?|hrs?)\b(?! ago)")


def _number(word: str) -> float | None:
    word = word.strip().replace("-", " ")
    if re.fullmatch(r"\d{1,3}(?:\.\d)?", word):
        return float(word)
    if word in ("a", "an"):
        return 1
    parts = word.split()
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_UNITS.get(parts[1], 0) if len(parts) > 1 else 0)
    return _UNITS.get(word)


def parse_minutes(text) -> int | None:
    """Minutes said in `text` ("twenty minutes", "half an hour", "45 min", "an hour")."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        return int(text) if text > 0 else None
    lowered = _norm(text)
    bare = BARE_NUMBER.fullmatch(lowered.strip(" .!?"))
    if bare:  # the answer to "how many minutes?": "twenty", "about 30"
        amount = _number(bare.group(1))
        return round(amount) if amount and 5 <= amount <= 120 else None
    for pattern, minutes in MINUTE_PHRASES:
        if pattern.search(lowered):
            return minutes
    for match in MINUTES.finditer(lowered):
        amount = _number(match.group(1))
        minutes = round((amount or 0) * (60 if match.group(2).startswith(("hour", "hr")) else 1))
        if minutes >= 5:  # "give me a minute" is not a session length
            return minutes
    return None


LEVEL_WORDS = (
    (re.compile(r"\badvanced\b|\bvery experienced\b"), "advanced"),
    (re.compile(r"\bintermediate\b|\bexperienced\b"), "intermediate"),
    (re.compile(r"\bbeginner\b|\bnew to (this|exercise|working out|training)\b|"
                r"\bnever (worked out|exercised|trained)\b|\bjust (starting|started)\b"),
     "beginner"),
)
EASIER = re.compile(r"\b(go(ing)? easy|take it easy|easy (one|session|workout|day)|gentle|"
                    r"something easy|keep it (light|easy)|light (one|session|workout))\b")
HARDER = re.compile(r"\b(challenge me|push me|make it (hard|harder|tough|challenging)|"
                    r"(something|a|really) (hard|tough|challenging|intense)|hard (one|session|"
                    r"workout)|tough (one|session|workout)|intense)\b")
FOCUS_WORDS = (
    ("full body", r"full[- ]body|whole[- ]body|total[- ]body|everything|all over"),
    ("lower body", r"legs?|leg day|lower[- ]body|lower half|glutes|bum|butt|thighs"),
    ("upper body", r"upper[- ]body|upper half|arms?|chest|biceps|triceps|shoulders|back day"),
    ("core", r"core|abs|abdominals?|stomach|six[- ]pack|tummy|belly|midsection"),
    ("cardio", r"cardio|conditioning|heart rate|sweat|hiit|fat burn\w*|endurance|stamina"),
)


def _focus_in(clauses: list[str]) -> str | None:
    """The focus asked for, first mentioned first; upper and lower together → full body."""
    names = []
    for clause in clauses:
        if HURT.search(clause) or HEALED.search(clause):
            continue  # "my legs are sore" is not a request to train legs
        clause = re.sub(r"\b(leg swings?|arm circles?)\b", " ", clause)
        hits = []
        for name, pattern in FOCUS_WORDS:
            match = re.search(rf"\b(?:{pattern})\b", clause)
            if match:
                hits.append((match.start(), name))
        names.extend(name for _, name in sorted(hits))
    names = list(dict.fromkeys(names))
    if not names:
        return None
    if "lower body" in names and "upper body" in names:
        return "full body"
    return names[0]


def parse_request(text: str, profile: dict | None = None) -> dict:
    """What the caller asked for now, with the profile filling the gaps.

    Returns {"minutes", "equipment", "limitations", "level", "focus"}. Minutes,
    equipment, level and focus said now override the profile. Limitations add to the
    profile's injuries (safer), except ones the caller says are fine now.
    """
    profile = profile or {}
    lowered = _norm(text)
    clauses = [c.strip() for c in CLAUSE_SPLIT.split(lowered) if c and c.strip()]

    minutes = parse_minutes(lowered) or parse_minutes(profile.get("minutes_per_session")) or 20

    if NO_EQUIPMENT.search(lowered):
        equipment, _ = _equipment_in(NO_EQUIPMENT.sub(" ", lowered))
    else:
        found, missing = _equipment_in(lowered)
        if found:
            equipment = found
        else:
            equipment = [item for item in normalize_equipment(profile.get("equipment"))
                         if item not in missing]

    said, recovered, previous = [], [], []
    for clause in clauses:
        parts = _body_parts(clause)
        if not parts:  # "my knee, it still hurts": the complaint follows the body part
            if previous and HURT.search(clause) and not HEALED.search(clause):
                said.extend(previous)
            continue
        previous = parts
        if HEALED.search(clause) and not NOT_OK.search(clause):
            recovered.extend(parts)
        elif (HURT.search(clause) or NOT_OK.search(clause)
              or any(p in ("pregnancy", "high blood pressure") for p in parts)):
            said.extend(parts)
    recovered = [item for item in recovered if item not in said]
    from_profile = [item for item in normalize_limitations(profile.get("injuries"))
                    if item not in recovered]
    limitations = _ordered(said + from_profile, LIMITATIONS)

    level = normalize_level(profile.get("experience"))
    for pattern, name in LEVEL_WORDS:
        if pattern.search(lowered):
            level = name
            break
    else:
        if EASIER.search(lowered):
            level = LEVELS[max(0, LEVELS.index(level) - 1)]
        elif HARDER.search(lowered):
            level = LEVELS[min(len(LEVELS) - 1, LEVELS.index(level) + 1)]

    return {"minutes": int(minutes), "equipment": equipment, "limitations": limitations,
            "level": level, "focus": _focus_in(clauses)}


# --- exercise selection ---------------------------------------------------------------

def _amount(exercise: dict) -> tuple[int | None, int | None]:
    reps, seconds = exercise.get("default_reps"), exercise.get("default_seconds")
    if reps:
        return int(reps), None
    if seconds:
        return None, int(seconds)
    return None, 30


def _allowed(exercise: dict, equipment: set, limitations: set, level: str | None) -> bool:
    if not set(_as_list(exercise.get("equipment"))) <= equipment:
        return False
    if set(_as_list(exercise.get("avoid_with"))) & limitations:
        return False
    high_impact = exercise.get("impact") == "high"
    if high_impact and (limitations & HIGH_IMPACT_LIMITATIONS or level == "beginner"):
        return False
    if level is not None:
        ex_level = normalize_level(exercise.get("level"))
        if LEVELS.index(ex_level) > LEVELS.index(level):
            return False
    return True


def _index(exercises: list[dict]) -> dict[str, dict]:
    by_slug = {}
    for exercise in exercises:
        slug = exercise.get("slug")
        if slug and slug not in by_slug:
            by_slug[slug] = exercise
    return by_slug


def _muscles(exercise: dict) -> list[str]:
    return [m.lower() for m in _as_list(exercise.get("muscles"))]


def _in_focus(exercise: dict, focus: str) -> bool:
    pattern, category = exercise.get("pattern"), exercise.get("category")
    first = (_muscles(exercise) or [""])[0]
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


def _has_progression(exercise: dict, pool: dict[str, dict], by_slug: dict[str, dict]) -> bool:
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
        loaded = bool(set(_as_list(ex.get("equipment"))) & LOADS)
        return (abs(want - LEVELS.index(normalize_level(ex.get("level")))),
                not loaded, _has_progression(ex, pool_by_slug, by_slug), ex["slug"])

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


def _preferred_count(minutes: int) -> int:
    """How many different exercises a circuit of this length should have."""
    return max(3, min(8, 4 + minutes // 15))


def _main_pool(by_slug, equipment, limitations, level, focus, minutes) -> list[dict]:
    allowed = [ex for ex in by_slug.values()
               if ex.get("category") in MAIN_CATEGORIES
               and _allowed(ex, equipment, limitations, level)]
    focused = [ex for ex in allowed if _in_focus(ex, focus)]
    wanted = _preferred_count(minutes)
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
              and ex.get("impact") != "high" and _allowed(ex, equipment, limitations, level)]
    return sorted(gentle, key=lambda ex: (ex.get("category") != "warmup", ex["slug"]))


def _pick_by_coverage(candidates: list[dict], target_muscles: list[str], count: tuple[int, int],
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
            covered |= set(_muscles(starters[0]))
            total += _warm_seconds(starters[0])
            remaining.remove(starters[0])
    low, high = count
    while remaining and len(chosen) < high:
        best = max(remaining, key=lambda ex: (_gain(ex, covered, weights), -remaining.index(ex)))
        if len(chosen) >= low and total + _warm_seconds(best) > budget:
            break
        chosen.append(best)
        covered |= set(_muscles(best))
        total += _warm_seconds(best)
        remaining.remove(best)
    return chosen


def _gain(exercise: dict, covered: set, weights: dict) -> tuple[int, int, int]:
    muscles = set(_muscles(exercise))
    new = muscles - covered
    return (sum(weights.get(m, 0) for m in new), sum(weights.get(m, 0) for m in muscles),
            len(new))


def _warm_seconds(exercise: dict) -> int:
    reps, seconds = _amount(exercise)
    work = reps * SECONDS_PER_REP if reps else seconds
    return work * (2 if exercise.get("per_side") else 1) + TRANSITION_SECONDS


def _single_step(exercise: dict, block: str) -> Step:
    reps, seconds = _amount(exercise)
    return Step(slug=exercise["slug"], title=exercise.get("title") or exercise["slug"],
                block=block, set_number=1, sets=1, reps=reps, seconds=seconds,
                per_side=bool(exercise.get("per_side")), rest_seconds=0,
                cues=list(_as_list(exercise.get("cues"))), round=1)


def _scaled(exercise: dict, scale: float) -> tuple[int | None, int | None]:
    reps, seconds = _amount(exercise)
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
                cues=list(_as_list(ex.get("cues"))), round=rnd))
    return steps


def _fit_main(ordered: list[dict], target: int, minutes: int, level: str) -> list[Step]:
    """Search exercise count, rounds, rest and rep scale for the main block closest to
    `target` seconds, preferring 2-4 rounds, more variety for longer sessions, the
    level's usual rest and the default reps."""
    if not ordered:
        return []
    most = min(len(ordered), MAX_MAIN_EXERCISES)
    fewest = min(3, most)
    preferred = min(most, _preferred_count(minutes))
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
                 level="beginner", focus=None) -> Plan:
    """A warm-up, circuit and cool-down from `exercises` fitting `minutes` (clamped to 10-60)."""
    minutes = max(MIN_MINUTES, min(MAX_MINUTES, int(minutes or 20)))
    equipment_list = normalize_equipment(equipment)
    avoided = normalize_limitations(limitations)
    level = normalize_level(level)
    focus = focus if focus in FOCUSES else "full body"
    have, avoid = set(equipment_list), set(avoided)
    by_slug = _index(exercises)

    ordered = _main_pool(by_slug, have, avoid, level, focus, minutes)
    main_muscles = [m for ex in ordered[:6] for m in _muscles(ex)]

    short = minutes < 20
    warm_pool = [ex for ex in by_slug.values()
                 if ex.get("category") == "warmup" and _allowed(ex, have, avoid, level)]
    warmup = _pick_by_coverage(warm_pool, main_muscles, (3, 3 if short else 4),
                               budget=180 if short else 250,
                               first=lambda ex: ex.get("pattern") == "cardio")
    cool_pool = [ex for ex in by_slug.values()
                 if ex.get("category") == "cooldown" and _allowed(ex, have, avoid, level)]
    cooldown = _pick_by_coverage(cool_pool, main_muscles, (3, 3 if short else 4),
                                 budget=160 if short else (220 if minutes < 30 else 250))

    warm_steps = [_single_step(ex, "warmup") for ex in warmup]
    cool_steps = [_single_step(ex, "cooldown") for ex in cooldown]
    fixed = sum(estimate_seconds(s) for s in warm_steps + cool_steps)
    in_main = [ex for ex in ordered if ex not in warmup and ex not in cooldown] or ordered
    main_steps = _fit_main(in_main, max(60, minutes * 60 - fixed), minutes, level)

    steps = warm_steps + main_steps + cool_steps
    total = sum(estimate_seconds(s) for s in steps)
    return Plan(steps=steps, minutes=round(total / 60), focus=focus, avoided=avoided,
                equipment=equipment_list)


def estimate_seconds(step: Step) -> int:
    """Time a step takes: reps x 3 s or its seconds (doubled per side), a 10 s transition,
    and the rest after it. The plan's total is the sum over its steps."""
    work = (step.reps or 0) * SECONDS_PER_REP if step.reps else (step.seconds or 0)
    if step.per_side:
        work *= 2
    return int(work + TRANSITION_SECONDS + (step.rest_seconds or 0))


# --- adapting a running session -----------------------------------------------------------

def swap(exercises: list[dict], step: Step, direction: str, limitations=(),
         equipment=()) -> Step | None:
    """The next easier/harder variation of `step`'s exercise that the caller may do.

    Follows the exercise's `easier` / `harder` chain past variations ruled out by
    equipment or limitations. The new step keeps the step's place (block, set, round,
    rest) and scales the new exercise's defaults by how the step scaled its own.
    """
    key = {"easier": "easier", "harder": "harder"}.get(_norm(direction))
    if key is None:
        raise ValueError(f"direction must be 'easier' or 'harder', not {direction!r}")
    by_slug = _index(exercises)
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
        if _allowed(candidate, have, avoid, None):
            return _swapped(step, current, candidate)
        slug = candidate.get(key)
    return None


def _swapped(step: Step, current: dict | None, new: dict) -> Step:
    old_reps, old_seconds = _amount(current) if current else (None, None)
    if step.reps and old_reps:
        ratio = step.reps / old_reps
    elif step.seconds and old_seconds:
        ratio = step.seconds / old_seconds
    else:
        ratio = 1.0
    reps, seconds = _amount(new)
    if reps:
        reps = max(1, round(reps * ratio))
    else:
        seconds = max(5, 5 * round(seconds * ratio / 5))
    return replace(step, slug=new["slug"], title=new.get("title") or new["slug"], reps=reps,
                   seconds=seconds, per_side=bool(new.get("per_side")),
                   cues=list(_as_list(new.get("cues"))))


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


def goal_kind(goal) -> str:
    text = _norm(goal)
    if re.search(r"muscle|strong|strength|tone|toning|bulk|mass|bigger", text):
        return "muscle"
    if re.search(r"weight|fat|lean|slim|burn|pounds|kilos", text):
        return "weight"
    if re.search(r"\brun|5k|10k|marathon|race|endurance|stamina|cardio", text):
        return "endurance"
    return "fitness"


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
