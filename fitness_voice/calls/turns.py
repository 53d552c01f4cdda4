"""One turn's transaction: find the call, return the stored answer to a retried
request, otherwise decide (outside any transaction), render, and store the turn
with its state, profile and training-log writes at once."""

import logging
import time
from dataclasses import replace

from sqlalchemy.exc import IntegrityError

from .. import lang
from ..contract import CallState, Reply, TurnInput
from ..extensions import db
from ..models import Turn, utcnow
from ..training import log as training_log
from . import records
from .events import Answer, Silence, Spoken

log = logging.getLogger(__name__)

TERMINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}


def answer_call(services, event):
    """The call has just connected: greet, as turn 0."""
    event.index = 0
    def decide(caller, state, history):
        return services.coach.greet(caller, state)
    return _run_turn(services, event, decide)


def take_turn(services, event, first_words=None):
    """The caller spoke (or stayed silent) in answer to turn `event.index - 1`.
    `first_words` may speak the reply's first sentence early (calls/first_words.py)."""
    def decide(caller, state, history):
        turn = TurnInput(event.speech, event.confidence, caller, state, history, first_words)
        return services.coach.respond(turn)
    return _run_turn(services, event, decide)


def close_call(event):
    """Twilio's status callback: record how the call ended."""
    session = records.lock_session(event)
    session.status = event.status or session.status
    if event.duration_seconds is not None:
        session.duration_seconds = event.duration_seconds
    if event.status in TERMINAL_STATUSES:
        session.ended_at = session.ended_at or utcnow()
        training_log.mark_dropped(session)
    db.session.commit()


def replay(services, turn, after_first_sentence=False):
    """The stored answer to `turn`, rendered again (from the audio cache); with
    `after_first_sentence`, what follows the first sentence if it was spoken first."""
    details = turn.details or {}
    reply = Reply(turn.reply, kind=turn.kind, end_call=turn.end_call,
                  segments=details.get("segments"))
    parts, _ = _render(services, reply)
    if after_first_sentence and details.get("first_sentence_spoken"):
        parts = parts[1:]
    return Answer(parts, turn.end_call, turn.index + 1)


def _run_turn(services, event, decide):
    started = time.perf_counter()
    session = records.lock_session(event)
    index = event.index if event.index is not None else len(session.turns)
    stored = records.find_turn(session, index)
    if stored is not None:
        db.session.commit()
        return replay(services, stored)
    caller = records.caller_info(session, services.resume_window_minutes)
    state = CallState.from_json(session.state)
    history = records.history(session)
    db.session.commit()  # release the lock while the coach and speech engine work
    db_ms = _ms_since(started)

    reply, coach_ms = _decide(decide, caller, state, history)
    parts, speech_ms = _render(services, reply)

    timings = replace(reply.timings, db_ms=db_ms, coach_ms=coach_ms, speech_ms=speech_ms)
    turn = _store(event, index, reply, state, timings, started)
    if turn is None:  # a copy of this request was stored first: answer as it did
        stored = records.find_turn(records.lock_session(event), index)
        db.session.commit()
        return replay(services, stored)
    return Answer(parts, reply.end_call, index + 1)


def _decide(decide, caller, state, history):
    started = time.perf_counter()
    try:
        reply = decide(caller, state, history)
    except Exception:  # the caller must hear something, whatever broke
        log.exception("coach failed")
        reply = Reply(lang.catalogue()["calls.trouble"], kind="error",
                      details={"error": "coach failed"})
    return reply, _ms_since(started)


def _render(services, reply):
    started = time.perf_counter()
    parts = [Silence(part) if isinstance(part, int) else audio_part(services, part)
             for part in (reply.segments or [reply.text])]
    return parts, _ms_since(started)


def audio_part(services, text):
    """`text` as a Spoken part, with its audio when it could be rendered."""
    return Spoken(text, _audio_url(services, text))


def _audio_url(services, text):
    try:
        return services.speaker.audio_url(text)
    except Exception:
        log.exception("speech synthesis failed; Twilio will <Say> the reply")
        return None


def _store(event, index, reply, state, timings, started):
    session = records.lock_session(event)
    if records.find_turn(session, index) is not None:
        db.session.rollback()
        return None
    turn = Turn(
        session_id=session.id, index=index, kind=reply.kind,
        speech=event.speech if index else None, confidence=event.confidence,
        reply=reply.text, end_call=reply.end_call, details=_jsonable(reply),
    )
    if reply.action == "forget":
        records.forget_caller(session)
        turn.speech = None  # the caller asked us to keep none of their words
    db.session.add(turn)
    session.state = state.to_json()
    records.apply_profile_updates(session.caller, reply.profile_updates)
    training_log.apply(session, reply.effects)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return None
    timings.total_ms = _ms_since(started)
    turn.timings = timings.to_json()
    db.session.commit()
    return turn


def _jsonable(reply):
    details = dict(reply.details)
    if reply.segments:
        details["segments"] = reply.segments
    return details


def _ms_since(started):
    return round((time.perf_counter() - started) * 1000, 2)
