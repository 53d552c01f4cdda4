"""Hand-off to a person: the whisper the person hears
before they are connected, and what happened (answered, or a call back owed).

The dialogue decides a hand-off (the caller asked, pressed 0, or the coach kept
missing what they asked); the webhooks dial; this module records the outcome.
A red flag never waits on any of it: the safety stage answers first.
"""

from .. import lang
from ..extensions import db
from ..models import Caller, Handoff, utcnow

ANSWERED = ("completed", "answered")


def latest(call_sid):
    return db.session.execute(
        db.select(Handoff).filter_by(call_sid=call_sid)
        .order_by(Handoff.id.desc()).limit(1).with_for_update()).scalar_one_or_none()


def whisper(call_sid):
    """What the person answering hears before the caller is put through."""
    lines = lang.catalogue()
    handoff = latest(call_sid)
    caller = db.session.get(Caller, handoff.caller_id) if handoff else None
    reason = handoff.reason if handoff else "asked"
    reason_key = f"outreach.handoff_reason_{reason}"
    said = lines.say("outreach.handoff_whisper",
                     named=f", {caller.name}," if caller and caller.name else "",
                     reason=lines[reason_key] if reason_key in lines
                     else lines["outreach.handoff_reason_asked"])
    db.session.commit()
    return said


def dial_ended(call_sid, dial_status):
    """The <Dial> leg ended: True when the person answered; otherwise a call back is
    promised and recorded for the operator."""
    handoff = latest(call_sid)
    answered = dial_status in ANSWERED
    if handoff is not None:
        handoff.status = "connected" if answered else (dial_status or "no-answer")
        handoff.callback_promised = not answered
        handoff.updated_at = utcnow()
    db.session.commit()
    return answered


def callbacks_owed():
    """Callers promised a call back, oldest first: (phone number, name, when, why)."""
    rows = db.session.execute(
        db.select(Handoff, Caller).join(Caller, Caller.id == Handoff.caller_id)
        .filter(Handoff.callback_promised.is_(True)).order_by(Handoff.created_at)).all()
    return [(caller.phone_number, caller.name, handoff.created_at, handoff.reason)
            for handoff, caller in rows]
