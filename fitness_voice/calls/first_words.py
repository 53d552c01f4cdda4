"""A turn whose first sentence is spoken before the rest of the reply is ready.

The turn runs on the turn pool, as a held turn does, and the request waits for
whichever comes first: the whole answer (answered as usual), the reply's first
sentence (the dialogue offers it once it is complete and checked: the request
renders it and the caller hears it, then Twilio follows a <Redirect> to the
continuation, `rest_of_turn`, which answers the rest of the stored turn inside
the next <Gather>), or `hold_after` seconds (Held: the caller hears the filler).

Twilio fetches every <Play> of a document before it plays the first, so the rest
is one clip after a <Redirect>, not a second <Play> in the same document.
"""

import threading
import time
from dataclasses import dataclass

from . import journal
from .events import Busy, Held, Pending
from .hold import take_turn_in_context, turn_pool, wait_for_turn
from .turns import audio_part, number_the_turn


@dataclass
class FirstPart:
    """Spoken now; the rest of turn `index` follows on the continuation."""

    parts: list
    index: int


class FirstWords:
    """The offer of one turn's first sentence to the request waiting for it.

    Once the request has stopped waiting (it answered whole, or held the caller
    with a filler), an offer is refused, so the dialogue knows it was not said.
    """

    def __init__(self):
        self._changed = threading.Condition()
        self.sentence = None
        self.caller_id = None
        self._closed = False

    def offer(self, sentence, caller_id):
        with self._changed:
            if self._closed or self.sentence is not None:
                return False
            self.sentence, self.caller_id = sentence, caller_id
            self._changed.notify_all()
            return True

    def turn_finished(self, _future=None):
        with self._changed:
            self._changed.notify_all()

    def take(self, timeout, finished):
        """The sentence offered within `timeout` s (None: none yet), and no offers after."""
        with self._changed:
            self._changed.wait_for(lambda: self.sentence is not None or finished(), timeout)
            self._closed = True
            return self.sentence


def take_turn_first_sentence_first(app, services, event, rules):
    """The whole Answer, a FirstPart, or Held / Busy / AskAgain / Ended as a held turn.

    With no `rules.hold_after` the request waits for the answer or its first sentence."""
    number_the_turn(event)
    started = time.monotonic()
    words = FirstWords()
    future = turn_pool(rules).submit(
        (event.call_sid, event.index),
        lambda: take_turn_in_context(app, services, event, words.offer))
    if future is None:
        return Busy(event.index)
    future.add_done_callback(words.turn_finished)
    sentence = words.take(rules.hold_after or None, future.done)
    if future.done():
        outcome = future.result()
        if isinstance(outcome, Pending):  # another copy is answering: wait for its answer
            left = max(0.0, (rules.hold_after or rules.deadline) - (time.monotonic() - started))
            return wait_for_turn(services, event, left) or Held(event.index)
        return outcome
    if sentence is None:
        journal.held(event.call_sid, event.index, "filler")
        return Held(event.index)
    return FirstPart([audio_part(services, sentence, words.caller_id)], event.index)


def rest_of_turn(services, event, timeout):
    """What follows the first sentence of turn `event.index`, once it is stored,
    as an Answer that listens again; None after `timeout`."""
    return wait_for_turn(services, event, timeout, after_first_sentence=True)
