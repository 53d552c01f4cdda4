"""What the caller says about check-in calls: days, a time, a time zone, "stop
calling me", voicemails, a person to talk to, and the keypad's digits.

The phrases are language data (lang/<code>/outreach/requests.yaml), compiled once
and checked when first loaded. Everything here is pure: text in, plain data out.
"""

import functools
import re
from dataclasses import dataclass

from .. import lang
from ..text.numbers import ONES, parse_number
from ..training.planner import DAY_NAMES
from ..training.vocabulary import AS_WRITTEN, VocabularyFile

PHRASES = ("stop_calls", "schedule", "before_workouts", "different_time", "handoff",
           "complaint", "no_voicemail", "voicemail_ok", "now", "later", "skip",
           "morning", "evening")
WEEK = DAY_NAMES
HOUR_WORDS = ONES[1:13]  # one .. twelve
MINUTE_WORDS = {"o'clock": 0, "oclock": 0, "fifteen": 15, "thirty": 30, "forty five": 45,
                "forty-five": 45, "oh five": 5, "ten": 10, "twenty": 20, "forty": 40,
                "fifty": 50}
_HOUR = rf"(\d{{1,2}}|{'|'.join(HOUR_WORDS)})"
_MINUTES = rf"(?::(\d{{2}})|\s+({'|'.join(sorted(MINUTE_WORDS, key=len, reverse=True))}))?"
CLOCK = re.compile(rf"\b(?:at\s+|around\s+|about\s+)?{_HOUR}{_MINUTES}\b(?!\s*(?:minutes?|days?))")
HALF_PAST = re.compile(rf"\b(half|quarter) (past|to) {_HOUR}\b")
NOON = re.compile(r"\b(noon|midday|lunchtime)\b")


@dataclass(frozen=True)
class Phrases:
    patterns: dict  # name -> compiled pattern
    days: tuple  # ((pattern, (day, ...)), ...), longest phrase first
    zones: tuple  # ((pattern, IANA name), ...), longest phrase first
    keypad: dict  # digit -> words

    def says(self, name, text):
        return self.patterns[name].search(text.lower()) is not None


@dataclass(frozen=True)
class ClockTime:
    hour: int  # 0-23 once the period is known; 1-12 while it is not
    minute: int
    period_known: bool

    def as_text(self):
        return f"{self.hour:02d}:{self.minute:02d}"


def phrases(language=None) -> Phrases:
    return _phrases(language or lang.active_language())


@functools.cache
def _phrases(language):
    words = VocabularyFile("outreach/requests", language)
    patterns = {name: words.pattern(f"phrases.{name}", AS_WRITTEN)
                for name in words.names("phrases", PHRASES)}
    return Phrases(patterns, _day_table(words), _zone_table(words), words.mapping("keypad"))


def _day_table(words):
    table = words.data.get("days")
    if not isinstance(table, dict) or not all(
            isinstance(days, list) and days and set(days) <= set(WEEK) for days in table.values()):
        raise lang.LanguageDataError(f"{words.source}: 'days' must map phrases to weekday lists")
    return tuple((re.compile(rf"\b{re.escape(phrase)}\b"), tuple(days))
                 for phrase, days in sorted(table.items(), key=lambda item: -len(item[0])))


def _zone_table(words):
    table = words.mapping("zones")
    return tuple((re.compile(rf"\b{re.escape(phrase)}\b"), zone)
                 for phrase, zone in sorted(table.items(), key=lambda item: -len(item[0])))


def days_in(text):
    """The weekdays `text` names, in week order ("Monday and Thursday", "weekdays")."""
    lowered, found = text.lower(), set()
    for pattern, days in phrases().days:
        if pattern.search(lowered):
            found.update(days)
            lowered = pattern.sub(" ", lowered)
    return [day for day in WEEK if day in found]


def time_in(text):
    """The clock time `text` names, or None: "seven in the morning", "6:30 pm",
    "half past six", "at seven" (period unknown), "18:00", "noon"."""
    lowered = text.lower()
    if NOON.search(lowered):
        return ClockTime(12, 0, True)
    half = HALF_PAST.search(lowered)
    if half:
        hour = _hour(half.group(3))
        minute = {"half": 30, "quarter": 15}[half.group(1)]
        if half.group(2) == "to":
            hour, minute = (hour - 1) or 12, 60 - minute
        return _with_period(hour, minute, lowered)
    for match in CLOCK.finditer(lowered):
        hour = _hour(match.group(1))
        if hour is None or not 0 <= hour <= 23:
            continue
        minute = int(match.group(2)) if match.group(2) else MINUTE_WORDS.get(match.group(3), 0)
        if minute > 59:
            continue
        if hour == 0 or hour > 12:
            return ClockTime(hour, minute, True)
        return _with_period(hour, minute, lowered)
    return None


def _with_period(hour, minute, lowered):
    said = phrases()
    if said.says("evening", lowered):
        return ClockTime(hour % 12 + 12, minute, True)
    if said.says("morning", lowered):
        return ClockTime(hour % 12, minute, True)
    return ClockTime(hour, minute, False)


def with_period(clock, text):
    """`clock` (period unknown) with the morning or evening `text` says, or None."""
    said = phrases()
    if said.says("evening", text):
        return ClockTime(clock.hour % 12 + 12, clock.minute, True)
    if said.says("morning", text):
        return ClockTime(clock.hour % 12, clock.minute, True)
    return None


def _hour(word):
    value = parse_number(word)
    return value if isinstance(value, int) else None


def zone_in(text):
    """The IANA zone a time-zone word or city in `text` names, or None."""
    lowered = text.lower()
    for pattern, zone in phrases().zones:
        if pattern.search(lowered):
            return zone
    return None


def is_schedule_request(text):
    """"Call me Monday at seven", "remind me before my workouts", "call me at a
    different time" (but not "call me Sam")."""
    said = phrases()
    if not said.says("schedule", text):
        return False
    return bool(days_in(text) or time_in(text) or said.says("before_workouts", text)
                or said.says("different_time", text))


def keypad_words(digits):
    """The words a key pressed stands for, or None for a key that does nothing."""
    return phrases().keypad.get((digits or "").strip()[:1])
