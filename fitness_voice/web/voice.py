"""The Twilio webhooks: read the request, ask the call logic, answer TwiML."""

import functools
import logging
import math
import re
import time
from urllib.parse import parse_qs, urlsplit

from flask import Blueprint, Response, current_app, request, url_for
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import BadRequest, HTTPException

from .. import calls, lang
from ..calls import CallEvent, DatabaseAway, Silence, Spoken, outage
from ..extensions import db
from ..models import CALL_STATUS_LENGTH, PHONE_NUMBER_LENGTH
from ..outreach.requests import keypad_words
from . import twiml
from .signature import twilio_signed

log = logging.getLogger(__name__)
bp = Blueprint("voice", __name__, url_prefix="/voice")

CALL_SID = re.compile(r"^CA[0-9a-fA-F]{32}$")
# Fields stored in a column narrower than MAX_FIELD_LENGTH.
FIELD_LIMITS = {"From": PHONE_NUMBER_LENGTH, "To": PHONE_NUMBER_LENGTH,
                "CallStatus": CALL_STATUS_LENGTH}
MAX_INTEGER = 2**31 - 1  # a Postgres integer column


def hold_lines():
    """What the webhooks say while a slow reply is held, for pre-rendering."""
    lines = lang.catalogue()
    return [lines["web.filler"], lines["web.still_waiting"], lines["web.too_slow"]]


def xml(response, status=200):
    return Response(str(response), status=status, mimetype="text/xml")


def say_voice():
    return twiml.Voice(current_app.config["SAY_VOICE"], current_app.config["SAY_LANGUAGE"])


def _services():
    return current_app.extensions["fitness_voice"]


def _field(name, required=False):
    value = request.form.get(name, "")
    limit = FIELD_LIMITS.get(name, current_app.config["MAX_FIELD_LENGTH"])
    if len(value) > limit:
        raise BadRequest(f"{name} is longer than {limit} characters")
    if "\x00" in value:
        raise BadRequest(f"{name} contains a NUL byte")
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
    if not math.isfinite(value):
        raise BadRequest(f"{name} must be a finite number")
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
        # A key pressed stands for its words ("1" is "done"), heard for certain.
        speech=_field("SpeechResult").strip() or keypad_words(_field("Digits")) or "",
        confidence=_number("Confidence", _field("Confidence"), float, 0.0, 1.0),
        index=_number("n", request.args.get("n", ""), int, 1, 10_000),
        status=_field("CallStatus") or None,
        duration_seconds=_number("CallDuration", _field("CallDuration"), int, 0, MAX_INTEGER),
        idempotency_token=request.headers.get("I-Twilio-Idempotency-Token", "")[:64] or None,
        held_since=_number("held", request.args.get("held", ""), float, 0),
    )


def _turn_event():
    """A turn's event; a turn held through a database outage takes back its words."""
    event = _event()
    if event.held_since is not None:
        outage.take_back(_services().outage, event, event.held_since)
    return event


def listen_for_turn(parts, index):
    """Say `parts` inside a <Gather> whose answer is turn `index`."""
    gather = twiml.GatherSettings.from_config(current_app.config)
    return xml(twiml.listen(parts, url_for("voice.turn", n=index), gather, say_voice()))


def _answer(answer):
    if answer.action == "handoff" and current_app.config.get("HUMAN_COACH_NUMBER"):
        return xml(twiml.transfer(answer.parts, _dial(answer.next_index), say_voice()))
    if answer.end_call:
        return xml(twiml.hang_up(answer.parts, say_voice()))
    return listen_for_turn(answer.parts, answer.next_index)


def _wait_rules():
    return calls.WaitRules.from_config(current_app.config)


def _outcome(outcome):
    """The TwiML for what a turn request came to."""
    if isinstance(outcome, calls.Held):  # still thinking: a filler now, the answer after
        return _hold(outcome.index, 0, "web.filler")
    if isinstance(outcome, calls.FirstPart):  # the first sentence now, then the rest
        return xml(twiml.hold(outcome.parts, url_for("voice.rest", n=outcome.index), say_voice()))
    if isinstance(outcome, calls.AskAgain):
        return _ask_again(outcome.index, "web.too_slow")
    if isinstance(outcome, calls.Busy):
        return _ask_again(outcome.index, "web.busy")
    if isinstance(outcome, calls.Ended):
        return xml(twiml.hang_up([], say_voice()))
    return _answer(outcome)


def rides_out_the_database(view):
    """A database still away after the turn's retries: "one moment" and the same
    request again; the goodbye only after DB_OUTAGE_SECONDS of it."""
    @functools.wraps(view)
    def guarded(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DatabaseAway as away:
            since = away.since
        except DBAPIError as error:
            if not outage.lost_connection(error):
                raise
            db.session.rollback()
            since = _number("held", request.args.get("held", ""), float, 0) or time.time()
        if outage.outage_over_limit(_services().outage, since):
            log.error("database away for over DB_OUTAGE_SECONDS: the call ends")
            return xml(twiml.hang_up([Spoken(lang.catalogue()["web.apology"])], say_voice()))
        return _database_hold(since)
    return guarded


def _database_hold(since, endpoint=None):
    said = lang.catalogue()["web.filler"]
    args = {**request.args.to_dict(), "held": f"{since:.3f}"}
    again = url_for(endpoint or request.endpoint, **args)
    return xml(twiml.hold([Spoken(said), Silence(1)], again, say_voice()))


def _dial(next_index):
    config = current_app.config
    return twiml.Dial(config["HUMAN_COACH_NUMBER"],
                      url_for("outreach.handoff_ended", n=next_index),
                      url_for("outreach.handoff_whisper"), config["HANDOFF_DIAL_TIMEOUT"],
                      config.get("TWILIO_FROM_NUMBER"))


@bp.post("")
@twilio_signed
@rides_out_the_database
def incoming():
    outcome = calls.greet(_services(), _event(), _wait_rules())
    if (isinstance(outcome, calls.Answer) and not outcome.end_call
            and current_app.config.get("HUMAN_COACH_NUMBER")):
        # Said once, at the start of the call: the keypad's way to a person.
        said = lang.catalogue()["outreach.keypad_person"]
        outcome.parts.append(Spoken(said, _services().speaker.audio_url(said)))
    return _outcome(outcome)


@bp.post("/turn")
@twilio_signed
@rides_out_the_database
def turn():
    event, app = _turn_event(), current_app._get_current_object()
    if _first_sentence_first() and event.index is not None:  # the rest is found by n
        return _outcome(calls.take_turn_first_sentence_first(app, _services(), event,
                                                             _wait_rules()))
    return _outcome(calls.take_turn_or_hold(app, _services(), event, _wait_rules()))


def _first_sentence_first():
    config = current_app.config
    return config["FIRST_SENTENCE_FIRST"] or bool(config["OPENAI_STREAM"]
                                                  and config.get("OPENAI_API_KEY"))


@bp.post("/turn/wait")
@twilio_signed
@rides_out_the_database
def wait():
    return _when_stored("voice.wait", calls.wait_for_turn)


@bp.post("/turn/rest")
@twilio_signed
@rides_out_the_database
def rest():
    """The continuation: the rest of a reply whose first sentence was just spoken."""
    return _when_stored("voice.rest", calls.rest_of_turn)


def _when_stored(endpoint, answer_of):
    """The stored answer (by `answer_of`) once it comes, in wait steps of `w` rounds."""
    event, rules = _event(), _wait_rules()
    if event.index is None:
        raise BadRequest("n is required")
    spooled = outage.Spool(_services().outage).find(event)
    if spooled is not None:  # the turn gave up on the database: hold, then run it again
        return _database_hold(spooled.held_since, "voice.turn")
    round_ = _number("w", request.args.get("w", ""), int, 0, 1000) or 0
    answer = answer_of(_services(), event, rules.seconds(round_))
    if answer is not None:
        return _answer(answer)
    if rules.is_last(round_):
        # Ask again under the next turn number, so a late answer to this one
        # cannot be mistaken for the answer to what the caller says next.
        return _ask_again(event.index + 1, "web.too_slow")
    return _hold(event.index, round_ + 1, "web.still_waiting", endpoint)


def _ask_again(index, line):
    """Said with Twilio's own voice: nothing of ours is rendered when we are behind."""
    return listen_for_turn([Spoken(lang.catalogue()[line])], index)


def _hold(index, round_, line, endpoint="voice.wait"):
    said = lang.catalogue()[line]
    filler = Spoken(said, _services().speaker.audio_url(said))
    wait_url = url_for(endpoint, n=index, **({"w": round_} if round_ else {}))
    return xml(twiml.hold([filler], wait_url, say_voice()))


@bp.post("/status")
@twilio_signed
def status():
    event = _event()
    try:
        calls.close_call(_services(), event)
    except (DatabaseAway, DBAPIError) as error:
        if isinstance(error, DBAPIError) and not outage.lost_connection(error):
            raise
        db.session.rollback()  # Twilio does not retry a status callback; the call is over
        log.warning("call status not recorded: the database is away")
    return xml(twiml.empty())


@bp.post("/fallback")
@twilio_signed
def fallback():
    """Twilio calls this when our primary URL failed, with the same fields: the
    caller hears an apology and is asked again, a <Gather> back to the turn
    that failed. It needs no database; the goodbye only if the failed URL is
    not one of our call's."""
    _event()  # the same checks as the primary URL
    # Only what identifies the failure: never a client's text in the log.
    log.error("Twilio fallback: ErrorCode=%s ErrorUrl path=%s",
              re.sub(r"\W", "", request.form.get("ErrorCode", ""))[:12],
              re.sub(r"[^\w/.-]", "", urlsplit(request.form.get("ErrorUrl", "")).path)[:80])
    index = _turn_to_ask_again(request.form.get("ErrorUrl", ""))
    if index is None:
        return xml(twiml.hang_up([Spoken(lang.catalogue()["web.apology"])], say_voice()))
    return listen_for_turn([Spoken(lang.catalogue()["web.ask_again"])], index)


def _turn_to_ask_again(error_url):
    """The turn number whose answer the caller missed, from the URL that failed."""
    parts = urlsplit(error_url)
    number = parse_qs(parts.query).get("n", [""])[0]
    path = parts.path.rstrip("/")
    if path.endswith("/voice"):
        return 1  # the greeting failed: the caller's first words are turn 1
    if not number.isdigit() or not 1 <= int(number) <= 10_000:
        return None
    if path.endswith("/voice/turn"):
        return int(number)
    if path.endswith(("/voice/turn/wait", "/voice/turn/rest")):
        return int(number) + 1  # as web.too_slow: a late answer cannot be mistaken
    return None


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
    return xml(twiml.hang_up([Spoken(lang.catalogue()["web.apology"])], say_voice()))
