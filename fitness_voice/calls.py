"""Calls and turns in the database: idempotent under Twilio's retries.

A turn is identified by (call, index). The index travels in the <Gather>
action URL, so a retried request names the turn it belongs to; the unique
constraint on (session_id, index) means two copies of one request can never
store two turns, whichever gunicorn process each lands in. The coach and the
speech engine run outside any transaction so the database is locked briefly.
"""

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from .contract import CallerInfo, Reply, TurnInput
from .extensions import db
from .models import Caller, CallSession, Turn, utcnow
from .training import log as training_log
from .twiml import Silence, Spoken

log = logging.getLogger(__name__)

HISTORY_TURNS = 6
TROUBLE = "Sorry, I lost my train of thought there. Could you say that again?"


@dataclass
class CallEvent:
    """What one webhook told us about a call."""

    call_sid: str
    from_number: str
    to_number: str = ""
    speech: str = ""
    confidence: float | None = None
    index: int | None = None
    status: str | None = None
    duration_seconds: int | None = None


@dataclass
class Answer:
    parts: list  # Spoken and Silence, in order
    end_call: bool
    next_index: int


def answer_call(services, event):
    """The call has just connected: greet, as turn 0."""
    event.index = 0
    def decide(caller, state, history):
        return services.coach.greet(caller, state)
    return _run_turn(services, event, decide)


def take_turn(services, event):
    """The caller spoke (or stayed silent) in answer to turn `event.index - 1`."""
    def decide(caller, state, history):
        turn = TurnInput(event.speech, event.confidence, caller, state, history)
        return services.coach.respond(turn)
    return _run_turn(services, event, decide)


def take_turn_or_hold(app, services, event, hold_after):
    """Take the turn, but if it is not answered within `hold_after` seconds
    return None and let it finish in the background: the caller hears a short
    filler instead of dead air, and `wait_for_turn` picks the answer up."""
    def in_context():
        with app.app_context():
            return take_turn(services, event)
    future = _background().submit(in_context)
    future.add_done_callback(_log_failure)
    try:
        return future.result(timeout=hold_after)
    except FutureTimeout:
        return None


def wait_for_turn(services, event, timeout, poll_seconds=0.2):
    """The answer to turn `event.index`, once it is stored, or None after `timeout`."""
    deadline = time.monotonic() + timeout
    query = (db.select(Turn).join(CallSession)
             .filter(CallSession.call_sid == event.call_sid, Turn.index == event.index))
    while True:  # a plain read: the worker storing the turn must not wait on us
        stored = db.session.execute(query).scalar_one_or_none()
        db.session.commit()
        if stored is not None:
            return _replay(services, stored)
        if time.monotonic() >= deadline:
            return None
        time.sleep(poll_seconds)


def _log_failure(future):
    if future.exception() is not None:
        log.error("turn failed in the background", exc_info=future.exception())


_executor = None
_executor_pid = None


def _background():
    """One pool of turn workers per process (gunicorn forks after the app loads)."""
    global _executor, _executor_pid
    if _executor is None or _executor_pid != os.getpid():
        _executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="turn")
        _executor_pid = os.getpid()
    return _executor


def close_call(event):
    """Twilio's status callback: record how the call ended."""
    session = _lock_session(event)
    session.status = event.status or session.status
    if event.duration_seconds is not None:
        session.duration_seconds = event.duration_seconds
    if event.status in TERMINAL_STATUSES:
        session.ended_at = session.ended_at or utcnow()
        training_log.mark_dropped(session)
    db.session.commit()


TERMINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


def _run_turn(services, event, decide):
    started = time.perf_counter()
    session = _lock_session(event)
    index = event.index if event.index is not None else len(session.turns)
    stored = _find_turn(session, index)
    if stored is not None:
        db.session.commit()
        return _replay(services, stored)
    caller = _caller_info(session, services.resume_window_minutes)
    state = dict(session.state or {})
    history = _history(session)
    db.session.commit()  # release the lock while the coach and speech engine work
    db_ms = _ms_since(started)

    reply, coach_ms = _decide(decide, caller, state, history)
    parts, speech_ms = _render(services, reply)

    turn = _store(event, index, reply, state, {
        "db_ms": db_ms, "coach_ms": coach_ms, "speech_ms": speech_ms,
        **reply.details.pop("timings", {}),
    }, started)
    if turn is None:  # a copy of this request was stored first: answer as it did
        stored = _find_turn(_lock_session(event), index)
        db.session.commit()
        return _replay(services, stored)
    return Answer(parts, reply.end_call, index + 1)


def _decide(decide, caller, state, history):
    started = time.perf_counter()
    try:
        reply = decide(caller, state, history)
    except Exception:  # the caller must hear something, whatever broke
        log.exception("coach failed")
        reply = Reply(TROUBLE, kind="error", details={"error": "coach failed"})
    return reply, _ms_since(started)


def _render(services, reply):
    started = time.perf_counter()
    parts = [Silence(part) if isinstance(part, int) else Spoken(part, _audio_url(services, part))
             for part in (reply.segments or [reply.text])]
    return parts, _ms_since(started)


def _audio_url(services, text):
    try:
        return services.speaker.audio_url(text)
    except Exception:
        log.exception("speech synthesis failed; Twilio will <Say> the reply")
        return None


def _store(event, index, reply, state, timings, started):
    session = _lock_session(event)
    if _find_turn(session, index) is not None:
        db.session.rollback()
        return None
    turn = Turn(
        session_id=session.id, index=index, kind=reply.kind,
        speech=event.speech if index else None, confidence=event.confidence,
        reply=reply.text, end_call=reply.end_call, details=_jsonable(reply),
    )
    if reply.action == "forget":
        _forget_caller(session)
        turn.speech = None  # the caller asked us to keep none of their words
    db.session.add(turn)
    session.state = state
    _apply_profile_updates(session.caller, reply.profile_updates)
    training_log.apply(session, reply.effects)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return None
    timings["total_ms"] = _ms_since(started)
    turn.timings = timings
    db.session.commit()
    return turn


def _jsonable(reply):
    details = dict(reply.details)
    if reply.segments:
        details["segments"] = reply.segments
    return details


def _forget_caller(session):
    """Delete everything we know about the caller: profile, past calls, this call's words."""
    caller = session.caller
    caller.name = None
    caller.profile = {}
    for record in [*caller.workouts, *caller.weekly_plans]:
        db.session.delete(record)
    for other in list(caller.sessions):
        if other.id != session.id:
            db.session.delete(other)
    db.session.execute(db.delete(Turn).where(Turn.session_id == session.id))


def _apply_profile_updates(caller, updates):
    if not updates:
        return
    updates = dict(updates)
    name = updates.pop("name", None)
    if name:
        caller.name = name
    for key, value in updates.items():
        if value in (None, ""):
            caller.profile.pop(key, None)
        else:
            caller.profile[key] = value


def _replay(services, turn):
    reply = Reply(turn.reply, kind=turn.kind, end_call=turn.end_call,
                  segments=(turn.details or {}).get("segments"))
    parts, _ = _render(services, reply)
    return Answer(parts, turn.end_call, turn.index + 1)


def _lock_session(event):
    """Find or create the call's session, holding its row lock until commit."""
    session = _find_session(event.call_sid)
    if session is not None:
        return session
    caller = _find_or_create_caller(event.from_number)
    try:
        with db.session.begin_nested():
            db.session.add(CallSession(call_sid=event.call_sid, caller=caller, state={}))
    except IntegrityError:
        pass  # created by a concurrent copy of this request
    return _find_session(event.call_sid)


def _find_session(call_sid):
    return db.session.execute(
        db.select(CallSession).filter_by(call_sid=call_sid).with_for_update()
    ).scalar_one_or_none()


def _find_or_create_caller(phone_number):
    query = db.select(Caller).filter_by(phone_number=phone_number)
    caller = db.session.execute(query).scalar_one_or_none()
    if caller is not None:
        return caller
    try:
        with db.session.begin_nested():
            caller = Caller(phone_number=phone_number, profile={})
            db.session.add(caller)
    except IntegrityError:
        caller = db.session.execute(query).scalar_one()
    return caller


def _find_turn(session, index):
    return db.session.execute(
        db.select(Turn).filter_by(session_id=session.id, index=index)
    ).scalar_one_or_none()


def _caller_info(session, resume_window_minutes):
    caller = session.caller
    returning = db.session.execute(
        db.select(db.func.count(CallSession.id)).filter_by(caller_id=caller.id)
    ).scalar_one() > 1
    return CallerInfo(caller.phone_number, caller.name, dict(caller.profile or {}), returning,
                      training_log.summary(caller.id, session.id, resume_window_minutes))


def _history(session):
    turns = db.session.execute(
        db.select(Turn).filter(Turn.session_id == session.id, Turn.speech.is_not(None))
        .order_by(Turn.index.desc()).limit(HISTORY_TURNS)
    ).scalars().all()
    return [(turn.speech, turn.reply) for turn in reversed(turns)]


def _ms_since(started):
    return round((time.perf_counter() - started) * 1000, 2)
