"""'Forget me': nothing of the caller is kept, in any table, the spool or the audio store.

The caller row goes with everything hanging from it (every call and turn, the
workout log, weekly plans). Not even a hash of the number is kept: we need
none, since a later call from the number is simply a new caller.

The call in progress must still finish, and its session row holds the lock and
the turn numbers that keep Twilio's retries idempotent; so it moves to a
placeholder caller named by a random token, its turns until now are deleted,
its later turns are stored without the caller's words, and the status callback
that ends the call deletes the placeholder with the session.
"""

import logging
import uuid

from ..contract import CallState
from ..extensions import db
from ..models import Caller, Turn

log = logging.getLogger(__name__)

PLACEHOLDER_PREFIX = "erased:"


def erase_caller(session):
    """Delete the caller and everything of theirs; keep this call going, anonymously.
    Returns the call SIDs erased, for the spool."""
    caller = session.caller
    call_sids = [other.call_sid for other in caller.sessions]
    placeholder = Caller(phone_number=PLACEHOLDER_PREFIX + uuid.uuid4().hex, profile={})
    db.session.add(placeholder)
    session.caller = placeholder
    db.session.execute(db.delete(Turn).where(Turn.session_id == session.id))
    db.session.flush()  # this call is off the caller before the caller goes
    db.session.delete(caller)
    log.info("caller erased with %d calls", len(call_sids))
    return call_sids


def fresh_state(state):
    """The call goes on from here with nothing of what came before it but the
    coach's last words (for "say that again")."""
    return CallState(last_reply=state.last_reply)


def is_erased(session):
    return session.caller.phone_number.startswith(PLACEHOLDER_PREFIX)


def keep_no_words(turn, session):
    """A turn of an erased call is kept for the call's retries, not its words."""
    if is_erased(session):
        turn.speech = None


def finish_call(session):
    """The erased call has ended: its session and placeholder go too."""
    if is_erased(session):
        db.session.delete(session.caller)


def forget_audio(speaker, phone_number):
    """Audio rendered for this caller (their name, their details), where the
    speech store keeps it per caller."""
    forget = getattr(speaker, "forget_caller", None)
    if forget is None:
        return
    try:
        forget(phone_number)
    except Exception:
        log.exception("the caller's audio could not be deleted")
