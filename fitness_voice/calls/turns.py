"""One turn in two short transactions, with the coach and speech between them.

The first locks the call's row, answers a retried request from the stored turn,
and otherwise claims the turn on the row (every process sees it), so that later
copies of the request wait for this answer instead of running the coach again.
The second stores the turn, its timings, the call's state, the profile and
training-log writes at once, unless a later turn was claimed meanwhile.
"""

import logging
import time
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy.exc import IntegrityError

from .. import lang
from ..contract import CallState, Reply, TurnInput
from ..extensions import db
from ..models import Turn, utcnow
from ..speech import meter
from ..training import log as training_log
from . import erasure, journal, notices, outage, records
from .events import Answer, AskAgain, Ended, Pending, Silence, Spoken

log = logging.getLogger(__name__)

TERMINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}
# Twilio retries a request within its 15 s webhook limit: a request with neither a
# turn number nor an idempotency token is a copy of the last one only that soon.
RETRY_SECONDS = 15


def answer_call(services, event, greet=None):
    """The call has just connected: greet (by default the coach's greeting), as turn 0."""
    event.index = 0
    greet = greet or services.coach.greet
    def decide(opened):
        return greet(opened.caller, opened.state)
    return _run_turn(services, event, decide)


def take_turn(services, event, first_words=None):
    """The caller spoke (or stayed silent) in answer to turn `event.index - 1`.

    Returns an Answer, or Pending when another copy of the request is answering,
    AskAgain when the turn was overtaken, Ended when the call is over.
    `first_words(sentence, caller_id)` may speak the reply's first sentence early
    (calls/first_words.py); the caller's id renders it into their audio folder."""
    def decide(opened):
        said_first = None
        if first_words is not None:
            def said_first(sentence):
                return first_words(sentence, opened.call.caller_id)
        turn = TurnInput(event.speech, event.confidence, opened.caller, opened.state,
                         opened.history, said_first)
        return services.coach.respond(turn)
    return _run_turn(services, event, decide)


def number_the_turn(event):
    """Give a request that came without a turn number the one the call's state says:
    a retry of the request that claimed the latest turn gets that turn, anything
    else the next one, so a retry never stores a second turn."""
    if event.index is not None:
        return
    latest = records.latest_claim(event.call_sid)
    db.session.commit()
    if latest is None:
        event.index = 0
        return
    claimed, claimed_at, key, highest = latest
    if claimed is None:
        event.index = 0 if highest is None else highest + 1
        return
    recent = event.idempotency_token or claimed_at >= utcnow() - timedelta(seconds=RETRY_SECONDS)
    same_request = key == records.request_key(event) and recent
    event.index = claimed if same_request else claimed + 1


def close_call(services, event):
    """Twilio's status callback: record how the call ended."""
    session = records.lock_session(event)
    session.status = event.status or session.status
    if event.duration_seconds is not None:
        session.duration_seconds = event.duration_seconds
    # Under the row lock, one callback ends the call: a retried one texts no more.
    ending = event.status in TERMINAL_STATUSES and session.ended_at is None
    if event.status in TERMINAL_STATUSES:
        session.ended_at = session.ended_at or utcnow()
        training_log.mark_dropped(session)
        journal.call_ended(session)
        erasure.finish_call(session, services.speaker)  # after the log line: it deletes it
    caller_id = session.caller_id
    db.session.commit()
    if ending and services.after_call is not None:
        _after_call(services, caller_id, event.call_sid)


def _after_call(services, caller_id, call_sid):
    """The summary text; the call is recorded whatever happens to it."""
    try:
        services.after_call(caller_id, call_sid)
    except Exception:
        db.session.rollback()
        log.exception("the text after call %s failed", call_sid)


def replay(services, turn, after_first_sentence=False):
    """The stored answer to `turn`, rendered again (from the audio cache); with
    `after_first_sentence`, what follows the first sentence if it was spoken first."""
    details = turn.details or {}
    reply = Reply(turn.reply, kind=turn.kind, end_call=turn.end_call,
                  segments=details.get("segments"))
    parts, _ = _render(services, reply, turn.session.caller_id)
    if after_first_sentence and details.get("first_sentence_spoken"):
        parts = parts[1:]
    return Answer(parts, turn.end_call, turn.index + 1, details.get("action"))


@dataclass
class _Opened:
    """What the first transaction of a turn that is ours to answer read."""

    call: records.CallRow
    index: int
    caller: object
    state: CallState
    history: list


def _run_turn(services, event, decide):
    return outage.ride_out(services.outage, event,
                           lambda: _run_turn_once(services, event, decide))


def _run_turn_once(services, event, decide):
    started = time.perf_counter()
    opened = _open(services, event)
    if not isinstance(opened, _Opened):
        return opened
    db_ms = _ms_since(started)

    reply, coach_ms = _decide(decide, opened)
    parts, speech_ms = _render(services, reply, opened.call.caller_id)

    timings = replace(reply.timings, db_ms=db_ms, coach_ms=coach_ms, speech_ms=speech_ms)
    stored = _store(event, opened, reply, timings, started)
    if stored == "stored" and reply.action == "forget":
        erasure.forget_audio(services.speaker, opened.call.caller_id)
        outage.forget_calls(services.outage, [event.call_sid])
    if stored == "overtaken":
        return AskAgain(opened.index + 1)
    if stored == "duplicate":  # a copy that took over a stale claim stored it first
        turn = records.find_turn(opened.call.id, opened.index)
        db.session.commit()
        return replay(services, turn)
    journal.turn_stored(event.call_sid, opened.index, reply, timings)
    return Answer(parts, reply.end_call, opened.index + 1, reply.action)


def _open(services, event):
    """The first transaction: a stored answer, a claim held by another copy, or ours."""
    number_the_turn(event)
    index = event.index
    session = records.lock_session(event)
    if session.ended_at is not None:
        db.session.commit()
        return Ended()
    stored, history = records.turn_and_history(session.id, index)
    if stored is not None:
        db.session.commit()
        return replay(services, stored)
    if session.claimed_turn is not None and session.claimed_turn > index:
        db.session.commit()  # the caller was asked again since: this answer is not heard
        return AskAgain(session.claimed_turn + 1)
    stale_before = utcnow() - timedelta(seconds=services.claim_seconds)
    if not _owns_claim(event) and records.claimed_by_another(session, index, stale_before):
        db.session.commit()
        return Pending(index)
    state = CallState.from_json(session.state)
    caller = records.caller_info(session, state, event.from_number,
                                 services.resume_window_minutes)
    records.claim(session, index, records.request_key(event))
    call = records.CallRow(session.id, session.caller_id, session.call_sid)
    db.session.commit()  # release the lock while the coach and speech engine work
    return _Opened(call, index, caller, state, history)


def _owns_claim(event):
    """A request that retried its own turn through a database blip, or the redirect
    that posts a held turn again (its first request gave up), takes the claim back."""
    return event.owns_claim or event.held_since is not None


def _decide(decide, opened):
    started = time.perf_counter()
    try:
        reply = decide(opened)
    except Exception:  # the caller must hear something, whatever broke
        log.exception("coach failed")
        reply = Reply(lang.catalogue()["calls.trouble"], kind="error",
                      details={"error": "coach failed"})
    return reply, _ms_since(started)


def _render(services, reply, caller_id):
    """The reply's parts with their audio, all within the speaker's one budget;
    lines said to this caller are kept under them (erased with them)."""
    started = time.perf_counter()
    pieces = reply.segments or [reply.text]
    with meter.metering() as speech:
        urls = iter(_audio_urls(services, [p for p in pieces if not isinstance(p, int)],
                                caller_id))
        parts = [Silence(part) if isinstance(part, int) else Spoken(part, next(urls))
                 for part in pieces]
    reply.details["speech"] = journal.speech_usage(services.speaker, speech, parts)
    return parts, _ms_since(started)


def audio_part(services, text, caller_id):
    """`text` as a Spoken part, with its audio (in the caller's folder) when it could be
    rendered within the speaker's budget."""
    return Spoken(text, _audio_urls(services, [text], caller_id)[0])


def _audio_urls(services, texts, caller_id):
    try:
        return services.speaker.audio_urls(texts, None if caller_id is None else str(caller_id))
    except Exception:
        log.exception("speech synthesis failed; Twilio will <Say> the reply")
        return [None] * len(texts)


def _store(event, opened, reply, timings, started):
    """The second transaction; "stored", "overtaken" or "duplicate"."""
    call, index, state = opened.call, opened.index, opened.state
    speech = event.speech if index else None
    if reply.action == "forget":
        call = erasure.erase_caller(call)
        state = erasure.fresh_state(state)
    if state.erased:
        speech = None  # the caller asked us to keep none of their words
    records.apply_profile_updates(call, state, reply.profile_updates)
    records.apply_training(call, state, reply.effects)
    if not records.store_state(call, index, state):
        db.session.rollback()
        return "overtaken"
    timings.total_ms = _ms_since(started)
    db.session.add(Turn(
        session_id=call.id, index=index, kind=reply.kind, speech=speech,
        confidence=event.confidence, reply=reply.text, end_call=reply.end_call,
        details=_jsonable(reply), timings=timings.to_json(),
    ))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    notices.stored(event.call_sid, index)
    return "stored"


def _jsonable(reply):
    details = dict(reply.details)
    if reply.segments:
        details["segments"] = reply.segments
    if reply.action:
        details["action"] = reply.action
    return details


def _ms_since(started):
    return round((time.perf_counter() - started) * 1000, 2)
