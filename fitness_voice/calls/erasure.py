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
from ..models import Caller, CallSession, Turn
from ..outreach import store as outreach_store
from .records import CallRow

log = logging.getLogger(__name__)

PLACEHOLDER_PREFIX = "erased:"


def erase_caller(call):
    """Delete the caller and everything of theirs; keep this call going, anonymously,
    as the CallRow returned."""
    session = db.session.get(CallSession, call.id)
    caller = session.caller
    calls = len(caller.sessions)
    outreach_store.forget(caller.id)
    placeholder = Caller(phone_number=PLACEHOLDER_PREFIX + uuid.uuid4().hex, profile={})
    db.session.add(placeholder)
    session.caller = placeholder
    db.session.execute(db.delete(Turn).where(Turn.session_id == session.id))
    db.session.flush()  # this call is off the caller before the caller goes
    db.session.delete(caller)
    log.info("caller erased with %d calls", calls)
    return CallRow(call.id, placeholder.id, call.call_sid)


def fresh_state(state):
    """The call goes on from here with nothing of what came before it but the
    coach's last words (for "say that again")."""
    return CallState(last_reply=state.last_reply, erased=True,
                     caller={"name": None, "profile": {}, "returning": False, "training": None})


def is_erased(session):
    return session.caller.phone_number.startswith(PLACEHOLDER_PREFIX)


def finish_call(session, speaker):
    """The erased call has ended: its session and placeholder go too, with the
    audio said to the placeholder after "forget me"."""
    if is_erased(session):
        placeholder = session.caller
        db.session.delete(placeholder)
        forget_audio(speaker, placeholder.id)


def forget_audio(speaker, caller_id):
    """Audio rendered for this caller (their name, their details): the speech
    store keeps it in the caller's folder."""
    try:
        speaker.delete_caller_audio(str(caller_id))
    except Exception:
        log.exception("the caller's audio could not be deleted")


def erase_person(caller, speaker):
    """The operator's "forget this caller": the caller row with every call, turn,
    workout and plan hanging from it, and the audio said to them."""
    caller_id, calls = caller.id, len(caller.sessions)
    outreach_store.forget(caller_id)
    db.session.delete(caller)
    db.session.flush()
    forget_audio(speaker, caller_id)
    log.info("caller erased by an operator with %d calls", calls)
