"""Texts: the summary after a call (for callers who said yes to it), the STOP,
HELP and START keywords, and delivery status.

A summary holds today's workout and its effort, the next planned session (or the
next check-in call), and one thing to remember from the call. It never holds
medical or safety details: a call with a safety event gets no "remember" line,
and a tip that names anything medical is left out.
"""

import functools
import logging
import re
from dataclasses import dataclass

from .. import lang
from ..extensions import db
from ..models import Caller, CallSession, Checkin, TextMessage, Turn, WeeklyPlan, Workout, utcnow
from ..text.sentences import split_sentences
from ..training import planner
from . import rest
from . import schedule as timing
from .store import cancel_waiting, schedule_of

log = logging.getLogger(__name__)

MAX_BODY = 320  # two SMS segments
TIP_KINDS = ("answer",)


@dataclass(frozen=True)
class Texts:
    lines: dict
    keywords: dict  # "stop" | "help" | "start" -> set of words
    medical: re.Pattern


@functools.cache
def texts(language=None):
    data = lang.data("outreach/texts", language or lang.active_language())
    keywords = {name: {word.lower() for word in words}
                for name, words in data["keywords"].items()}
    medical = re.compile("|".join(data["medical"]), re.IGNORECASE)
    lines = {key: value for key, value in data.items() if isinstance(value, str)}
    return Texts(lines, keywords, medical)


def keyword(body):
    """"stop", "help", "start" or None: the whole message, as carriers read it."""
    said = re.sub(r"[^a-z]", "", (body or "").lower())
    return next((name for name, words in texts().keywords.items() if said in words), None)


def wants_texts(caller_id):
    schedule = schedule_of(caller_id)
    return bool(schedule is not None and schedule.texts)


def text_after_call(config, caller_id, call_sid):
    """The summary after a call the caller made, when they want texts and the REST
    settings are there; a check-in call is texted by its own status callback."""
    settings = rest.RestSettings.from_config(config)
    if settings.missing() or not wants_texts(caller_id):
        return None
    checkin = db.session.execute(db.select(Checkin.id).filter_by(call_sid=call_sid)).first()
    if checkin is not None:
        return None
    return send_summary(rest.client(settings), settings, caller_id, call_sid)


def summary(caller, call_sid, now=None):
    """The text summarising the call `call_sid` for `caller`."""
    said = texts()
    now = now or utcnow()
    session = db.session.execute(
        db.select(CallSession).filter_by(call_sid=call_sid)).scalar_one_or_none()
    parts = [said.lines["summary_intro"].format(name=caller.name) if caller.name
             else said.lines["summary_intro_unnamed"]]
    parts.append(_today(said, session, call_sid))
    upcoming = _next(said, caller, now)
    if upcoming:
        parts.append(upcoming)
    tip = _tip(said, session)
    if tip:
        parts.append(said.lines["remember"].format(tip=tip))
    parts.append(said.lines["sign_off"])
    return _fit(parts)


def _today(said, session, call_sid):
    workout = None if session is None else db.session.execute(
        db.select(Workout).filter_by(call_session_id=session.id)
        .order_by(Workout.started_at.desc())).scalars().first()
    if workout is None:
        checkin = db.session.execute(
            db.select(Checkin).filter_by(call_sid=call_sid)).scalar_one_or_none()
        if checkin is not None and checkin.outcome == "skipped":
            return said.lines["skipped"]
        return said.lines["no_workout"]
    done = [s for s in workout.sets if s.outcome == "done"]
    text = said.lines["workout_done"].format(minutes=workout.minutes_planned,
                                             focus=workout.focus, sets=len(done))
    efforts = [s.effort for s in done if s.effort]
    if efforts:
        text += " " + said.lines["workout_effort"].format(
            effort=round(sum(efforts) / len(efforts)))
    return text


def _next(said, caller, now):
    schedule = schedule_of(caller.id)
    zone = schedule.timezone if schedule else "UTC"
    plan = db.session.execute(db.select(WeeklyPlan).filter_by(caller_id=caller.id).order_by(
        WeeklyPlan.created_at.desc(), WeeklyPlan.id.desc())).scalars().first()
    week = plan.days if plan else None
    if week:
        today = timing.local(now, zone).strftime("%A")
        start = planner.DAY_NAMES.index(today)
        for offset in range(1, 8):
            day = planner.DAY_NAMES[(start + offset) % 7]
            planned = next((entry for entry in week if entry["day"] == day), None)
            if planned:
                return said.lines["next_session"].format(day=day, minutes=planned["minutes"],
                                                         focus=planned["focus"])
    if schedule is not None and schedule.active:
        slot = timing.next_slot(schedule.days, schedule.local_time, zone, now)
        if slot:
            at = timing.local(slot, zone)
            return said.lines["next_call"].format(day=at.strftime("%A"),
                                                  time=at.strftime("%H:%M"))
    return None


def _tip(said, session):
    """The first sentence of the call's last answer, unless anything was medical."""
    if session is None or (session.state or {}).get("safety_events"):
        return None
    turns = db.session.execute(
        db.select(Turn).filter(Turn.session_id == session.id, Turn.kind.in_(TIP_KINDS))
        .order_by(Turn.index.desc())).scalars().all()
    for turn in turns:
        first = (split_sentences(turn.reply) or [""])[0].strip()
        if first and not said.medical.search(first):
            return first
    return None


def _fit(parts):
    body = " ".join(part for part in parts if part)
    # Plain "..." keeps the text in the GSM alphabet (an ellipsis character would not).
    return body if len(body) <= MAX_BODY else body[:MAX_BODY - 3].rstrip() + "..."


def send_summary(client, rest, caller_id, call_sid):
    """Text the call's summary to a caller who opted in; the TextMessage, or None."""
    caller = db.session.get(Caller, caller_id)
    if caller is None or not wants_texts(caller_id):
        return None
    exists = db.session.execute(db.select(TextMessage).filter_by(
        call_sid=call_sid, kind="summary")).scalar_one_or_none()
    if exists is not None:
        return exists  # a repeated status callback
    body = summary(caller, call_sid)
    text = TextMessage(caller_id=caller.id, call_sid=call_sid, kind="summary", body=body,
                       status="sending")
    db.session.add(text)
    db.session.commit()
    try:
        message = client.messages.create(
            to=caller.phone_number, from_=rest.from_number, body=body,
            status_callback=rest.webhook("/outreach/sms/status", text=text.id))
    except Exception as error:
        log.exception("texting the summary of %s failed", call_sid)
        text.status, text.error_code = "failed", str(getattr(error, "code", "") or "")[:10]
        db.session.commit()
        return text
    # The delivery callback may already have been and gone: it finds the row by id.
    db.session.execute(db.update(TextMessage).where(TextMessage.id == text.id).values(
        message_sid=message.sid))
    db.session.execute(db.update(TextMessage).where(
        TextMessage.id == text.id, TextMessage.status == "sending").values(
        status=message.status or "queued"))
    db.session.commit()
    return text


def delivery(message_sid, status, error_code=None, text_id=None):
    """Twilio's status callback for a text: record how far it got. The text is
    found by our id in the callback URL, which is known before Twilio's SID is."""
    found = TextMessage.id == text_id if text_id else TextMessage.message_sid == message_sid
    text = db.session.execute(
        db.select(TextMessage).where(found).with_for_update()).scalar_one_or_none()
    if text is not None:
        text.status = status or text.status
        text.error_code = error_code or text.error_code
    db.session.commit()
    return text


def text_received(from_number, body):
    """An inbound text: STOP ends texts and check-in calls at once, START brings
    texts back, HELP says what this is. The reply to send back."""
    said, word = texts(), keyword(body)
    caller = db.session.execute(
        db.select(Caller).filter_by(phone_number=from_number)).scalar_one_or_none()
    schedule = schedule_of(caller.id) if caller else None
    if word == "stop" and schedule is not None:
        schedule.texts, schedule.active = False, False
        schedule.stopped_at, schedule.stop_words = utcnow(), f"text: {body.strip()[:100]}"
        cancel_waiting(schedule)
    elif word == "start" and schedule is not None:
        schedule.texts = True
        schedule.texts_asked_at = schedule.texts_asked_at or utcnow()
    db.session.commit()
    return said.lines[{"stop": "stopped", "start": "started", "help": "help"}.get(word, "other")]
