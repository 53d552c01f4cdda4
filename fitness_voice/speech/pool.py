"""The synthesis pool: a few threads, one per engine process (or HTTP
connection), shared by all of a worker's request threads, with a bounded queue.

A full queue refuses new work at once (PoolFull), so under load a turn is
spoken by Twilio's <Say> rather than waiting behind work it cannot overtake.
Work that has not started by its deadline (the turn it was for has already
answered with <Say>) is dropped, so an overloaded engine spends its time on
current turns; work that has started finishes, for the cache.
"""

import os
import threading
import time
from collections import deque

from .base import SpeechError


class PoolFull(SpeechError):
    """The synthesis queue is full: answer with <Say> now."""


class Dropped(SpeechError):
    """The work had not started when its turn had to answer."""


class SynthesisPool:
    """`workers` threads taking jobs from a queue of at most `queue_size`.

    Threads are started lazily in each OS process: a gunicorn worker forked
    from the master starts its own (threads do not survive a fork)."""

    def __init__(self, workers, queue_size):
        if workers < 1 or queue_size < 1:
            raise ValueError("a synthesis pool needs at least one worker and room in its queue")
        self.workers = workers
        self.queue_size = queue_size
        self._guard = threading.Lock()
        self._jobs = None
        self._pid = None

    def submit(self, future, job, deadline=None):
        """Run `job()` into `future` on a pool thread; raise PoolFull if the queue is full.
        `deadline` (time.monotonic()) drops the job if it has not started by then."""
        self._started().put((future, job, deadline))

    def waiting(self):
        """Jobs queued, not started, and not yet past their deadline."""
        return self._jobs.live() if self._jobs is not None else 0

    def _started(self):
        with self._guard:
            if self._jobs is None or self._pid != os.getpid():
                self._jobs = _Jobs(self.queue_size)
                self._pid = os.getpid()
                for number in range(self.workers):
                    threading.Thread(target=_work, args=(self._jobs,), daemon=True,
                                     name=f"speech-{number}").start()
            return self._jobs


class _Jobs:
    """A bounded queue in which work past its deadline takes no room: when it
    looks full, such work is dropped first (its turn has answered already)."""

    def __init__(self, size):
        self.size = size
        self._items = deque()
        self._ready = threading.Condition()

    def live(self):
        now = time.monotonic()
        with self._ready:
            return sum(1 for item in self._items if item[2] is None or now <= item[2])

    def put(self, item):
        with self._ready:
            expired = self._take_expired() if len(self._items) >= self.size else []
            full = len(self._items) >= self.size
            if not full:
                self._items.append(item)
                self._ready.notify()
        for future, _, _ in expired:  # outside the lock: a future's callbacks run here
            _drop(future)
        if full:
            raise PoolFull(f"synthesis queue full ({self.size} waiting)")

    def get(self):
        with self._ready:
            while not self._items:
                self._ready.wait()
            return self._items.popleft()

    def _take_expired(self):
        now = time.monotonic()
        expired = [item for item in self._items if item[2] is not None and now > item[2]]
        if expired:
            self._items = deque(item for item in self._items if item not in expired)
        return expired


class InlinePool:
    """Runs each job on the thread that submits it: no budget, no queue
    (the CLI, and a speaker built without a pool)."""

    workers = 1
    queue_size = 0

    def submit(self, future, job, deadline=None):
        _run(future, job, None)

    def waiting(self):
        return 0


def _work(jobs):
    while True:
        _run(*jobs.get())


def _drop(future):
    if future.set_running_or_notify_cancel():
        future.set_exception(Dropped("synthesis had not started when its turn answered"))


def _run(future, job, deadline):
    if deadline is not None and time.monotonic() > deadline:
        _drop(future)
        return
    if not future.set_running_or_notify_cancel():
        return
    try:
        future.set_result(job())
    except BaseException as error:  # handed to whoever waits on the future
        future.set_exception(error)
