"""Text for the ear: turn reply text into words a speech engine says well.

The one place that does this. Every speech engine speaks `for_speech(text)`,
the audio cache keys on it, and the coach's output filter uses it, so "3x10",
"10kg" and "HIIT" sound the same whoever says them.

Plain functions, no state, no I/O: cheap enough to run on every turn. Numbers
in words come from numbers.py, the one number-word table.
"""

import re

from .numbers import ONES, amount_words, digits_words, number_words, ordinal_words
from .sentences import join_lines


def _is_one(raw):
    return raw.replace(",", "") in ("1", "1.0")


# Units written after a number: (pattern, singular, plural). Longest first.
UNITS = (
    (r"kilograms?|kilos?|kgs?", "kilogram", "kilograms"),
    (r"pounds?|lbs?", "pound", "pounds"),
    (r"kilometers?|kilometres?|kms?", "kilometer", "kilometers"),
    (r"kcals?", "kilocalorie", "kilocalories"),
    (r"calories|calorie|cals?", "calorie", "calories"),
    (r"milligrams?|mg", "milligram", "milligrams"),
    (r"grams?|g", "gram", "grams"),
    (r"milliliters?|millilitres?|ml", "milliliter", "milliliters"),
    (r"liters?|litres?|l", "liter", "liters"),
    (r"minutes?|mins?", "minute", "minutes"),
    (r"seconds?|secs?|s", "second", "seconds"),
    (r"hours?|hrs?|h", "hour", "hours"),
    (r"meters?|metres?|m", "meter", "meters"),
    (r"miles?|mi", "mile", "miles"),
    (r"bpm", "beat per minute", "beats per minute"),
    (r"reps?", "rep", "reps"),
    (r"sets?", "set", "sets"),
    (r"%|percent", "percent", "percent"),
)


def _unit_words(unit, plural):
    unit = unit.lower()
    for pattern, singular, plural_name in UNITS:
        if re.fullmatch(pattern, unit):
            return plural_name if plural else singular
    raise KeyError(unit)


NUMBER = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
DASH = r"\s*(?:-|–|—|to)\s*"
UNIT = "|".join(pattern for pattern, _, _ in UNITS)

# -- patterns, applied in order --------------------------------------------

# Markdown an LLM may write: emphasis, headings, bullets, code ticks.
MARKDOWN = (
    (re.compile(r"[*_`]{1,3}(?=\S)(.+?)(?<=\S)[*_`]{1,3}"), r"\1"),
    (re.compile(r"^\s{0,3}#{1,6}\s+", re.MULTILINE), ""),
    (re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.MULTILINE), ""),
)

# Words and abbreviations said differently from how they are written.
WORDS = (
    (r"\be\.g\.,?", "for example"),
    (r"\bi\.e\.,?", "that is"),
    (r"\betc\.", "et cetera"),
    (r"\bvs\.?(?=\s)", "versus"),
    (r"\bw/(?=\s)", "with"),
    (r"\bapprox\.", "about"),
    (r"\band/or\b", "and or"),
    (r"\bHIIT\b", "hit"),
    (r"\bLISS\b", "liss"),
    (r"\bAMRAP\b", "am-rap"),
    (r"\bEMOM\b", "every minute on the minute"),
    (r"\bDOMS\b", "doms"),
    (r"\bRM\b", "rep max"),
    (r"\b1\s?RM\b", "one-rep max"),
    (r"\bRPE\b", "R P E"),
    (r"\bBMI\b", "B M I"),
    (r"\bBMR\b", "B M R"),
    (r"\bTDEE\b", "T D E E"),
    (r"\bPR\b", "P R"),
    (r"\bPB\b", "P B"),
    (r"\bDB\b", "dumbbell"),
    (r"\bKB\b", "kettlebell"),
    (r"\bBB\b", "barbell"),
    (r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?m\.?(?=[\s,.!?;]|$)", None),  # times: handled below
)
WORDS = tuple((re.compile(pattern), replacement) for pattern, replacement in WORDS)

# Phone numbers, and numbers after "call", "dial" or "text": read digit by digit.
PHONE = re.compile(r"(?<![\w.])(?:\+?1[-. ])?(?:\(\d{3}\)\s?|\d{3}[-. ])\d{3}[-. ]\d{4}\b")
DIAL = re.compile(r"\b(call|dial|text|phone|ring)(\s+)(\d{3,})\b", re.IGNORECASE)

CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\b")
FRACTIONS = {"1/2": "one half", "1/3": "one third", "2/3": "two thirds",
             "1/4": "one quarter", "3/4": "three quarters"}
FRACTION = re.compile(r"(?<![\d/])(" + "|".join(re.escape(f) for f in FRACTIONS) + r")(?![\d/])")
# "3x10", "3 x 10-12", "4×8": sets of reps.
SETS = re.compile(rf"\b(\d+)\s*[x×]\s*(\d+(?:{DASH}\d+)?)\b", re.IGNORECASE)
# "3x a week", "2x": times.
TIMES = re.compile(r"\b(\d+)\s*[x×](?=\s|$|[,.;!?])", re.IGNORECASE)
# "in your 30s": decades of age, before "30s" can become thirty seconds.
DECADE = re.compile(r"\b(your|their|his|her|my|our|the|early|mid|late)([\s-]+)([2-9]0)'?s\b",
                    re.IGNORECASE)
# "the 1990s", "the 2000s".
DECADE_YEARS = re.compile(r"\b(1[5-9]|20)([0-9]0)'?s\b")
ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b", re.IGNORECASE)
MONEY = re.compile(rf"\$({NUMBER})")
# A number or range with an optional unit: "8-12", "20-30 min", "10kg", "80%".
QUANTITY = re.compile(
    rf"(?<![\w.])({NUMBER})(?:({DASH})({NUMBER}))?(\+)?(?:\s*({UNIT})(?![\w]))?",
    re.IGNORECASE,
)
# "1.6 g/kg", "3 sessions/week": per.
PER_WORDS = {"kg": "kilogram", "kilo": "kilogram", "lb": "pound", "lbs": "pound",
             "km": "kilometer", "mi": "mile", "h": "hour", "hr": "hour", "min": "minute",
             "wk": "week", "sec": "second", "s": "second"}
PER = re.compile(r"(?<=\w)\s*/\s*(kg|kilo|lbs?|km|mi|hr?|hour|min|minute|sec|s|day|wk|week|"
                 r"month|side|leg|arm|set|session)\b", re.IGNORECASE)
COMPARE = ((re.compile(r"<=?\s*(?=\d)"), " less than "),
           (re.compile(r">=?\s*(?=\d)"), " more than "),
           (re.compile(r"\s*[~≈]\s*(?=\d)"), " about "))
# A lone "k" after a number: "5k run".
THOUSAND_K = re.compile(r"\b(\d+)[kK]\b")
SYMBOLS = ((re.compile(r"\s*&\s*"), " and "), (re.compile(r"\s*\+\s*(?=\w)"), " plus "),
           (re.compile(r"\s*@\s*"), " at "), (re.compile(r"(?<=\w)/(?=\w)"), " or "),
           (re.compile(r"\s+-\s+"), ", "),
           (re.compile(r"[#|<>{}\[\]\\^]"), " "))
CLEAN_PUNCTUATION = re.compile(r"\s+([,.!?;:])")
SPACES = re.compile(r"\s+")


def _clock(hours, minutes):
    words = number_words(int(hours))
    if minutes is None or minutes == "00":
        return words if minutes is None else words + " o'clock"
    if minutes.startswith("0"):
        return f"{words} oh {ONES[int(minutes)]}"
    return f"{words} {number_words(int(minutes))}"


def _time_of_day(match):
    hours, minutes, half = match.groups()
    words = _clock(hours, minutes).removesuffix(" o'clock")
    return f"{words} {half.upper()} M"


def _sets(match):
    sets, reps = match.groups()
    return f"{number_words(int(sets))} sets of {_quantities(reps)}"


def _times(match):
    n = int(match.group(1))
    return {1: "once", 2: "twice"}.get(n, f"{number_words(n)} times")


def _decade(match):
    word, space, decade = match.groups()
    return f"{word}{space}{_decade_word(int(decade))}"


def _decade_years(match):
    century, decade = match.groups()
    if decade == "00":
        return number_words(int(century + decade)) + "s"
    return f"{number_words(int(century))} {_decade_word(int(decade))}"


def _decade_word(n):
    """30 -> 'thirties', 10 -> 'tens'."""
    return "tens" if n == 10 else number_words(n)[:-1] + "ies"


def _ordinal(match):
    return ordinal_words(int(match.group(1)))


def _quantity(match):
    first, dash, second, plus, unit = match.groups()
    words = amount_words(first)
    if second is not None:
        words += " to " + amount_words(second)
    if plus:
        words += " plus"
    if unit:
        plural = second is not None or bool(plus) or not _is_one(first)
        words += " " + _unit_words(unit, plural)
    return words


def _quantities(text):
    return QUANTITY.sub(_quantity, text)


def _per(match):
    unit = match.group(1).lower()
    return " per " + PER_WORDS.get(unit, unit)


def _phone(match):
    return ", ".join(digits_words(group) for group in re.findall(r"\d+", match.group(0)))


def for_speech(text):
    """The words to speak for `text`: numbers, units and abbreviations spelled out
    the way a coach would say them. Idempotent: for_speech(for_speech(t)) == for_speech(t)."""
    if not text:
        return ""
    for pattern, replacement in MARKDOWN:
        text = pattern.sub(replacement, text)
    text = join_lines(text)
    for pattern, replacement in WORDS:
        text = pattern.sub(replacement if replacement is not None else _time_of_day, text)
    text = PHONE.sub(_phone, text)
    text = DIAL.sub(lambda m: m.group(1) + m.group(2) + digits_words(m.group(3)), text)
    text = CLOCK.sub(lambda m: _clock(*m.groups()), text)
    text = FRACTION.sub(lambda m: FRACTIONS[m.group(1)], text)
    text = MONEY.sub(lambda m: _quantity_words(m.group(1), "dollar", "dollars"), text)
    text = SETS.sub(_sets, text)
    text = TIMES.sub(_times, text)
    text = DECADE.sub(_decade, text)
    text = DECADE_YEARS.sub(_decade_years, text)
    text = ORDINAL.sub(_ordinal, text)
    text = THOUSAND_K.sub(lambda m: number_words(int(m.group(1))) + " K", text)
    text = PER.sub(_per, text)
    for pattern, replacement in COMPARE:
        text = pattern.sub(replacement, text)
    text = _quantities(text)
    for pattern, replacement in SYMBOLS:
        text = pattern.sub(replacement, text)
    text = CLEAN_PUNCTUATION.sub(r"\1", text)
    return SPACES.sub(" ", text).strip()


def _quantity_words(raw, singular, plural):
    return f"{amount_words(raw)} {singular if _is_one(raw) else plural}"


def fold(spoken):
    """Whitespace and case folded: the form of speakable text the audio cache keys on."""
    return SPACES.sub(" ", spoken).strip().casefold()


def cache_text(text):
    """The form of `text` the audio cache keys on: two replies that sound the
    same share one recording."""
    return fold(for_speech(text))
