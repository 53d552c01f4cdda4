"""A check-in call, answered by a person: "Hi Sam, it's your coach. You planned a
twenty-minute full-body session today: want to do it now, later, or skip today?"

"Now" starts the guided workout at once; "later" asks when and books one more
check-in call then; "skip" asks what got in the way and logs it. Each answer is an
effect on the check-in (outreach.store). The workouts' keypad keys are said once,
the first time a workout starts in the call.
"""

import functools
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .. import lang
from ..contract import Reply
from ..outreach import requests as said_
from ..outreach import schedule as timing
from ..training import week, zones
from .flow import for_the_ear

QUESTIONS = ("checkin", "later_when", "skip_reason")
IN_HOURS = re.compile(r"\bin (an|one|two|three|four|five|\d) hours?\b")
WORKOUT_STARTS = ("workout-start", "workout-resume")


def greet(caller, state, handoff_number=False):
    """The opening of a check-in call, with what the coach knows about today."""
    lines = lang.catalogue()
    checkin = (caller.outreach or {}).get("checkin") or {}
    todays = week.todays_plan(caller.training)
    name = caller.name or "there"
    if todays:
        said = lines.say("outreach.checkin_planned", name=name, minutes=todays["minutes"],
                         focus=todays["focus"])
    else:
        said = lines.say("outreach.checkin_unplanned", name=name)
    if handoff_number:
        said = f"{said} {lines['outreach.keypad_person']}"
    state.outreach = {"pending": "checkin", "checkin_id": checkin.get("id")}
    state.last_reply = said
    return for_the_ear(Reply(said, kind="checkin-greeting"))


def answer(providers, turn, text, pending, state):
    """The caller's answer to one of the check-in's questions, or None."""
    checkin_id = state.get("checkin_id")
    if pending == "checkin":
        return _now_later_or_skip(providers, turn, text, state, checkin_id)
    if pending == "later_when":
        return _moved(turn, text, checkin_id)
    lines = lang.catalogue()  # skip_reason: whatever they said is why
    return Reply(lines["outreach.checkin_skip_logged"], kind="checkin-skipped",
                 effects=[_outcome(checkin_id, "skipped", text)])


def _now_later_or_skip(providers, turn, text, state, checkin_id):
    phrases, lines = said_.phrases(), lang.catalogue()
    if phrases.says("later", text):
        state["pending"] = "later_when"
        if said_.time_in(text) or said_.days_in(text) or IN_HOURS.search(text.lower()):
            return _moved(turn, text, checkin_id)
        return Reply(lines["outreach.checkin_later"], kind="checkin-later",
                     effects=[_outcome(checkin_id, "later")])
    if phrases.says("skip", text):
        state["pending"] = "skip_reason"
        return Reply(lines["outreach.checkin_skip"], kind="checkin-skip",
                     effects=[_outcome(checkin_id, "skipped")])
    if phrases.says("now", text):
        reply = providers.workouts.start(turn, text)
        reply.effects.append(_outcome(checkin_id, "now"))
        tell_keypad(turn.state, reply)
        return reply
    return None


def _moved(turn, text, checkin_id):
    lines = lang.catalogue()
    turn.state.outreach.pop("pending", None)
    zone_name = _zone_name(turn)
    at = moment_in(text, zone_name, datetime.now(UTC).replace(tzinfo=None))
    if at is None:
        return Reply(lines["outreach.checkin_later_kept"], kind="checkin-later",
                     effects=[_outcome(checkin_id, "later", text)])
    local = timing.local(at, zone_name)
    when = f"{_day_word(local, zone_name)} at {timing.spoken_time(local.time())}"
    return Reply(lines.say("outreach.checkin_moved", when=when), kind="checkin-moved",
                 effects=[{"type": "outreach_checkin_moved", "checkin_id": checkin_id,
                           "at": at.isoformat(), "note": text}])


def moment_in(text, zone_name, now):
    """The moment (naive UTC) "later" names: "in two hours", "at six", "tomorrow
    at seven thirty", "Friday morning at eight"; None when it names no time."""
    hours = IN_HOURS.search(text.lower())
    if hours:
        count = {"an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5}.get(
            hours.group(1)) or int(hours.group(1))
        return now + timedelta(hours=count)
    clock = said_.time_in(text)
    if clock is None:
        return None
    zone = ZoneInfo(zone_name)
    local_now = now.replace(tzinfo=UTC).astimezone(zone)
    days = said_.days_in(text)
    start = 1 if "tomorrow" in text.lower() else 0
    hours = [clock.hour] if clock.period_known else [clock.hour % 12, clock.hour % 12 + 12]
    for ahead in range(start, 8):
        day = (local_now + timedelta(days=ahead)).date()
        if days and said_.WEEK[day.weekday()] not in days:
            continue
        for hour in hours:
            moment = datetime(day.year, day.month, day.day, hour, clock.minute, tzinfo=zone)
            if moment > local_now:
                return moment.astimezone(UTC).replace(tzinfo=None)
    return None


def _day_word(local, zone_name):
    today = datetime.now(ZoneInfo(zone_name)).date()
    if local.date() == today:
        return "today"
    if local.date() == today + timedelta(days=1):
        return "tomorrow"
    return f"on {local.strftime('%A')}"


def _zone_name(turn):
    schedule = (turn.caller.outreach or {}).get("schedule") or {}
    if schedule.get("timezone"):
        return schedule["timezone"]
    zone = zones.caller_zone(turn.caller.phone_number, turn.caller.profile)
    return getattr(zone, "key", "UTC")


def _outcome(checkin_id, outcome, note=None):
    return {"type": "outreach_checkin_outcome", "checkin_id": checkin_id, "outcome": outcome,
            "note": note}


def tell_keypad(state, reply):
    """Add the workout's keypad keys to a workout's first words, once per call."""
    if state.outreach is None:
        state.outreach = {}
    if state.outreach.get("keypad_told") or reply.kind not in WORKOUT_STARTS:
        return reply
    state.outreach["keypad_told"] = True
    hint = lang.catalogue()["outreach.keypad_workout"]
    segments = list(reply.segments or [reply.text])
    first = next(i for i, part in enumerate(segments) if isinstance(part, str))
    segments[first] = f"{segments[first]} {hint}"
    reply.segments = segments
    reply.text = " ".join(part for part in segments if isinstance(part, str))
    return reply


def telling_keypad(stage):
    """`stage`, saying the keypad's keys when it starts (or resumes) a workout."""
    @functools.wraps(stage)
    def answer_and_tell(providers, turn, text):
        reply = stage(providers, turn, text)
        return tell_keypad(turn.state, reply) if reply is not None else None
    return answer_and_tell
