"""A turn whose first sentence is spoken before the rest of the reply is ready.

The turn runs on the turn pool, as a held turn does, and the request waits for
whichever comes first: the whole answer (answered as usual), the reply's first
sentence (the dialogue offers it once it is complete and checked: the request
renders it and the caller hears it, then Twilio follows a <Redirect> to the
continuation, `rest_of_turn`, which answers the rest of the stored turn inside
the next <Gather>), or `hold_after` seconds (None: the caller hears the filler).

Twilio fetches every <Play> of a document before it plays the first, so the rest
is one clip after a <Redirect>, not a second <Play> in the same document.
"""

import threading
from dataclasses import dataclass

from .hold import in_background, wait_for_stored_turn
from .turns import audio_part, replay, take_turn


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
        self._closed = False

    def offer(self, sentence):
        with self._changed:
            if self._closed or self.sentence is not None:
                return False
            self.sentence = sentence
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


def take_turn_first_sentence_first(app, services, event, hold_after):
    """The whole Answer, a FirstPart, or None when neither came in `hold_after` s."""
    words = FirstWords()
    future = in_background(app, lambda: take_turn(services, event, first_words=words.offer))
    future.add_done_callback(words.turn_finished)
    sentence = words.take(hold_after or None, future.done)
    if future.done():
        return future.result()
    if sentence is None:
        return None
    return FirstPart([audio_part(services, sentence)], event.index)


def rest_of_turn(services, event, timeout):
    """What follows the first sentence of turn `event.index`, once it is stored,
    as an Answer that listens again; None after `timeout`."""
    stored = wait_for_stored_turn(event, timeout)
    return None if stored is None else replay(services, stored, after_first_sentence=True)
