"""The outreach rows a turn writes, and what the dialogue is told about them.

Like the training log, the dialogue never writes here itself: its replies carry
effects ({"type": "outreach_schedule", ...}) that the call loop applies in the
transaction that stores the turn, so a retried webhook cannot apply one twice.
"""

from datetime import datetime

from ..extensions import db
from ..models import Checkin, CheckinSchedule, Handoff, TextMessage, utcnow

# Check-ins not yet placed: stopping or changing the schedule cancels them.
WAITING = ("due",)


def schedule_of(caller_id):
    return db.session.execute(
        db.select(CheckinSchedule).filter_by(caller_id=caller_id)).scalar_one_or_none()


def summary(caller_id, call_sid=None):
    """What the dialogue knows about the caller's check-ins, as plain data:
    {"schedule": {...} or None, "checkin": {...} or None (the check-in this call is)}."""
    schedule = schedule_of(caller_id)
    checkin = None
    if call_sid:
        checkin = db.session.execute(
            db.select(Checkin).filter_by(call_sid=call_sid)).scalar_one_or_none()
    return {
        "schedule": None if schedule is None else {
            "days": list(schedule.days), "local_time": schedule.local_time,
            "timezone": schedule.timezone, "active": schedule.active,
            "voicemail": schedule.voicemail, "texts": schedule.texts,
            "texts_asked": schedule.texts_asked_at is not None},
        "checkin": None if checkin is None else {"id": checkin.id, "attempt": checkin.attempt},
    }


def apply(session, effects):
    """Apply the outreach effects of a turn's reply (others are not ours)."""
    for effect in effects or ():
        handler = HANDLERS.get(effect["type"])
        if handler is not None:
            handler(session, effect)


def _schedule(session, effect):
    schedule = schedule_of(session.caller_id)
    if schedule is None:
        schedule = CheckinSchedule(caller_id=session.caller_id)
        db.session.add(schedule)
    else:
        cancel_waiting(schedule)
    schedule.days = list(effect["days"])
    schedule.local_time = effect["local_time"]
    schedule.timezone = effect["timezone"]
    schedule.active = True
    schedule.consent_at = utcnow()
    schedule.consent_words = effect["consent_words"]
    schedule.stopped_at = schedule.stop_words = None
    db.session.flush()


def _stop(session, effect):
    schedule = schedule_of(session.caller_id)
    if schedule is None:
        return
    schedule.active = False
    schedule.stopped_at = utcnow()
    schedule.stop_words = effect.get("words")
    if effect.get("texts_too"):
        schedule.texts = False
    cancel_waiting(schedule)


def _texts(session, effect):
    schedule = schedule_of(session.caller_id)
    if schedule is None:
        # Asked in a call the caller made: texts without check-in calls are a
        # schedule with no days that is never active (STOP and START find it too).
        schedule = CheckinSchedule(caller_id=session.caller_id, days=[], local_time="",
                                   timezone=effect.get("timezone") or "UTC", active=False,
                                   consent_at=utcnow(), consent_words=effect.get("words") or "")
        db.session.add(schedule)
    schedule.texts = bool(effect["on"])
    schedule.texts_asked_at = schedule.texts_asked_at or utcnow()


def _voicemail(session, effect):
    schedule = schedule_of(session.caller_id)
    if schedule is not None:
        schedule.voicemail = bool(effect["on"])


def _checkin_outcome(session, effect):
    checkin = db.session.get(Checkin, effect["checkin_id"])
    if checkin is not None:
        checkin.outcome = effect["outcome"]
        checkin.note = effect.get("note") or checkin.note


def _checkin_moved(session, effect):
    """"Later": one more check-in call at the moment the caller chose."""
    checkin = db.session.get(Checkin, effect["checkin_id"])
    if checkin is None:
        return
    at = datetime.fromisoformat(effect["at"])
    checkin.outcome, checkin.note = "later", effect.get("note")
    exists = db.session.execute(db.select(Checkin.id).filter_by(
        schedule_id=checkin.schedule_id, slot=at, attempt=1)).first()
    if exists is None:
        db.session.add(Checkin(schedule_id=checkin.schedule_id, caller_id=checkin.caller_id,
                               slot=at, attempt=1, due_at=at, status="due"))


def _handoff(session, effect):
    db.session.add(Handoff(caller_id=session.caller_id, call_sid=session.call_sid,
                           reason=effect["reason"], said=effect.get("said"),
                           status=effect.get("status", "dialing"),
                           callback_promised=effect.get("status") == "unavailable"))


def forget(caller_id):
    """"Forget me": the schedule (its consent), its check-ins, texts and hand-offs go,
    so no call or text follows."""
    for model in (Handoff, TextMessage, Checkin, CheckinSchedule):
        db.session.execute(db.delete(model).where(model.caller_id == caller_id))


def cancel_waiting(schedule):
    db.session.execute(db.update(Checkin).where(
        Checkin.schedule_id == schedule.id, Checkin.status.in_(WAITING)
    ).values(status="canceled", updated_at=utcnow()))


HANDLERS = {
    "outreach_schedule": _schedule, "outreach_stop": _stop, "outreach_texts": _texts,
    "outreach_voicemail": _voicemail, "outreach_checkin_outcome": _checkin_outcome,
    "outreach_checkin_moved": _checkin_moved, "outreach_handoff": _handoff,
}
EFFECTS = frozenset(HANDLERS)
