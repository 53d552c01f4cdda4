"""Turns stored by this process, announced to the requests waiting for them here,
so a waiter wakes at once instead of at its next look at the database."""

import threading

_waiting = {}  # (call_sid, index) -> Event
_lock = threading.Lock()


def listen(call_sid, index):
    """An Event set when this process stores turn `index` of the call."""
    with _lock:
        return _waiting.setdefault((call_sid, index), threading.Event())


def forget(call_sid, index, event):
    with _lock:
        if _waiting.get((call_sid, index)) is event:
            del _waiting[(call_sid, index)]


def stored(call_sid, index):
    with _lock:
        event = _waiting.pop((call_sid, index), None)
    if event is not None:
        event.set()
