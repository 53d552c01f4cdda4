"""A slow turn, held: it finishes in a bounded pool of background threads while the
caller hears a filler, and short wait requests pick its answer up once it is stored.

No request holds a thread for long: the turn request waits at most `hold_after`,
each wait request at most `step` seconds, and after `deadline` seconds of waiting
in all the caller is asked to say it again. When the pool's backlog is full a
turn is not queued at all: the caller is asked to say it again at once.
"""

import logging
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from ..extensions import db
from ..models import CallSession, Turn
from . import journal, notices
from .events import AskAgain, Busy, Held, Pending
from .turns import answer_call, number_the_turn, replay, take_turn

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25  # between looks at the database for a turn stored by another process


@dataclass(frozen=True)
class WaitRules:
    hold_after: float   # a turn not answered by then gets a filler (0: answer in the request)
    step: float         # the longest one wait request holds its thread
    deadline: float     # the longest a caller waits in all before being asked again
    workers: int = 8    # background turn threads per process
    backlog: int = 16   # turns that may queue for them; beyond it the caller is asked again

    @classmethod
    def from_config(cls, config):
        return cls(config["SLOW_REPLY_SECONDS"], config["WAIT_STEP_SECONDS"],
                   config["WAIT_FOR_REPLY_SECONDS"], config["TURN_WORKERS"],
                   config["TURN_BACKLOG"])

    def rounds(self):
        return max(1, math.ceil(self.deadline / self.step)) if self.step > 0 else 1

    def seconds(self, round_):
        """How long wait request number `round_` (0, 1, ...) may wait."""
        if self.step <= 0:
            return self.deadline
        return max(0.0, min(self.step, self.deadline - round_ * self.step))

    def is_last(self, round_):
        return round_ >= self.rounds() - 1


def greet(services, event, rules, greeting=None):
    """The greeting (turn 0; by default the coach's), or a copy's wait for it."""
    return _waited_for(services, event, answer_call(services, event, greeting), rules.deadline)


def take_turn_or_hold(app, services, event, rules):
    """An Answer, or Held / AskAgain / Busy / Ended for the webhook to say."""
    number_the_turn(event)
    if not rules.hold_after:
        return _waited_for(services, event, take_turn(services, event), rules.deadline)
    started = time.monotonic()
    future = turn_pool(rules).submit((event.call_sid, event.index),
                                     lambda: take_turn_in_context(app, services, event))
    if future is None:
        return Busy(event.index)
    try:
        outcome = future.result(timeout=rules.hold_after)
    except FutureTimeout:
        journal.held(event.call_sid, event.index, "filler")
        return Held(event.index)
    if isinstance(outcome, Pending):
        left = max(0.0, rules.hold_after - (time.monotonic() - started))
        return wait_for_turn(services, event, left) or Held(event.index)
    return outcome


def _waited_for(services, event, outcome, seconds):
    if isinstance(outcome, Pending):  # another copy is answering: wait for its answer
        return wait_for_turn(services, event, seconds) or AskAgain(event.index + 1)
    return outcome


def wait_for_turn(services, event, timeout, after_first_sentence=False):
    """The answer to turn `event.index`, once it is stored, or None after `timeout`;
    with `after_first_sentence`, what follows a first sentence spoken early."""
    deadline = time.monotonic() + timeout
    query = (db.select(Turn).join(CallSession)
             .filter(CallSession.call_sid == event.call_sid, Turn.index == event.index))
    stored_here = notices.listen(event.call_sid, event.index)
    try:
        while True:  # a plain read: the worker storing the turn must not wait on us
            stored = db.session.execute(query).scalar_one_or_none()
            db.session.commit()
            if stored is not None:
                return replay(services, stored, after_first_sentence=after_first_sentence)
            left = deadline - time.monotonic()
            if left <= 0:
                journal.held(event.call_sid, event.index, "gave-up")
                return None
            stored_here.wait(min(POLL_SECONDS, left))
    finally:
        notices.forget(event.call_sid, event.index, stored_here)


def take_turn_in_context(app, services, event, first_words=None):
    with app.app_context():
        return take_turn(services, event, first_words)


class TurnPool:
    """Background turn threads with a bounded backlog. Copies of one turn in this
    process share one piece of work; a full pool refuses new work at once."""

    def __init__(self, workers, backlog):
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="turn")
        self._slots = threading.BoundedSemaphore(workers + backlog)
        self._running = {}
        self._lock = threading.Lock()

    def submit(self, key, work):
        """The Future of `work` (or of the same turn's work already here), or None if full."""
        with self._lock:
            running = self._running.get(key)
            if running is not None:
                return running
            if not self._slots.acquire(blocking=False):
                log.warning("turn pool full: asking the caller to say it again")
                return None
            future = self._executor.submit(self._run, key, work)
            self._running[key] = future
        future.add_done_callback(_log_failure)
        return future

    def _run(self, key, work):
        try:
            return work()
        finally:  # free before the result is seen: its reader may submit the call's next turn
            with self._lock:
                self._running.pop(key, None)
            self._slots.release()


def _log_failure(future):
    if future.exception() is not None:
        log.error("turn failed in the background", exc_info=future.exception())


_pools = {}
_pools_lock = threading.Lock()


def turn_pool(rules):
    """One pool per process and size (gunicorn forks after the app loads)."""
    key = (os.getpid(), rules.workers, rules.backlog)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = _pools[key] = TurnPool(rules.workers, rules.backlog)
        return pool
