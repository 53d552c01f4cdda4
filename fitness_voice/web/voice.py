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
    return [lines["web.filler"], lines["web.still_waiting"], lines["web.too_slow"]]


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
        idempotency_token=request.headers.get("I-Twilio-Idempotency-Token", "")[:64] or None,
    )


def _answer(answer):
    if answer.end_call:
        return xml(twiml.hang_up(answer.parts, _voice()))
    action = url_for("voice.turn", n=answer.next_index)
    gather = twiml.GatherSettings.from_config(current_app.config)
    return xml(twiml.listen(answer.parts, action, gather, _voice()))


def _wait_rules():
    config = current_app.config
    return calls.WaitRules(config["SLOW_REPLY_SECONDS"], config["WAIT_STEP_SECONDS"],
                           config["WAIT_FOR_REPLY_SECONDS"], config["TURN_WORKERS"],
                           config["TURN_BACKLOG"])


def _outcome(outcome):
    """The TwiML for what a turn request came to."""
    if isinstance(outcome, calls.Held):  # still thinking: a filler now, the answer after
        return _hold(outcome.index, 0, "web.filler")
    if isinstance(outcome, calls.AskAgain):
        return _ask_again(outcome.index, "web.too_slow")
    if isinstance(outcome, calls.Busy):
        return _ask_again(outcome.index, "web.busy")
    if isinstance(outcome, calls.Ended):
        return xml(twiml.hang_up([], _voice()))
    return _answer(outcome)


@bp.post("")
@twilio_signed
def incoming():
    return _outcome(calls.greet(_services(), _event(), _wait_rules()))


@bp.post("/turn")
@twilio_signed
def turn():
    return _outcome(calls.take_turn_or_hold(current_app._get_current_object(), _services(),
                                            _event(), _wait_rules()))


@bp.post("/turn/wait")
@twilio_signed
def wait():
    event, rules = _event(), _wait_rules()
    if event.index is None:
        raise BadRequest("n is required")
    round_ = _number("w", request.args.get("w", ""), int, 0, 1000) or 0
    answer = calls.wait_for_turn(_services(), event, rules.seconds(round_))
    if answer is not None:
        return _answer(answer)
    if rules.is_last(round_):
        # Ask again under the next turn number, so a late answer to this one
        # cannot be mistaken for the answer to what the caller says next.
        return _ask_again(event.index + 1, "web.too_slow")
    return _hold(event.index, round_ + 1, "web.still_waiting")


def _ask_again(index, line):
    """Said with Twilio's own voice: nothing of ours is rendered when we are behind."""
    spoken = [Spoken(lang.catalogue()[line])]
    action = url_for("voice.turn", n=index)
    gather = twiml.GatherSettings.from_config(current_app.config)
    return xml(twiml.listen(spoken, action, gather, _voice()))


def _hold(index, round_, line):
    said = lang.catalogue()[line]
    filler = Spoken(said, _services().speaker.audio_url(said))
    wait_url = url_for("voice.wait", n=index, **({"w": round_} if round_ else {}))
    return xml(twiml.hold([filler], wait_url, _voice()))


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
