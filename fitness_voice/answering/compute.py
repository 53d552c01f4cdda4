"""Simple numbers worked out for the caller: their stated figures (body weight,
age, how much they want to lose) applied to a rate or formula in the notes.

"I weigh 80 kg, how much protein?" and a passage saying "about 1.4 to 2.0 grams
of protein per kilogram of body weight per day" give "about 110 to 160 grams of
protein a day". Also: millilitres or milligrams per kilogram, "220 minus your
age" for a maximum heart rate, "60 to 70 percent of maximum heart rate" as beats
per minute, "half a kilogram to one kilogram a week" as weeks to a target, "1.5
liters for every kilogram lost" applied to what the caller sweated off, and
"forty five minutes three times a week" added up against the weekly minutes the
guidelines name.

Figures come from what the caller said, in digits or words ("eighty", "a
hundred and fifty", "one point five"). Everything here is English; the spoken
sentences are lines of the catalogue (answering.computed_*).
"""

import re
from dataclasses import dataclass

from .numbers import numbers, with_digits
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
    lost_kg: float | None = None        # "I lost two kilos during my run": already gone
    lost_said: str | None = None
    weekly_minutes: int | None = None   # "forty five minutes three times a week": 135
    weekly_said: str | None = None
    race_km: float | None = None        # "a 5k in 30 minutes": the distance and the time
    race_minutes: float | None = None
    race_miles: bool | None = None      # said in miles
    race_said: str | None = None         # "a half marathon", "5 kilometers"

    def any(self):
        return any(value is not None for value in (self.weight_kg, self.age, self.lose_kg,
                                                   self.lost_kg, self.weekly_minutes,
                                                   self.race_km))


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
            elif changing and re.search(r"\b(?:lost|dropped|shed)\b", changing.group()):
                if figures.lost_kg is None and 0 < kg < 150:
                    figures.lost_kg, figures.lost_said = kg, said
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
    if figures.lost_kg is None and (one := _LOST_ONE.search(spaced)):
        figures.lost_kg = KG_PER_POUND if one.group(1).startswith(("p", "l")) else 1.0
        figures.lost_said = f"a {_unit_name(one.group(1))[:-1]}"
    figures.weekly_minutes, figures.weekly_said = _weekly(with_digits(text))
    figures.race_km, figures.race_minutes, figures.race_miles, figures.race_said = _race(text)
    return figures


# "I lost a kilo": one, in words no number reader takes.
_LOST_ONE = re.compile(r"\b(?:lost|dropped|shed)(?: about| around| like| almost| nearly| over)?"
                       r" (?:a|one) (" + _KILOS + "|" + _POUNDS + r")\b")
_MINUTES = r"(\d+) (?:minutes?|mins?)"
_TIMES = r"(\d+|once|twice) (?:times?|days?|sessions?|x)? ?(?:a|per|each|every) week"
# How long and how often, in either order: "45 minutes 3 times a week", "3 days a week
# for 30 minutes", "30 minutes a day", "an hour twice a week".
_WEEKLY = (
    re.compile(_MINUTES + r"(?: (?:each|a|per) (?:time|session|go))?(?: (?:on )?\w+)? " + _TIMES),
    re.compile(_TIMES + r"(?: (?:for|of|doing))?(?: about| around)? " + _MINUTES),
)
_DAILY = re.compile(_MINUTES + r" (?:a|per|each|every) day\b|\bevery day for " + _MINUTES)
_HOUR = re.compile(r"\b(?:half an hour|0\.5 hours?|(?:an|1) hour)\b")


def _weekly(spaced):
    """The caller's weekly minutes of activity, and how they said them, or (None, None)."""
    text = _HOUR.sub(lambda m: "60 minutes" if m.group().endswith(("an hour", "1 hour"))
                     else "30 minutes",
                     spaced)
    for n, pattern in enumerate(_WEEKLY):
        found = pattern.search(text)
        if found:
            minutes, times = (found.group(1), found.group(2)) if n == 0 else \
                (found.group(2), found.group(1))
            times = {"once": 1, "twice": 2}.get(times) or int(times)
            if 0 < times <= 14 and 0 < int(minutes) <= 600:
                said = {1: "once", 2: "twice"}.get(times, f"{times} times")
                return int(minutes) * times, f"{int(minutes)} minutes {said} a week"
    found = _DAILY.search(text)
    if found:
        minutes = int(found.group(1) or found.group(2))
        if 0 < minutes <= 600:
            return minutes * 7, f"{minutes} minutes a day"
    return None, None


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
    standalone: bool = False  # worked from the caller's figures alone: say no rate after it


def compute(question, sentences, figures):
    """The figure the caller's numbers give from a rate or formula in `sentences`
    ([(key, text)], best first), or None. `question` decides which rate is meant
    when there are several ("moderate" or "vigorous", "zone two" or the maximum)."""
    q = normalise(question)
    for rule in (_pace, _per_weight, _heart_rate_range, _max_heart_rate, _weeks_to_target,
                 _weekly_total):
        found = None
        for key, text in sentences:
            result = rule(q, text, figures)
            if result is not None and (found is None or result[0] > found[0]):
                found = (result[0], key, result[1], result[2])
            if found is not None and rule is not _heart_rate_range:
                break  # the first rate in the notes' order; ranges pick by context
        if found is not None:
            _score, key, line, fields = found
            return Computed(line, fields, key, standalone=rule is _pace)
    return None


def _per_weight(question, text, figures):
    if figures.weight_kg is None and figures.lost_kg is None:
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
        # "for every kilogram of body weight lost" is applied to what was lost, any other
        # rate per kilogram to the caller's weight.
        lost = bool(_LOST_RATE.match(tail[unit.end():]))
        if (figures.lost_kg if lost else figures.weight_kg) is None:
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
                     _period_words(period.group(1)) if period else "", lost)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None:
        return None
    _score, _n, low, high, unit, what, period, lost = best
    unit = _plural(_spoken_unit(unit))
    kg = figures.lost_kg if lost else figures.weight_kg
    step = 0.5 if unit == "liters" else None  # "1.5 liters", not "2 liters"
    fields = {"weight": figures.lost_said if lost else figures.weight_said,
              "low": _round(low * kg, step), "high": _round(high * kg, step),
              "amount": " ".join(part for part in (unit, what, period) if part)}
    line = "computed_per_lost" if lost else "computed_per_weight"
    if fields["low"] == fields["high"]:
        return 0, f"{line}_single", fields
    return 0, line, fields


_LOST_RATE = re.compile(r"(?: of (?:body ?weight|weight))? (?:lost|you lose|you lost)\b")


def _substance(of, question):
    """ "of protein": from the rate, or failing that from the question."""
    if of:
        words = of.split()
        if words[-1] in ("per", "a", "each", "body", "for"):
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


def _weekly_total(question, text, figures):
    """The caller's weekly minutes against the weekly minutes the notes name ("aim for
    150 to 300 minutes of moderate aerobic activity a week")."""
    if figures.weekly_minutes is None:
        return None
    found = _WEEKLY_TARGET.search(_spaced(text))
    if not found:
        return None
    target = int(found.group(1) or found.group(2))
    total = figures.weekly_minutes
    fields = {"said": figures.weekly_said, "total": total, "target": target,
              "more": _round(target - total)}
    return 0, "computed_weekly_meets" if total >= target else "computed_weekly_short", fields


_WEEKLY_TARGET = re.compile(
    r"\b(\d+)(?: to \d+)? minutes of (?:moderate|brisk|aerobic)\b[a-z ]{0,30}? (?:a|per|each) "
    r"week\b|\b(\d+)(?: to \d+)? minutes (?:a|per|each) week of moderate\b")


KM_PER_MILE = 1.609344
_RACES = ((re.compile(r"\bhalf marathon\b"), "21.1 k", "a half marathon"),
          (re.compile(r"\bmarathon\b"), "42.2 k", "a marathon"))
_RACE = re.compile(
    r"\b(\d+(?:\.\d+)?) ?(k|km|kms|kilometers?|kilometres?|miles?|mi)\b(?: \w+){0,3}? "
    r"(?:in|under|below|sub|within) (?:(?:about|around|roughly|less than) )?"
    r"(?:(\d+(?:\.\d+)?) ?(?:hours?|hrs?)(?: and)?)? ?(?:(\d+) ?(?:minutes?|mins?))?")
_ASKS_PACE = re.compile(r"\bpace\b|\bhow fast\b|\b(?:per|a|each) (?:k|km|kilometers?|"
                        r"kilometres?|miles?)\b")


def _race(text):
    """(kilometers, minutes, said in miles, how to say the distance) of a goal like "a
    5k in 30 minutes", or Nones."""
    race, named = normalise(text), None
    for pattern, distance, name in _RACES:
        if pattern.search(race):
            race, named = pattern.sub(distance, race, count=1), named or name
    found = _RACE.search(with_digits(race))
    if not found or not (found.group(3) or found.group(4)):
        return None, None, None, None
    distance, in_miles = float(found.group(1)), found.group(2).startswith("mi")
    minutes = float(found.group(3) or 0) * 60 + float(found.group(4) or 0)
    km = distance * KM_PER_MILE if in_miles else distance
    if not 0.4 <= km <= 100 or minutes <= 0:
        return None, None, None, None
    said = named or f"{_plain(distance)} {'miles' if in_miles else 'kilometers'}"
    return km, minutes, in_miles, said


def _pace(question, text, figures):
    """ "a 5k in 30 minutes, what pace?": the minutes per kilometer or mile it takes.
    Worked from the caller's figures alone; the notes' sentence only comes along."""
    if figures.race_km is None or not _ASKS_PACE.search(question):
        return None
    per_mile = re.search(r"\b(?:per|a|each) miles?\b", question) is not None or (
        figures.race_miles and not re.search(r"\b(?:k|km|kilomet\w+)\b", question))
    per = figures.race_km / KM_PER_MILE if per_mile else figures.race_km
    return 0, "computed_pace", {
        "distance": figures.race_said,
        "time": _duration_words(figures.race_minutes * 60),
        "pace": _duration_words(round(figures.race_minutes * 60 / per / 5) * 5),
        "unit": "mile" if per_mile else "kilometer"}


def _duration_words(seconds):
    """5400 -> "1 hour 30 minutes"; 330 -> "5 minutes 30 seconds"."""
    hours, rest = divmod(int(round(seconds)), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(hours, "hour"), (minutes, "minute"), (secs, "second")]
    return " ".join(f"{n} {name}{'s' if n != 1 else ''}" for n, name in parts if n)


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
