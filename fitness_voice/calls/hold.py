"""A slow turn, held: it finishes in the background while the caller hears a
filler, and a later request picks its answer up once it is stored."""

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from ..extensions import db
from ..models import CallSession, Turn
from .turns import replay, take_turn

log = logging.getLogger(__name__)


def take_turn_or_hold(app, services, event, hold_after):
    """Take the turn, but if it is not answered within `hold_after` seconds
    return None and let it finish in the background: the caller hears a short
    filler instead of dead air, and `wait_for_turn` picks the answer up."""
    future = in_background(app, lambda: take_turn(services, event))
    try:
        return future.result(timeout=hold_after)
    except FutureTimeout:
        return None


def in_background(app, work):
    """Run `work()` on the turn pool, in an app context; its Future."""
    def in_context():
        with app.app_context():
            return work()
    future = _background().submit(in_context)
    future.add_done_callback(_log_failure)
    return future


def wait_for_turn(services, event, timeout, poll_seconds=0.2):
    """The answer to turn `event.index`, once it is stored, or None after `timeout`."""
    stored = wait_for_stored_turn(event, timeout, poll_seconds)
    return None if stored is None else replay(services, stored)


def wait_for_stored_turn(event, timeout, poll_seconds=0.2):
    """Turn `event.index` once it is stored, or None after `timeout`."""
    deadline = time.monotonic() + timeout
    query = (db.select(Turn).join(CallSession)
             .filter(CallSession.call_sid == event.call_sid, Turn.index == event.index))
    while True:  # a plain read: the worker storing the turn must not wait on us
        stored = db.session.execute(query).scalar_one_or_none()
        db.session.commit()
        if stored is not None:
            return stored
        if time.monotonic() >= deadline:
            return None
        time.sleep(poll_seconds)


def _log_failure(future):
    if future.exception() is not None:
        log.error("turn failed in the background", exc_info=future.exception())


_executor = None
_executor_pid = None


def _background():
    """One pool of turn workers per process (gunicorn forks after the app loads)."""
    global _executor, _executor_pid
    if _executor is None or _executor_pid != os.getpid():
        _executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="turn")
        _executor_pid = os.getpid()
    return _executor
