"""The cached speaker: text -> the URL of its audio, rendered at most once.

Audio is cached by the hash of (engine, voice, format, text as spoken): a
phrase in the cache is never synthesized again, and after the first time a
process has seen it, finding it costs a dictionary lookup.
"""

import contextlib
import logging
import re
import threading
from dataclasses import dataclass

from ..text.speakable import for_speech
from . import meter
from .base import NotAudio, SpeechError
from .files import CONTENT_TYPES, FORMATS, cache_name
from .formats import audio_kind

log = logging.getLogger(__name__)

SPEAKABLE = re.compile(r"\w")


@dataclass
class WarmResult:
    rendered: int = 0
    cached: int = 0
    failed: int = 0


class Speaker:
    """Text -> URL of its audio, through the cache; None when there is none."""

    def __init__(self, engine, store, fmt, max_known=50000):
        if fmt not in FORMATS:
            raise ValueError(f"AUDIO_FORMAT must be one of {FORMATS}, not {fmt!r}")
        if getattr(engine, "fmt", fmt) != fmt:
            raise ValueError(f"the engine makes {engine.fmt}, the speaker wants {fmt}")
        self.engine = engine
        self.store = store
        self.fmt = fmt
        self.max_known = max_known
        self._known = {}  # names known to be stored; insertion-ordered for eviction
        self._guard = threading.Lock()
        self._locks = {}  # name -> [lock, users]
        self.stats = {"hits": 0, "stored": 0, "synthesized": 0, "failures": 0}

    @property
    def engine_name(self):
        return self.engine.name

    def name_for(self, spoken):
        """The cache file name for speakable text: <sha256>.<format>."""
        return cache_name(self.engine.name, self.engine.voice, self.fmt, spoken)

    def audio_url(self, text):
        """URL of the audio for `text`, or None (then Twilio <Say>s it). Never raises."""
        try:
            return self.render(text)[0]
        except Exception as error:  # the caller must hear the reply, whatever broke
            self.stats["failures"] += 1
            if isinstance(error, SpeechError):
                log.warning("speech failed, falling back to <Say>: %s: %s",
                            type(error).__name__, error)
            else:
                log.exception("speech failed, falling back to <Say>")
            return None

    def render(self, text):
        """(url, how) where how is 'hit', 'stored', 'synthesized' or 'empty'. Raises."""
        spoken = for_speech(text)
        url, how = self._render(spoken, text)
        meter.count(how, len(spoken))  # what this turn's speech cost, if a meter is open
        return url, how

    def _render(self, spoken, text):
        if not SPEAKABLE.search(spoken):
            return None, "empty"
        name = self.name_for(spoken)
        if name in self._known:
            self.stats["hits"] += 1
            return self.store.url(name), "hit"
        with self._lock_for(name):
            if name in self._known:  # another thread just made it
                self.stats["hits"] += 1
                return self.store.url(name), "hit"
            how = "stored" if self.store.exists(name) else self._synthesize(name, spoken, text)
            self.stats[how] += 1
            self._remember(name)
            return self.store.url(name), how

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

    def prepare(self):
        """Start the engine in the background (e.g. in gunicorn's post_fork), so
        the first new phrase does not also pay for loading the voice. Never raises."""
        start = getattr(getattr(self.engine, "worker", None), "start", None)
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

    def _synthesize(self, name, spoken, text):
        data = self.engine.synthesize(spoken)
        kind = audio_kind(data)
        if kind != self.fmt:
            raise NotAudio(f"{self.engine.name} answered {len(data)} bytes that are "
                           f"not {self.fmt} (starting {data[:8]!r})")
        self.store.put(name, data, CONTENT_TYPES[self.fmt], text)
        return "synthesized"

    def _remember(self, name):
        with self._guard:
            if len(self._known) >= self.max_known:
                self._known.pop(next(iter(self._known)))
            self._known[name] = True

    @contextlib.contextmanager
    def _lock_for(self, name):
        with self._guard:
            entry = self._locks.setdefault(name, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._locks[name]
