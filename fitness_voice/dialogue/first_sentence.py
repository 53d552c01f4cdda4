"""A reply's first sentence, spoken before the rest is ready.

The call offers a way to speak it (`turn.first_words`, see calls/first_words.py).
A streaming model offers its first sentence as soon as it is complete; it is
checked by the safety filter and made fit for the ear before it goes. A reply
that was whole at once (the grounded responder, a model that does not stream)
offers its first sentence when it has more than one. The stored reply stays the
whole reply; its segments say what was spoken first and what follows.
"""

from .. import answering, safety
from ..text import speakable
from ..text.clean import clean_reply
from ..text.sentences import split_sentences


class FirstSentence:
    """One turn's first sentence: offered at most once, spoken when the call can."""

    def __init__(self, speak):
        self.speak = speak   # (sentence as said) -> whether the caller hears it now
        self.offered = False
        self.spoken = None   # the sentence as said, once the call took it

    @classmethod
    def for_turn(cls, turn):
        return cls(turn.first_words) if turn.first_words else None

    def from_model(self, sentence):
        """A model's first sentence, while it writes the rest: checked before it is said."""
        if self.offered:
            return False
        if safety.check_reply(sentence, instructions=answering.system_prompt()) is not None:
            self.offered = True  # the whole reply's check decides what is said instead
            return False
        return self._offer(speakable.for_speech(clean_reply(sentence)))

    def split(self, reply):
        """The reply as [first sentence, rest] when its first sentence is spoken first.
        A long reply that was whole at once (already checked) offers it now."""
        if reply.segments:
            return reply
        if not self.offered:
            sentences = split_sentences(reply.text)
            if len(sentences) > 1:
                self._offer(sentences[0])
        if self.spoken and reply.text.startswith(self.spoken):
            rest = reply.text[len(self.spoken):].strip()
            reply.segments = [self.spoken, rest] if rest else [self.spoken]
            reply.details["first_sentence_spoken"] = True
        return reply

    def _offer(self, said):
        self.offered = True
        if self.speak(said):
            self.spoken = said
        return self.spoken is not None
