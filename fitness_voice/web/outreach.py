"""Webhooks for the calls and texts the coach starts: a check-in call answered
(its first turn; the turns after it go to /voice/turn like any call), the
answering-machine result, the call's status, texts in and their delivery, and
the two halves of a hand-off (the whisper to the person, and how the dial ended).
"""

import functools
import logging

from flask import Blueprint, current_app, request
from twilio.twiml.messaging_response import MessagingResponse

from .. import calls, lang
from ..calls import CallEvent, Spoken
from ..dialogue import checkin as checkin_dialogue
from ..extensions import db
from ..models import Caller, CallSession
from ..outreach import checkins, handoff, rest, sms
from . import twiml
from .signature import twilio_signed
from .voice import listen_for_turn, say_voice, xml

log = logging.getLogger(__name__)
bp = Blueprint("outreach", __name__, url_prefix="/outreach")


def _rest():
    return rest.RestSettings.from_config(current_app.config)


def _checkin():
    try:
        checkin_id = int(request.args.get("checkin", ""))
    except ValueError:
        return None
    return checkins.find(checkin_id, request.form.get("CallSid", ""))


def _callee_event():
    """The call as the call loop sees it: on a call we placed, the caller is `To`."""
    return CallEvent(call_sid=request.form.get("CallSid", ""),
                     from_number=request.form.get("To", ""),
                     to_number=request.form.get("From", ""),
                     status=request.form.get("CallStatus") or None,
                     duration_seconds=_whole(request.form.get("CallDuration")))


def _whole(raw):
    return int(raw) if raw and raw.isdigit() else None


@bp.post("/checkin")
@twilio_signed
def checkin_answered():
    """The person (or machine: AMD tells us later) answered the check-in call."""
    checkin = _checkin()
    if checkin is None:
        db.session.rollback()
        return xml(twiml.hang_up([], say_voice()))
    checkin.call_sid, checkin.status = request.form["CallSid"], "in-progress"
    db.session.commit()
    greet = functools.partial(checkin_dialogue.greet,
                              handoff_number=bool(current_app.config.get("HUMAN_COACH_NUMBER")))
    answer = calls.greet(current_app.extensions["fitness_voice"], _callee_event(),
                         calls.WaitRules.from_config(current_app.config), greet)
    if isinstance(answer, calls.AskAgain):  # a retried copy that waited in vain
        return listen_for_turn([], answer.index)
    if not isinstance(answer, calls.Answer) or answer.end_call:
        return xml(twiml.hang_up(answer.parts, say_voice()))
    return listen_for_turn(answer.parts, answer.next_index)


@bp.post("/checkin/amd")
@twilio_signed
def machine_detected():
    """Async AMD's result: after a machine's beep, a voicemail (unless opted out)."""
    checkin = _checkin()
    if checkin is None:
        db.session.rollback()
        return xml(twiml.empty())
    action = checkins.machine_answered(checkin, request.form.get("AnsweredBy", ""))
    call_sid, caller_name = checkin.call_sid, _caller_name(checkin.caller_id)
    db.session.commit()
    if action is not None:
        lines = lang.catalogue()
        parts = ([Spoken(lines.say("outreach.voicemail", name=caller_name or "there"))]
                 if action == "voicemail" else [])
        # The call is live: new TwiML replaces what it is doing (the greeting).
        try:
            rest.client(_rest()).calls(call_sid).update(
                twiml=str(twiml.hang_up(parts, say_voice())))
        except Exception:  # e.g. the call ended before the beep: nothing to leave
            log.exception("check-in %s: the %s could not be sent", checkin.id, action)
    return xml(twiml.empty())


def _caller_name(caller_id):
    caller = db.session.get(Caller, caller_id)
    return caller.name if caller else None


@bp.post("/checkin/status")
@twilio_signed
def checkin_status():
    """How the check-in call went; a missed one is retried once, and a talk with
    a caller who wants texts is summarised by text."""
    checkin = _checkin()
    if checkin is None:
        db.session.rollback()
        return xml(twiml.empty())
    status = request.form.get("CallStatus", "")
    checkins.call_status(checkin, status, checkins.CheckinSettings.from_config(current_app.config))
    talked = status == "completed" and checkin.status == "completed"
    caller_id, call_sid = checkin.caller_id, checkin.call_sid
    db.session.commit()
    session = db.session.execute(db.select(CallSession.id).filter_by(call_sid=call_sid)).first()
    db.session.commit()
    if session is not None:
        calls.close_call(current_app.extensions["fitness_voice"], _callee_event())
    if talked and session is not None:
        sms.send_summary(rest.client(_rest()), _rest(), caller_id, call_sid)
    return xml(twiml.empty())


@bp.post("/sms")
@twilio_signed
def text_received():
    """A text to the coach's number: STOP, HELP, START, or anything else."""
    reply = MessagingResponse()
    reply.message(sms.text_received(request.form.get("From", ""), request.form.get("Body", "")))
    return xml(reply)


@bp.post("/sms/status")
@twilio_signed
def text_status():
    text_id = request.args.get("text", "")
    sms.delivery(request.form.get("MessageSid", ""), request.form.get("MessageStatus"),
                 request.form.get("ErrorCode"), int(text_id) if text_id.isdigit() else None)
    return xml(twiml.empty())


@bp.post("/handoff/whisper")
@twilio_signed
def handoff_whisper():
    """Heard by the person answering, before the caller is put through."""
    call_sid = request.form.get("ParentCallSid") or request.form.get("CallSid", "")
    return xml(twiml.announce([Spoken(handoff.whisper(call_sid))], say_voice()))


@bp.post("/handoff/ended")
@twilio_signed
def handoff_ended():
    """The dialled person hung up, or never answered: then a call back is promised
    and the coach listens again."""
    answered = handoff.dial_ended(request.form.get("CallSid", ""),
                                  request.form.get("DialCallStatus", ""))
    if answered:
        return xml(twiml.hang_up([], say_voice()))
    said = lang.catalogue()["outreach.handoff_no_answer"]
    speaker = current_app.extensions["fitness_voice"].speaker
    return listen_for_turn([Spoken(said, speaker.audio_url(said))], int(request.args.get("n", "1")))
