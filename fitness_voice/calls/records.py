"""The rows a turn reads and writes: the call's session (locked), its caller,
its turns, and the caller's profile."""

from sqlalchemy.exc import IntegrityError

from ..contract import CallerInfo
from ..extensions import db
from ..models import Caller, CallSession, Turn
from ..outreach import store as outreach_store
from ..training import log as training_log

HISTORY_TURNS = 6


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


def find_turn(session, index):
    return db.session.execute(
        db.select(Turn).filter_by(session_id=session.id, index=index)
    ).scalar_one_or_none()


def caller_info(session, resume_window_minutes):
    caller = session.caller
    returning = db.session.execute(
        db.select(db.func.count(CallSession.id)).filter_by(caller_id=caller.id)
    ).scalar_one() > 1
    return CallerInfo(caller.phone_number, caller.name, dict(caller.profile or {}), returning,
                      training_log.summary(caller.id, session.id, resume_window_minutes),
                      outreach_store.summary(caller.id, session.call_sid))


def history(session):
    turns = db.session.execute(
        db.select(Turn).filter(Turn.session_id == session.id, Turn.speech.is_not(None))
        .order_by(Turn.index.desc()).limit(HISTORY_TURNS)
    ).scalars().all()
    return [(turn.speech, turn.reply) for turn in reversed(turns)]


def forget_caller(session):
    """Delete everything we know about the caller: profile, past calls, this call's words."""
    caller = session.caller
    caller.name = None
    caller.profile = {}
    outreach_store.forget(caller.id)
    for record in [*caller.workouts, *caller.weekly_plans]:
        db.session.delete(record)
    for other in list(caller.sessions):
        if other.id != session.id:
            db.session.delete(other)
    db.session.execute(db.delete(Turn).where(Turn.session_id == session.id))


def apply_profile_updates(caller, updates):
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
