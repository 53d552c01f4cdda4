"""Counts the characters a turn's speech cost: synthesized by our engine (billed by
its vendor) or found in the audio cache (free). The call loop opens a meter around
a turn's rendering; the speaker counts into whichever meter is open in its context."""

import contextlib
import contextvars
from dataclasses import asdict, dataclass


@dataclass
class SpeechMeter:
    synthesized: int = 0  # characters our engine rendered for this turn
    cached: int = 0       # characters whose audio was already in the cache

    def count(self, how, characters):
        if how == "synthesized":
            self.synthesized += characters
        elif how in ("hit", "stored"):
            self.cached += characters

    def to_json(self):
        return asdict(self)


_open_meter = contextvars.ContextVar("speech_meter", default=None)


@contextlib.contextmanager
def metering():
    """Count the speech rendered inside the block (in this thread or context)."""
    meter = SpeechMeter()
    token = _open_meter.set(meter)
    try:
        yield meter
    finally:
        _open_meter.reset(token)


def count(how, characters):
    """Called by the speaker for every rendered text: how it was found, and its length."""
    meter = _open_meter.get()
    if meter is not None:
        meter.count(how, characters)
