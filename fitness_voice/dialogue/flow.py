"""The rules every call follows, whatever answers the questions: silence, unclear
speech and goodbyes. What answers is the pipeline (see pipeline.py)."""

from dataclasses import dataclass

from .. import lang
from ..contract import Reply
from ..text import speakable


@dataclass
class CallFlowSettings:
    max_missed_turns: int = 3
    min_confidence: float = 0.3


class CallFlow:
    """Silence, unclear speech and goodbyes around the pipeline that answers."""

    def __init__(self, settings, pipeline, hold_lines=()):
        self.settings = settings
        self.pipeline = pipeline
        # What the webhooks say while a slow reply is held (a filler, "too slow"):
        # pre-rendered with the rest, though the dialogue never says them itself.
        self.hold_lines = tuple(hold_lines)

    def greet(self, caller, state):
        return for_the_ear(self.pipeline.greet(caller, state))

    def fixed_phrases(self):
        """Every line this coach says word for word, for pre-rendering audio."""
        lines = lang.catalogue()
        own = (*lines.choices("dialogue.reprompts"), lines["dialogue.missed_goodbye"],
               lines["dialogue.unclear"], lines["dialogue.closing"], *self.hold_lines)
        return list(dict.fromkeys((*own, *self.pipeline.fixed_phrases())))

    def respond(self, turn):
        return for_the_ear(self._respond(turn))

    def _respond(self, turn):
        if not turn.speech.strip():
            return self.pipeline.on_silence(turn) or self._missed(turn.state)
        turn.state.missed = 0
        if self._should_ask_again(turn):
            urgent = self.pipeline.urgent(turn)  # a red flag is not asked again
            if urgent is not None:
                return urgent
            turn.state.asked_again = True
            return Reply(lang.catalogue()["dialogue.unclear"], kind="unclear")
        turn.state.asked_again = False
        return self.pipeline.answer(turn)

    def _missed(self, state):
        state.missed += 1
        lines = lang.catalogue()
        if state.missed >= self.settings.max_missed_turns:
            return Reply(lines["dialogue.missed_goodbye"], kind="silence-goodbye", end_call=True)
        reprompts = lines.choices("dialogue.reprompts")
        return Reply(reprompts[min(state.missed, len(reprompts)) - 1], kind="reprompt")

    def _should_ask_again(self, turn):
        # Twilio warns Confidence may be missing or inaccurate: a hint, so we
        # ask once and then take what we heard rather than loop.
        confidence = turn.confidence
        if confidence is None or confidence >= self.settings.min_confidence:
            return False
        return not turn.state.asked_again


def for_the_ear(reply):
    """Whatever speaks the reply (our audio or Twilio's <Say>) gets words, not digits."""
    reply.text = speakable.for_speech(reply.text)
    if reply.segments:
        reply.segments = [speakable.for_speech(part) if isinstance(part, str) else part
                          for part in reply.segments]
    return reply
