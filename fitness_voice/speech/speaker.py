"""The cached speaker: text -> the URL of its audio, rendered at most once,
and never later than the turn's budget.

Audio is cached under a keyed hash of (engine, voice, format, text as spoken).
A line said for a caller is kept in that caller's folder unless it is one of
the coach's fixed phrases (which name nobody), so erasing the caller erases it.

With a budget, every line a turn asks for is handed to the synthesis pool
and waited for until one deadline, counted from when the turn asked: what is
ready by then is played, the rest is spoken by Twilio's <Say> while its
synthesis finishes in the background for the cache. A full pool answers
<Say> at once. Without a pool (the CLI, tests) lines render on the asking
thread, with no budget.
"""

import logging
import re
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from ..text.speakable import for_speech
from . import meter
from .base import NotAudio, SpeechError
from .files import CONTENT_TYPES, FORMATS
from .formats import audio_kind
from .pool import Dropped, InlinePool, PoolFull

log = logging.getLogger(__name__)

SPEAKABLE = re.compile(r"\w")
COUNTS = ("hits", "stored", "synthesized", "failures", "late", "busy", "dropped")
# late: a turn answered <Say> before its audio was ready (which is still made);
# busy: the pool's queue was full; dropped: work not started by its deadline.
FAILURE_KINDS = {PoolFull: "busy", Dropped: "dropped"}


@dataclass
class WarmResult:
    rendered: int = 0
    cached: int = 0
    failed: int = 0


class Speaker:
    """Text -> URL of its audio, through the cache; None when there is none.

    `keys` (files.AudioKeys) names files and callers' folders; `budget_seconds`
    bounds how long a turn waits for synthesis (None: no bound, no pool)."""

    def __init__(self, engine, store, fmt, keys, *, budget_seconds=None, pool=None,
                 max_known=50000):
        if fmt not in FORMATS:
            raise ValueError(f"AUDIO_FORMAT must be one of {FORMATS}, not {fmt!r}")
        if getattr(engine, "fmt", fmt) != fmt:
            raise ValueError(f"the engine makes {engine.fmt}, the speaker wants {fmt}")
        if (budget_seconds is None) != (pool is None):
            raise ValueError("a synthesis budget needs a pool, and a pool a budget")
        self.engine = engine
        self.store = store
        self.fmt = fmt
        self.keys = keys
        self.budget_seconds = budget_seconds
        self.pool = pool or InlinePool()
        self.max_known = max_known
        self._shared = set()  # names of fixed phrases: kept outside callers' folders
        self._known = {}  # stored names -> when last confirmed; insertion-ordered
        self._inflight = {}  # name -> Future of (url, how), one per name being made
        self._guard = threading.Lock()
        self._synthesis_seconds = None  # how long a synthesis has lately taken
        self.stats = dict.fromkeys(COUNTS, 0)

    @property
    def engine_name(self):
        return self.engine.name

    def name_for(self, spoken, caller=None):
        """Where speakable text is stored: <hash>.<format>, or c<hash>/<hash>.<format>
        for a line said to `caller` that is not a fixed phrase."""
        name = self.keys.name(self.engine.name, self.engine.voice, self.fmt, spoken)
        if caller is None or name in self._shared:
            return name
        return f"{self.keys.folder(caller)}/{name}"

    def share(self, phrases):
        """Mark the coach's fixed phrases as shared by every caller (they name nobody)."""
        self._shared.update(self.keys.name(self.engine.name, self.engine.voice, self.fmt,
                                           for_speech(phrase)) for phrase in phrases)

    def audio_url(self, text, caller=None):
        """URL of the audio for `text`, or None (then Twilio <Say>s it). Never raises."""
        return self.audio_urls([text], caller)[0]

    def audio_urls(self, texts, caller=None):
        """The URL (or None) of each text of one turn, all within one budget. Never raises."""
        deadline = None if self.budget_seconds is None else time.monotonic() + self.budget_seconds
        started = [self._start(text, caller, deadline) for text in texts]
        return [self._finish(item, deadline) for item in started]

    def render(self, text, caller=None):
        """(url, how) where how is 'hit', 'stored', 'synthesized' or 'empty',
        on this thread, whatever the budget. Raises."""
        spoken = for_speech(text)
        if not SPEAKABLE.search(spoken):
            return None, "empty"
        name = self.name_for(spoken, caller)
        if self._is_known(name):
            self.stats["hits"] += 1
            meter.count("hit", len(spoken))
            return self.store.url(name), "hit"
        future, owner = self._claim(name)
        if owner:
            InlinePool().submit(future, lambda: self._make(name, spoken, text))
        url, how = future.result()
        meter.count(how, len(spoken))
        return url, how

    def warm(self, phrases):
        """Make sure every phrase is in the cache; count what that took."""
        result = WarmResult()
        for phrase in phrases:
            try:
                _, how = self.render(phrase)
            except Exception as error:
                log.warning("could not render %r: %s", phrase[:60], error)
                result.failed += 1
                continue
            if how == "synthesized":
                result.rendered += 1
            elif how in ("hit", "stored"):
                result.cached += 1
        return result

    def delete_caller_audio(self, caller_key):
        """Erase every line said to this caller (their folder in the store). Raises
        SpeechError if the store cannot; returns how many files went."""
        folder = self.keys.folder(caller_key)
        with self._guard:
            for name in [name for name in self._known if name.startswith(folder + "/")]:
                del self._known[name]
            unfinished = [future for name, future in self._inflight.items()
                          if name.startswith(folder + "/")]
        for future in unfinished:  # late audio of theirs is erased once it is written
            future.add_done_callback(lambda _: self._erase_late(folder))
        return self.store.delete_folder(folder)

    def _erase_late(self, folder):
        try:
            self.store.delete_folder(folder)
        except Exception:
            log.exception("could not erase a caller's late audio")
        with self._guard:
            for name in [name for name in self._known if name.startswith(folder + "/")]:
                del self._known[name]

    def prepare(self):
        """Start the engine in the background (e.g. in gunicorn's post_fork), so
        the first new phrase does not also pay for loading the voice. Never raises."""
        start = getattr(self.engine, "start", None)
        if start is None:
            return

        def run():
            try:
                start()
            except Exception as error:
                log.warning("could not start the speech engine early: %s", error)

        threading.Thread(target=run, daemon=True, name="speech-prepare").start()

    def close(self):
        close = getattr(self.engine, "close", None)
        if close:
            close()

    def _start(self, text, caller, deadline):
        """A URL now (a hit, or nothing to say), the Future of one, or None."""
        try:
            spoken = for_speech(text)
            if not SPEAKABLE.search(spoken):
                return None
            name = self.name_for(spoken, caller)
            if self._is_known(name):
                self.stats["hits"] += 1
                meter.count("hit", len(spoken))
                return self.store.url(name)
        except Exception as error:  # the caller must hear the reply, whatever broke
            self._count_failure(error)
            return None
        future, owner = self._claim(name)
        future.characters = len(spoken)  # for the turn's meter, read back in _finish
        if owner:
            try:
                self._refuse_if_hopeless(deadline)
                self.pool.submit(future, lambda: self._make(name, spoken, text), deadline)
            except PoolFull as error:
                future.set_exception(error)  # counted as busy when it settles
        return future

    def _refuse_if_hopeless(self, deadline):
        """Backpressure: with work already queued, and synthesis lately taking
        so long that this line cannot be ready by the deadline, say so now
        instead of keeping the caller waiting for nothing. An idle pool always
        tries, so the estimate follows the engine when it speeds up again."""
        waiting = self.pool.waiting()
        if deadline is None or not waiting or self._synthesis_seconds is None:
            return
        expected = (waiting / self.pool.workers + 1) * self._synthesis_seconds
        if time.monotonic() + expected > deadline:
            raise PoolFull(f"{waiting} lines queued at about {self._synthesis_seconds:.1f} s "
                           "each: this one cannot be ready in time")

    def _finish(self, item, deadline):
        if not isinstance(item, Future):
            return item
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            url, how = item.result(timeout=timeout)
        except FutureTimeout:
            self.stats["late"] += 1
            # It is still being synthesized, for the cache: the vendor bills it all the same.
            meter.count("synthesized", getattr(item, "characters", 0))
            return None
        except Exception:  # counted and logged once, by the job's own callback
            return None
        meter.count(how, getattr(item, "characters", 0))
        return url

    def _claim(self, name):
        """The Future of `name`, and whether this thread must start the work."""
        with self._guard:
            future = self._inflight.get(name)
            if future is not None:
                return future, False
            future = self._inflight[name] = Future()
        future.add_done_callback(lambda done: self._settle(name, done))
        return future, True

    def _settle(self, name, future):
        self._release(name, future)
        error = future.exception()
        if error is None:
            self.stats[future.result()[1]] += 1
        else:
            self._count_failure(error)

    def _release(self, name, future):
        with self._guard:
            if self._inflight.get(name) is future:
                del self._inflight[name]

    def _make(self, name, spoken, text):
        """Find `name` in the store or synthesize it; runs on a pool thread."""
        how = "stored" if self.store.exists(name) else self._synthesize(name, spoken, text)
        self._remember(name)
        return self.store.url(name), how

    def _synthesize(self, name, spoken, text):
        started = time.monotonic()
        data = self.engine.synthesize(spoken)
        took = time.monotonic() - started
        previous = self._synthesis_seconds  # a moving average: recent lines count most
        self._synthesis_seconds = took if previous is None else 0.7 * previous + 0.3 * took
        kind = audio_kind(data)
        if kind != self.fmt:
            raise NotAudio(f"{self.engine.name} answered {len(data)} bytes that are "
                           f"not {self.fmt} (starting {data[:8]!r})")
        self.store.put(name, data, CONTENT_TYPES[self.fmt], text)
        return "synthesized"

    def _is_known(self, name):
        """Stored, as far as this process can tell without asking the store again:
        confirmed within the store's trust_seconds (0 for a local folder, where
        asking costs a stat, and files can be evicted by another process)."""
        confirmed = self._known.get(name)
        if confirmed is None:
            return False
        trust = getattr(self.store, "trust_seconds", None)
        if trust is None or time.monotonic() - confirmed < trust:
            return True
        if self.store.exists(name):
            self._known[name] = time.monotonic()
            return True
        self._known.pop(name, None)
        return False

    def _remember(self, name):
        with self._guard:
            self._known.pop(name, None)
            if len(self._known) >= self.max_known:
                self._known.pop(next(iter(self._known)))
            self._known[name] = time.monotonic()

    def _count_failure(self, error):
        kind = FAILURE_KINDS.get(type(error), "failures")
        self.stats[kind] += 1
        if kind != "failures":  # load, not a fault: counted, and logged quietly
            log.info("speech %s, falling back to <Say>: %s", kind, error)
        elif isinstance(error, SpeechError):
            log.warning("speech failed, falling back to <Say>: %s", error)
        else:
            log.error("speech failed, falling back to <Say>", exc_info=error)
