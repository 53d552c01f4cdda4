"""The rows a turn reads and writes: the call's session (locked), its caller,
its turns, and the caller's profile.

What the call learns of its caller on its first turn (name, profile, whether they
called before, their training summary) is kept in the call's state, so later
turns read none of it again; a turn that writes to the training log drops the
summary, and the next turn reads it afresh.
"""

import hashlib
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from ..contract import CallerInfo
from ..extensions import db
from ..models import Caller, CallSession, Turn, utcnow
from ..outreach import store as outreach_store
from ..training import log as training_log

HISTORY_TURNS = 6


@dataclass(frozen=True)
class CallRow:
    """The ids a turn's second transaction needs, read in its first."""

    id: int
    caller_id: int
    call_sid: str | None = None


def lock_session(event):
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


def request_key(event):
    """What identifies one request across Twilio's retries: its idempotency token, or
    else a digest of what it posted."""
    if event.idempotency_token:
        return event.idempotency_token[:64]
    posted = f"{event.call_sid}\n{event.speech}\n{event.confidence}"
    return "sha256:" + hashlib.sha256(posted.encode()).hexdigest()[:57]


def claim(session, index, key):
    session.claimed_turn, session.claimed_at, session.claimed_key = index, utcnow(), key


def claimed_by_another(session, index, stale_before):
    """Whether a live copy of this request is already answering turn `index`."""
    return (session.claimed_turn == index and session.claimed_at is not None
            and session.claimed_at >= stale_before)


def latest_claim(call_sid):
    """(claimed turn, when, key, turns stored) of the call, without locking it; None
    when the call is unknown."""
    row = db.session.execute(
        db.select(CallSession.claimed_turn, CallSession.claimed_at, CallSession.claimed_key,
                  db.select(db.func.max(Turn.index)).where(Turn.session_id == CallSession.id)
                  .scalar_subquery())
        .filter(CallSession.call_sid == call_sid)).one_or_none()
    return None if row is None else tuple(row)


def turn_and_history(session_id, index):
    """Turn `index` if it is stored, and the exchanges before it (oldest first), in one
    query: the turns up to this one that the caller spoke in, newest first."""
    rows = db.session.execute(
        db.select(Turn).filter(Turn.session_id == session_id, Turn.index <= index,
                               db.or_(Turn.index == index, Turn.speech.is_not(None)))
        .order_by(Turn.index.desc()).limit(HISTORY_TURNS + 1)
    ).scalars().all()
    stored = rows[0] if rows and rows[0].index == index else None
    earlier = [turn for turn in rows if turn.index != index][:HISTORY_TURNS]
    return stored, [(turn.speech, turn.reply) for turn in reversed(earlier)]


def find_turn(session_id, index):
    return db.session.execute(
        db.select(Turn).filter_by(session_id=session_id, index=index)
    ).scalar_one_or_none()


def caller_info(session, state, phone_number, resume_window_minutes):
    """Who is calling: from the call's state, read from the database the first time
    (their number is not copied there: it comes with every request)."""
    known = state.caller
    if known is None:
        caller = session.caller
        returning = db.session.execute(
            db.select(db.func.count(CallSession.id)).filter_by(caller_id=caller.id)
        ).scalar_one() > 1
        known = {"name": caller.name,
                 "profile": dict(caller.profile or {}), "returning": returning}
    if known.get("training") is None:
        known = {**known, "training": training_log.summary(
            session.caller_id, session.id, resume_window_minutes)}
    if known.get("outreach") is None:
        known = {**known, "outreach": outreach_store.summary(session.caller_id, session.call_sid)}
    state.caller = known
    return CallerInfo(phone_number, known["name"], dict(known["profile"]),
                      known["returning"], dict(known["training"]), dict(known["outreach"]))


def apply_profile_updates(call, state, updates):
    """Write the caller's new name and profile facts, and keep the call's copy in step."""
    if not updates:
        return
    updates = dict(updates)
    known = dict(state.caller)
    name = updates.pop("name", None)
    if name:
        known["name"] = name
    profile = dict(known["profile"])
    for key, value in updates.items():
        if value in (None, ""):
            profile.pop(key, None)
        else:
            profile[key] = value
    # The profile may hold the caller's time zone, which dates their training.
    state.caller = {**known, "profile": profile, "training": None}
    db.session.execute(db.update(Caller).where(Caller.id == call.caller_id).values(
        name=known["name"], profile=profile, updated_at=utcnow()))


def apply_training(call, state, effects):
    """The reply's training-log and check-in effects; the call's copies of the
    summaries they change are read afresh on the next turn."""
    training = [effect for effect in effects or () if effect["type"] not in outreach_store.EFFECTS]
    outreach = [effect for effect in effects or () if effect["type"] in outreach_store.EFFECTS]
    if training:
        training_log.apply(call, training)
        state.caller = {**state.caller, "training": None}
    if outreach:
        outreach_store.apply(call, outreach)
        state.caller = {**state.caller, "outreach": None}


def store_state(call, index, state):
    """Write the call's state, unless a later turn has been claimed since: then this
    turn was overtaken (the caller was asked again) and False is returned."""
    result = db.session.execute(
        db.update(CallSession)
        .where(CallSession.id == call.id, CallSession.claimed_turn == index)
        .values(state=state.to_json()))
    return result.rowcount == 1


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
