"""The outreach stage: check-in calls asked for by voice ("call me Monday and
Thursday at seven in the morning", "remind me before my workouts", "call me at a
different time", "stop calling me", "don't leave voicemails"), the text summary
asked once, and a person to talk to ("can I talk to a real coach", the keypad's
0, or "that's not what I asked" said again and again).

It runs right after safety, so a red flag is answered before any hand-off. A
schedule is stored only after a yes to the coach reading it back (the consent:
its date and the caller's words are kept). Its questions live in
CallState.outreach; what it stores goes out as effects (outreach.store).
"""

from dataclasses import dataclass

from .. import lang
from ..contract import Reply
from ..outreach import requests as said_
from ..outreach import schedule as timing
from ..text.vocab import is_no, is_yes
from ..training import zones
from . import checkin
from .intents import asks_what_you_are

TEXTS_OFFERED_AFTER = ("workout-complete", "weekly-plan")


@dataclass(frozen=True)
class OutreachSettings:
    handoff_number: bool = False  # a person (HUMAN_COACH_NUMBER) can be put through
    after_complaints: int = 2  # "that's not what I asked" this often hands off (0 = never)
    quiet: tuple | None = None  # (start, end) times of day no call is placed in
    texts: bool = False  # the coach's number can text (the Twilio REST settings are there)


def settings_of(providers):
    """The app's outreach settings (the factory puts them in the stages' providers)."""
    return providers.outreach or OutreachSettings()


def outreach_request(providers, turn, text):
    """Answers to this stage's own questions first, then the caller's requests."""
    settings = settings_of(providers)
    state = _state(turn)
    pending = state.pop("pending", None)
    if pending in checkin.QUESTIONS:
        reply = checkin.answer(providers, turn, text, pending, state)
        if reply is not None:
            return reply
    elif pending:
        reply = _answer_question(settings, turn, text, pending, state)
        if reply is not None:
            return reply
    return _request(settings, turn, text, state)


def _state(turn):
    if turn.state.outreach is None:
        turn.state.outreach = {}
    return turn.state.outreach


def _request(settings, turn, text, state):
    phrases = said_.phrases()
    if phrases.says("handoff", text) and not asks_what_you_are(text):
        return handoff(settings, text, "asked")
    if phrases.says("complaint", text):
        state["complaints"] = state.get("complaints", 0) + 1
        if settings.after_complaints and state["complaints"] >= settings.after_complaints:
            return handoff(settings, text, "complaints")
        return None  # the dialogue's own answer to a complaint
    schedule = turn.caller.outreach.get("schedule") if turn.caller.outreach else None
    if phrases.says("stop_calls", text):
        return _stop(schedule, text)
    if schedule and phrases.says("no_voicemail", text):
        return _line("no_voicemail", "outreach-voicemail", {"type": "outreach_voicemail",
                                                           "on": False})
    if schedule and phrases.says("voicemail_ok", text):
        return _line("voicemail_ok", "outreach-voicemail", {"type": "outreach_voicemail",
                                                           "on": True})
    if said_.is_schedule_request(text):
        return _schedule_request(settings, turn, text, state, schedule)
    return None


def handoff(settings, text, reason):
    """Put the caller through to a person (the webhooks <Dial>), or, with no one to
    put them through to, promise a call back."""
    lines = lang.catalogue()
    if not settings.handoff_number:
        return Reply(lines["outreach.handoff_unavailable"], kind="handoff-unavailable",
                     effects=[{"type": "outreach_handoff", "reason": reason, "said": text,
                               "status": "unavailable"}])
    key = "outreach.handoff_complaints" if reason == "complaints" else "outreach.handoff"
    return Reply(lines[key], kind="handoff", action="handoff",
                 effects=[{"type": "outreach_handoff", "reason": reason, "said": text}])


def _stop(schedule, text):
    if not schedule or not schedule.get("active"):
        return Reply(lang.catalogue()["outreach.nothing_to_stop"], kind="outreach-stop")
    return _line("stopped", "outreach-stop", {"type": "outreach_stop", "words": text})


def _line(key, kind, effect):
    return Reply(lang.catalogue()[f"outreach.{key}"], kind=kind, effects=[effect])


# -- scheduling: days, a time, a zone, then a yes ---------------------------------

def _schedule_request(settings, turn, text, state, schedule):
    phrases = said_.phrases()
    request = {"words": [text]}
    days = said_.days_in(text)
    if not days and phrases.says("before_workouts", text):
        days = [day["day"] for day in (turn.caller.training or {}).get("weekly_plan") or []]
        if not days:
            state["request"] = request
            return _ask(state, "days", "no_plan_days")
    if not days and schedule:
        days = schedule["days"]  # "call me at a different time": the same days
    if days:
        request["days"] = days
    clock = said_.time_in(text)
    if clock is not None:
        request["time"] = [clock.hour, clock.minute, clock.period_known]
    elif schedule and schedule["local_time"] and not phrases.says("different_time", text):
        request["time"] = [*map(int, schedule["local_time"].split(":")), True]
    if schedule:
        request["zone"] = schedule["timezone"]
    state["request"] = request
    return _next_question(settings, turn, state)


def _answer_question(settings, turn, text, pending, state):
    request = state.get("request") or {"words": []}
    if pending == "consent":
        return _consent(turn, text, state, request)
    if pending == "texts":
        return _texts(turn, text)
    request["words"].append(text)
    if pending == "days":
        days = said_.days_in(text)
        if not days:
            state.pop("request", None)
            return None
        request["days"] = days
        clock = said_.time_in(text)
        if clock is not None:
            request["time"] = [clock.hour, clock.minute, clock.period_known]
    elif pending == "time":
        clock = said_.time_in(text)
        if clock is None:
            state.pop("request", None)
            return None
        request["time"] = [clock.hour, clock.minute, clock.period_known]
    elif pending == "period":
        hour, minute, _ = request["time"]
        clock = said_.with_period(said_.ClockTime(hour, minute, False), text)
        if clock is None:
            state.pop("request", None)
            return None
        request["time"] = [clock.hour, clock.minute, True]
    elif pending == "zone":
        zone = said_.zone_in(text)
        if zone is None:
            if state.pop("zone_asked_again", False):
                state.pop("request", None)
                return None
            state["zone_asked_again"] = True
            return _ask(state, "zone", "zone_unknown")
        request["zone"] = zone
    return _next_question(settings, turn, state)


def _next_question(settings, turn, state):
    """Ask for what the request still lacks; with all of it, read it back for a yes."""
    lines, request = lang.catalogue(), state["request"]
    if not request.get("days"):
        return _ask(state, "days", "ask_days")
    if not request.get("time"):
        return _ask(state, "time", "ask_time", days=timing.spoken_days(request["days"]))
    hour, minute, known = request["time"]
    if not known:
        return _ask(state, "period", "ask_period", time=_hour_words(hour, minute))
    at = timing.parse_clock(f"{hour:02d}:{minute:02d}")
    if timing.is_quiet(at, settings.quiet):
        start, end = settings.quiet
        request.pop("time")
        return _ask(state, "time", "quiet_hours", start=timing.spoken_time(start),
                    end=timing.spoken_time(end))
    zone = request.get("zone") or _known_zone(turn)
    if not zone:
        return _ask(state, "zone", "ask_zone")
    request["zone"] = zone
    state["pending"] = "consent"
    return Reply(lines.say("outreach.confirm_schedule", days=timing.spoken_days(request["days"]),
                           time=timing.spoken_time(at), zone=timing.spoken_zone(zone)),
                 kind="outreach-confirm")


def _known_zone(turn):
    profile = turn.caller.profile or {}
    for key in zones.PROFILE_KEYS:
        if profile.get(key):
            return profile[key]
    return zones.country_zone(turn.caller.phone_number)


def _consent(turn, text, state, request):
    lines = lang.catalogue()
    state.pop("request", None)
    if is_no(text):
        return Reply(lines["outreach.not_scheduled"], kind="outreach-declined")
    if not is_yes(text):
        return None
    hour, minute, _ = request["time"]
    local_time = f"{hour:02d}:{minute:02d}"
    effect = {"type": "outreach_schedule", "days": request["days"], "local_time": local_time,
              "timezone": request["zone"], "consent_words": " / ".join([*request["words"], text])}
    said = lines.say("outreach.scheduled", days=timing.spoken_days(request["days"]),
                     time=timing.spoken_time(timing.parse_clock(local_time)))
    schedule = (turn.caller.outreach or {}).get("schedule") or {}
    if not schedule.get("texts_asked"):
        said = f"{said} {lines['outreach.ask_texts']}"
        state["pending"] = "texts"
    return Reply(said, kind="outreach-scheduled", effects=[effect],
                 profile_updates={"timezone": request["zone"]})


def _texts(turn, text):
    effect = {"type": "outreach_texts", "words": text, "timezone": _known_zone(turn)}
    if is_yes(text):
        return _line("texts_on", "outreach-texts", {**effect, "on": True})
    if is_no(text):
        return _line("texts_off", "outreach-texts", {**effect, "on": False})
    return None


def offer_texts(providers, turn, reply):
    """After a workout or a new weekly plan, ask once (ever) for the summary text."""
    schedule = (turn.caller.outreach or {}).get("schedule") or {}
    state = _state(turn)
    if (not settings_of(providers).texts or reply.end_call or reply.kind not in TEXTS_OFFERED_AFTER
            or schedule.get("texts_asked") or state.get("texts_offered")):
        return reply
    state["texts_offered"], state["pending"] = True, "texts"
    question = lang.catalogue()["outreach.ask_texts"]
    segments = list(reply.segments or [reply.text])
    last = max(i for i, part in enumerate(segments) if isinstance(part, str))
    segments[last] = f"{segments[last]} {question}"
    reply.segments = segments if reply.segments else None
    reply.text = " ".join(part for part in segments if isinstance(part, str))
    return reply


def _ask(state, pending, key, **fields):
    state["pending"] = pending
    return Reply(lang.catalogue().say(f"outreach.{key}", **fields), kind="outreach-question")


def _hour_words(hour, minute):
    return timing.spoken_time(timing.parse_clock(f"{hour % 12:02d}:{minute:02d}")).split(
        " in the ")[0]
