"""Simple numbers worked out for the caller: their stated figures (body weight,
age, how much they want to lose) applied to a rate or formula in the notes.

"I weigh 80 kg, how much protein?" and a passage saying "about 1.4 to 2.0 grams
of protein per kilogram of body weight per day" give "about 110 to 160 grams of
protein a day". Also: millilitres or milligrams per kilogram, "220 minus your
age" for a maximum heart rate, "60 to 70 percent of maximum heart rate" as beats
per minute, and "half a kilogram to one kilogram a week" as weeks to a target.

Figures come from what the caller said, in digits or words ("eighty", "a
hundred and fifty", "one point five"). Everything here is English; the spoken
sentences are lines of the catalogue (answering.computed_*).
"""

import re
from dataclasses import dataclass

from .numbers import numbers
from .numbers import spaced as _spaced
from .plain_text import normalise

KG_PER_POUND = 0.45359237


# -- the caller's figures ----------------------------------------------------------

_KILOS = r"(?:kilos?|kilograms?|kgs?|kilogrammes?|kilo grams?)"
_POUNDS = r"(?:pounds?|lbs?)"
_STONE = r"(?:stone)"
_CHANGE = r"(?:lose|lost|losing|loses|drop|dropped|dropping|gain|gained|gaining|put on|shed|" \
          r"cut|down|up|over|under)"


# A number followed by one of these is not the caller's age ("I'm 30 minutes in").
_NOT_AN_AGE = re.compile(r"\s*(?:minutes?|mins?|seconds?|hours?|days?|weeks?|months?|percent|"
                         r"times|reps?|sets?|miles?|k|km|kilometers?|kilometres?|degrees?|"
                         r"grams?|calories|steps|" + _KILOS + "|" + _POUNDS + r")\b")


@dataclass
class Figures:
    """What the caller said about themselves in numbers (None when not said)."""

    weight_kg: float | None = None
    weight_said: str | None = None      # "80 kilograms", "150 pounds": how to say it back
    age: int | None = None
    lose_kg: float | None = None        # "I want to lose ten kilos"
    lose_said: str | None = None


def caller_figures(*texts):
    """Figures from what the caller said, latest first wins: pass the current line
    first, then earlier lines."""
    figures = Figures()
    for text in texts:
        found = _figures_of(text)
        for key, value in vars(found).items():
            if value is not None and getattr(figures, key) is None:
                setattr(figures, key, value)
    return figures


def _figures_of(text):
    spaced = _spaced(text)
    figures = Figures()
    for value, start, end in numbers(text):
        before = spaced[max(0, start - 30):start]
        after = spaced[end:end + 24]
        unit = re.match(r"\s*(" + _KILOS + "|" + _POUNDS + "|" + _STONE + r")\b", after)
        changing = re.search(r"\b" + _CHANGE + r"(?: (?:about|around|like|another|a|an|"
                             r"the|my))?\s*$", before)
        if unit:
            kind = unit.group(1)
            kg = value if re.fullmatch(_KILOS, kind) else (
                value * 6.35029318 if kind == "stone" else value * KG_PER_POUND)
            said = f"{_plain(value)} {_unit_name(kind)}"
            if changing and re.search(r"\b(?:lose|losing|drop|dropping|shed|cut)\b",
                                      changing.group()):
                if figures.lose_kg is None and 0 < kg < 150:
                    figures.lose_kg, figures.lose_said = kg, said
            elif not changing and figures.weight_kg is None and 25 <= kg <= 300:
                figures.weight_kg, figures.weight_said = kg, said
            continue
        if re.search(r"\bweigh(?:s|ing)?(?: about| around| like| roughly)?\s*$", before) \
                and figures.weight_kg is None and 25 <= value <= 660:
            # "I weigh 80": kilograms unless only pounds make sense.
            pounds = value > 150
            figures.weight_kg = value * KG_PER_POUND if pounds else value
            figures.weight_said = f"{_plain(value)} {'pounds' if pounds else 'kilograms'}"
            continue
        if figures.age is None and value == int(value) and 8 <= value <= 110 and (
                re.match(r"\s*(?:years?|yrs?)(?: old| of age)?\b|\s*year old\b", after)
                or re.search(r"\b(?:aged?|age of|i'm|i am|im|turning|turned)\s*$", before)) \
                and not _NOT_AN_AGE.match(after):
            figures.age = int(value)
    return figures


def _unit_name(kind):
    if re.fullmatch(_KILOS, kind):
        return "kilograms"
    return "stone" if kind == "stone" else "pounds"


# -- rates and formulas in the notes ------------------------------------------------

_AMOUNT_UNIT = r"(grams?|milligrams?|milliliters?|millilitres?|liters?|litres?|calories)"
_PER_KG = r"(?:per|a|for each|for every|each|every) (?:kilogram|kilo|kg)s?"
_PERIOD = re.compile(r"^(?: of body ?weight)?(?:,)? ?(per day|a day|each day|every day|daily|"
                     r"per hour|an hour|each hour|per meal|a meal)\b")


_ASKED_PERIOD = re.compile(r"\b(a day|per day|each day|every day|daily|per hour|an hour|"
                           r"each hour|per meal|a meal|each meal)\b")


@dataclass
class Computed:
    """A figure worked out for the caller, ready for a catalogue line."""

    line: str                 # key under answering., e.g. "computed_per_weight"
    fields: dict
    sentence: object          # the key of the sentence it came from


def compute(question, sentences, figures):
    """The figure the caller's numbers give from a rate or formula in `sentences`
    ([(key, text)], best first), or None. `question` decides which rate is meant
    when there are several ("moderate" or "vigorous", "zone two" or the maximum)."""
    q = normalise(question)
    for rule in (_per_weight, _heart_rate_range, _max_heart_rate, _weeks_to_target):
        found = None
        for key, text in sentences:
            result = rule(q, text, figures)
            if result is not None and (found is None or result[0] > found[0]):
                found = (result[0], key, result[1], result[2])
            if found is not None and rule is not _heart_rate_range:
                break  # the first rate in the notes' order; ranges pick by context
        if found is not None:
            _score, key, line, fields = found
            return Computed(line, fields, key)
    return None


def _per_weight(question, text, figures):
    if figures.weight_kg is None:
        return None
    spaced = _spaced(text)
    spans = numbers(text)
    best = None
    for n, (value, start, end) in enumerate(spans):
        tail = spaced[end:]
        rng = re.match(r" (?:to|and) ", tail)
        high, high_end = value, end
        if rng and n + 1 < len(spans) and spans[n + 1][1] == end + rng.end():
            high, high_end = spans[n + 1][0], spans[n + 1][2]
            tail = spaced[high_end:]
        unit = re.match(r" " + _AMOUNT_UNIT + r"( of (?!body)[a-z]+(?: [a-z]+)?)?(?: fluid)? "
                        + _PER_KG + r"\b", tail)
        if not unit:
            continue
        if start > 0 and re.search(r"(?:\d|\.)\s*$", spaced[:start]):
            continue
        what = _substance(unit.group(2), question)
        period = _PERIOD.match(tail[unit.end():])
        asked = _ASKED_PERIOD.search(question)
        if asked and _period_words(period.group(1) if period else "a day") != \
                _period_words(asked.group(1)):
            continue  # "how much per meal" and a rate per day (a rate without one is daily)
        period = period or asked
        context = spaced[max(0, start - 40):start]
        score = _context_score(question, context)
        candidate = (score, -n, value, high, unit.group(1), what,
                     _period_words(period.group(1)) if period else "")
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        return None
    _score, _n, low, high, unit, what, period = best
    unit = _plural(_spoken_unit(unit))
    low_kg, high_kg = low * figures.weight_kg, high * figures.weight_kg
    fields = {"weight": figures.weight_said, "low": _round(low_kg), "high": _round(high_kg),
              "amount": " ".join(part for part in (unit, what, period) if part)}
    if fields["low"] == fields["high"]:
        return 0, "computed_per_weight_single", fields
    return 0, "computed_per_weight", fields


def _substance(of, question):
    """ "of protein": from the rate, or failing that from the question."""
    if of:
        words = of.split()
        if words[-1] in ("per", "a", "each", "body"):
            words = words[:-1]
        return " ".join(words) if len(words) > 1 else ""
    for thing in _SUBSTANCES:
        if re.search(r"\b" + thing + r"\b", question):
            return f"of {thing}"
    return ""


_SUBSTANCES = ("protein", "caffeine", "carbohydrates", "carbs", "water", "fluid", "creatine")


def _heart_rate_range(question, text, figures):
    """ "60 to 70 percent of maximum heart rate" in beats per minute at the caller's age,
    unless they asked for the maximum itself."""
    if figures.age is None or _wants_maximum(question):
        return None
    spaced = _spaced(text)
    spans = numbers(text)
    best, after = None, 0
    for n, (low, start, end) in enumerate(spans[:-1]):
        high, high_start, high_end = spans[n + 1]
        if not re.fullmatch(r" (?:to|and) ", spaced[end:high_start]):
            continue
        if not re.match(r" percent\b", spaced[high_end:]) or not re.search(
                r"\b(?:max|maximum|maximal) heart rate\b", spaced):
            continue
        # What the range is for: the words since the range before it.
        score = _context_score(question, spaced[after:start], _RATE_WORDS)
        after = high_end
        if best is None or score > best[0]:
            best = (score, low, high)
    if best is None:
        return None
    score, low, high = best
    top = 220 - figures.age
    return score, "computed_heart_rate_range", {
        "age": figures.age, "low": _round(low / 100 * top), "high": _round(high / 100 * top),
        "max": top}


def _max_heart_rate(question, text, figures):
    """ "220 minus your age" at the caller's age."""
    if figures.age is None or not re.search(r"\b220 minus (?:your )?age\b", _spaced(text)):
        return None
    return 0, "computed_max_heart_rate", {"age": figures.age, "max": 220 - figures.age}


def _wants_maximum(question):
    return bool(re.search(r"\b(?:max|maximum|highest|top)\b", question)) and not re.search(
        r"\b(?:zone|moderate|vigorous|easy|hard|fat burning|target|range|percent)\b", question)


def _weeks_to_target(question, text, figures):
    if figures.lose_kg is None:
        return None
    spaced = _spaced(text)
    spans = numbers(text)
    for n, (low, _start, end) in enumerate(spans[:-1]):
        high, high_start, high_end = spans[n + 1]
        between = spaced[end:high_start]
        tail = spaced[high_end:high_end + 30]
        unit = r" (?:a )?(?:kilograms?|kilos?|kg)"
        if re.fullmatch(r"(?:" + unit + r")? (?:to|and) ", between) and re.match(
                unit + r" (?:a|per|each) week\b", tail) and 0 < low < high:
            fast, slow = figures.lose_kg / high, figures.lose_kg / low
            return 0, "computed_weeks", {"amount": figures.lose_said, "low": _round(fast, 1),
                                         "high": _round(slow, 1)}
    return None


def _context_score(question, context, ignored=frozenset()):
    """How many of the question's words come just before a figure in the notes."""
    wanted = {w for w in _spaced(question).split() if len(w) > 3 or w.isdigit()} - ignored
    return len(wanted & set(context.split()))


# Words every heart-rate range is said with: they do not tell ranges apart.
_RATE_WORDS = frozenset({"heart", "rate", "maximum", "percent", "beats", "minute", "year", "old"})


def _period_words(period):
    return {"per day": "a day", "each day": "a day", "every day": "a day", "daily": "a day",
            "per hour": "an hour", "each hour": "an hour", "per meal": "a meal",
            "each meal": "a meal"}.get(period,
                                                                                   period)


def _spoken_unit(unit):
    return {"millilitres": "milliliters", "millilitre": "milliliter", "litres": "liters",
            "litre": "liter"}.get(unit, unit)


def _plural(unit):
    return unit if unit.endswith("s") else unit + "s"


def _round(value, step=None):
    """Round for speech: to 5 under 200, to 10 above, to `step` when given."""
    if step is None:
        step = 1 if value < 20 else 5 if value < 200 else 10
    rounded = round(value / step) * step
    return int(rounded) if float(rounded).is_integer() else round(rounded, 1)


def _plain(value):
    return str(int(value)) if float(value).is_integer() else str(value)
