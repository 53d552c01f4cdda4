"""Database blips ridden out, and nothing the caller said lost to them.

A turn that loses its database connection is run again after a short backoff
while its retry budget lasts (the coach runs again too: it writes nothing
until the turn is stored, so a rerun is safe). If the database is still away,
what the caller said goes to a small spool on local disk, shared by the
processes of this machine, and `DatabaseAway` tells the webhook to hold ("one
moment") and post the same turn again; that request takes the words back
from the spool, because Twilio's <Redirect> does not repeat the SpeechResult.
A spooled turn leaves the spool once the turn is stored, and the unique
(call, index) constraint stores it once whichever request gets there first.
A turn whose call never came back (the caller hung up while held) is stored,
unanswered, by the next request that reaches the database.
"""

import json
import logging
import os
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from ..extensions import db
from ..models import Turn
from . import records
from .events import CallEvent

log = logging.getLogger(__name__)

FIRST_BACKOFF_SECONDS = 0.05
MAX_BACKOFF_SECONDS = 0.8


class DatabaseAway(Exception):
    """The database stayed away for the whole retry budget."""

    def __init__(self, since):
        super().__init__(f"database away since {since:.0f}")
        self.since = since


@dataclass
class OutageSettings:
    retry_seconds: float = 3.0
    outage_seconds: float = 20.0
    spool_dir: str | None = None
    max_spooled: int = 2000

    @property
    def orphan_after_seconds(self):
        # Past the last moment a held call can still post its turn again.
        return self.outage_seconds + 2 * self.retry_seconds + 10


def lost_connection(error):
    """True for errors a retry can cure: the connection or server went away,
    a deadlock, a restart in progress, a lock timeout."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if type(error.orig).__module__.startswith("sqlite3"):
        # SQLite's OperationalError also means a missing table: only a lock passes.
        return "locked" in str(error.orig) or "busy" in str(error.orig)
    return type(error).__name__ in ("OperationalError", "InterfaceError")


def ride_out(settings, event, run):
    """Run the turn, retrying through a lost connection; spool what the caller
    said and raise DatabaseAway once the retry budget is spent."""
    deadline = time.monotonic() + settings.retry_seconds
    backoff, first_failure = FIRST_BACKOFF_SECONDS, None
    while True:
        try:
            answer = run()
        except DBAPIError as error:
            if not lost_connection(error):
                raise
            _rollback_quietly()
            first_failure = first_failure or time.time()
            if time.monotonic() + backoff > deadline:
                log.warning("database away for a whole turn: %s", type(error).__name__)
                Spool(settings).keep(event, first_failure)
                raise DatabaseAway(_held_since(event, first_failure)) from error
            time.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            event.owns_claim = True  # a claim this request made before the blip is its own
            continue
        Spool(settings).release(event)
        _store_orphans_quietly(settings)
        return answer


def take_back(settings, event, held_since):
    """A held turn, posted again: the words Twilio does not repeat come from the spool."""
    event.held_since = held_since
    spooled = Spool(settings).find(event)
    if spooled is not None and not event.speech:
        event.speech, event.confidence = spooled.speech, spooled.confidence
    return event


def outage_over_limit(settings, held_since, now=None):
    return (now or time.time()) - held_since > settings.outage_seconds


def store_orphans(settings):
    """Store, unanswered, the spooled turns whose calls never came back for them."""
    spool = Spool(settings)
    for path, spooled in spool.older_than(settings.orphan_after_seconds):
        event = spooled.event()
        session = records.lock_session(event)
        if records.find_turn(session.id, spooled.index) is None:
            db.session.add(Turn(session_id=session.id, index=spooled.index, kind="unanswered",
                                speech=spooled.speech or None, confidence=spooled.confidence,
                                reply="", details={"spooled_at": spooled.spooled_at}))
        db.session.commit()
        spool.remove(path)


def forget_calls(settings, call_sids):
    """Erasure: the spool keeps nothing of these calls either."""
    Spool(settings).remove_calls(set(call_sids))


@dataclass
class SpooledTurn:
    call_sid: str
    index: int
    from_number: str
    to_number: str
    speech: str
    confidence: float | None
    held_since: float
    spooled_at: float

    def event(self):
        return CallEvent(call_sid=self.call_sid, from_number=self.from_number,
                         to_number=self.to_number, speech=self.speech,
                         confidence=self.confidence, index=self.index)


class Spool:
    """One JSON file per held turn, written whole (rename) so a reader never
    sees half of one."""

    def __init__(self, settings):
        self.settings = settings
        self.root = Path(settings.spool_dir) if settings.spool_dir else None

    def keep(self, event, failed_at):
        if self.root is None or event.index is None:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        path = self._path(event.call_sid, event.index)
        if path.exists():
            return  # kept by the first attempt: its held_since still counts
        if sum(1 for _ in self.root.glob("*.json")) >= self.settings.max_spooled:
            log.error("turn spool full (%d): a held turn is not kept", self.settings.max_spooled)
            return
        record = SpooledTurn(event.call_sid, event.index, event.from_number, event.to_number,
                             event.speech, event.confidence, _held_since(event, failed_at),
                             time.time())
        partial = self.root / f".{uuid.uuid4().hex}.tmp"
        partial.write_text(json.dumps(asdict(record)), encoding="utf-8")
        os.replace(partial, path)

    def find(self, event):
        if self.root is None or event.index is None:
            return None
        return _read(self._path(event.call_sid, event.index))

    def release(self, event):
        if self.root is not None and event.index is not None:
            self.remove(self._path(event.call_sid, event.index))

    def older_than(self, seconds):
        if self.root is None or not self.root.is_dir():
            return []
        cutoff = time.time() - seconds
        found = [(path, _read(path)) for path in sorted(self.root.glob("*.json"))]
        return [(path, spooled) for path, spooled in found
                if spooled is not None and spooled.held_since < cutoff]

    def remove_calls(self, call_sids):
        if self.root is None or not self.root.is_dir():
            return
        for path in self.root.glob("*.json"):
            if path.name.rsplit("-", 1)[0] in call_sids:
                self.remove(path)

    @staticmethod
    def remove(path):
        try:
            path.unlink()
        except FileNotFoundError:
            pass  # released by another process first

    def _path(self, call_sid, index):
        return self.root / f"{call_sid}-{int(index)}.json"


def _read(path):
    try:
        return SpooledTurn(**json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None


def _held_since(event, failed_at):
    return event.held_since or failed_at


def _rollback_quietly():
    try:
        db.session.rollback()
    except DBAPIError:
        db.session.close()  # the connection is gone; the pool replaces it


def _store_orphans_quietly(settings):
    try:
        store_orphans(settings)
    except DBAPIError:
        _rollback_quietly()  # they wait for the next turn
