"""The Twilio webhooks: read the request, ask the call logic, answer TwiML."""

import logging
import re

from flask import Blueprint, Response, current_app, request, url_for
from werkzeug.exceptions import BadRequest, HTTPException

from .. import calls, lang
from ..calls import CallEvent, Spoken
from ..extensions import db
from . import twiml
from .signature import twilio_signed

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/voice")

CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")


def hold_lines():
    """What the webhooks say while a slow reply is held, for pre-rendering."""
    lines = lang.catalogue()
    return [lines["web.filler"], lines["web.too_slow"]]


def xml(response, status=200):
    return Response(str(response), status=status, mimetype="text/xml")


def _voice():
    return twiml.Voice(current_app.config["SAY_VOICE"], current_app.config["SAY_LANGUAGE"])


def _services():
    return current_app.extensions["fitness_voice"]


def _field(name, required=False):
    value = request.form.get(name, "")
    limit = current_app.config["MAX_FIELD_LENGTH"]
    if len(value) > limit:
        raise BadRequest(f"{name} is longer than {limit} characters")
    if required and not value:
        raise BadRequest(f"{name} is required")
    return value


def _number(name, raw, convert, low=None, high=None):
    if raw == "":
        return None
    try:
        value = convert(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a number") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise BadRequest(f"{name} is out of range")
    return value


def _event():
    call_sid = _field("CallSid", required=True)
    if not CALL_SID.match(call_sid):
        raise BadRequest("CallSid must be 'CA' followed by 32 hexadecimal digits")
    return CallEvent(
        call_sid=call_sid,
        from_number=_field("From", required=True),
        to_number=_field("To"),
        speech=_field("SpeechResult").strip(),
        confidence=_number("Confidence", _field("Confidence"), float, 0.0, 1.0),
        index=_number("n", request.args.get("n", ""), int, 1, 10_000),
        status=_field("CallStatus") or None,
        duration_seconds=_number("CallDuration", _field("CallDuration"), int, 0),
    )


def _answer(answer):
    if answer.end_call:
        return xml(twiml.hang_up(answer.parts, _voice()))
    action = url_for("voice.turn", n=answer.next_index)
    gather = twiml.GatherSettings.from_config(current_app.config)
    return xml(twiml.listen(answer.parts, action, gather, _voice()))


@bp.post("")
@twilio_signed
def incoming():
    return _answer(calls.answer_call(_services(), _event()))


@bp.post("/turn")
@twilio_signed
def turn():
    event, hold_after = _event(), current_app.config["SLOW_REPLY_SECONDS"]
    app = current_app._get_current_object()
    if _first_sentence_first() and event.index is not None:  # the rest is found by n
        answer = calls.take_turn_first_sentence_first(app, _services(), event, hold_after)
    elif not hold_after:
        return _answer(calls.take_turn(_services(), event))
    else:
        answer = calls.take_turn_or_hold(app, _services(), event, hold_after)
    if answer is None:  # still thinking: a filler now, the answer after the redirect
        return _hold(event.index)
    if isinstance(answer, calls.FirstPart):  # the first sentence now, then the rest
        return xml(twiml.hold(answer.parts, url_for("voice.rest", n=answer.index), _voice()))
    return _answer(answer)


def _first_sentence_first():
    config = current_app.config
    return config["FIRST_SENTENCE_FIRST"] or bool(config["OPENAI_STREAM"]
                                                  and config.get("OPENAI_API_KEY"))


@bp.post("/turn/wait")
@twilio_signed
def wait():
    return _when_stored(calls.wait_for_turn)


@bp.post("/turn/rest")
@twilio_signed
def rest():
    """The continuation: the rest of a reply whose first sentence was just spoken."""
    return _when_stored(calls.rest_of_turn)


def _when_stored(answer_of):
    event = _event()
    if event.index is None:
        raise BadRequest("n is required")
    answer = answer_of(_services(), event, current_app.config["WAIT_FOR_REPLY_SECONDS"])
    if answer is None:
        # Ask again under the next turn number, so a late answer to this one
        # cannot be mistaken for the answer to what the caller says next.
        spoken = [Spoken(lang.catalogue()["web.too_slow"])]
        action = url_for("voice.turn", n=event.index + 1)
        gather = twiml.GatherSettings.from_config(current_app.config)
        return xml(twiml.listen(spoken, action, gather, _voice()))
    return _answer(answer)


def _hold(index):
    said = lang.catalogue()["web.filler"]
    filler = Spoken(said, _services().speaker.audio_url(said))
    return xml(twiml.hold([filler], url_for("voice.wait", n=index), _voice()))


@bp.post("/status")
@twilio_signed
def status():
    calls.close_call(_event())
    return xml(twiml.empty())


@bp.post("/fallback")
@twilio_signed
def fallback():
    """Twilio calls this when our primary URL failed; it must not need the database."""
    log.error("Twilio fallback: ErrorCode=%s ErrorUrl=%s",
              request.form.get("ErrorCode"), request.form.get("ErrorUrl"))
    return xml(twiml.hang_up([Spoken(lang.catalogue()["web.apology"])], _voice()))


@bp.errorhandler(BadRequest)
def bad_request(error):
    return Response(f"Bad request: {error.description}\n", status=400, mimetype="text/plain")


@bp.errorhandler(Exception)
def unexpected(error):
    """Whatever broke, the caller hears an apology, never Twilio's application error."""
    if isinstance(error, HTTPException):
        return error
    log.exception("webhook %s failed", request.path)
    db.session.rollback()
    return xml(twiml.hang_up([Spoken(lang.catalogue()["web.apology"])], _voice()))
