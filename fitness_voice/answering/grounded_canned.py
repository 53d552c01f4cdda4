"""The grounded responder's lines said word for word: small talk, call
control ("repeat that", "slower"), and the replies the speech layer can
pre-render. The lines themselves are in the language's catalogue, under
"answering.".
"""

from .contract import LLMAnswer
from .intents import intent_of


class CannedRepliesMixin:
    """GroundedResponder's fixed replies. Needs `source` and `lines` (the
    language catalogue) from the class it is mixed into."""

    def fixed_phrases(self):
        """The replies said word for word, so the speech layer can pre-render them."""
        return [self._line(key) for key in _FIXED_LINES]

    def control_reply(self, ctx):
        """Repeat the last reply (slower, if asked), or None for anything else.

        Cheap, exact and the same audio as before, so the fallback responder
        handles these itself even when a model is configured.
        """
        intent = intent_of(ctx.question)
        if intent not in ("repeat", "slower"):
            return None
        if intent == "slower":
            ctx.state["slow"] = True
        last = _last_reply(ctx)
        if not last:
            return self._reply(self._line("nothing_to_repeat"))
        return LLMAnswer(text=last, source=self.source)

    def _reply(self, text):
        return LLMAnswer(text=text, source=self.source)

    def _small_talk(self, intent, name, first):
        if intent == "greeting":
            return self._named("greeting", name) if first else self._line("still_here")
        if intent == "thanks":
            return self._named("welcome", name)
        return self._line(_SMALL_TALK.get(intent, "ack"))

    def _line(self, key):
        return self.lines[f"answering.{key}"]

    def _named(self, key, name):
        """The line `key`, addressed to the caller by name when we know it."""
        if name:
            return self.lines.say(f"answering.{key}_by_name", name=name)
        return self._line(key)


_LINES = ("greeting", "greeting_by_name", "still_here", "welcome", "welcome_by_name",
          "capabilities", "how_are_you", "goodbye", "not_found", "not_found_by_name",
          "not_found_nearest", "ack", "declined", "nothing_to_repeat", "no_more",
          "more_about_what", "more_hint", "computed_per_weight", "computed_per_weight_single",
          "computed_max_heart_rate", "computed_heart_rate_range", "computed_weeks",
          "computed_per_lost", "computed_per_lost_single", "computed_weekly_meets",
          "computed_weekly_short")
# Whole replies without the caller's name, in the order they were always listed.
_FIXED_LINES = ("greeting", "still_here", "welcome", "capabilities", "not_found", "ack",
                "declined", "nothing_to_repeat", "no_more", "more_about_what", "how_are_you",
                "goodbye")
# Small talk and the line it gets ("greeting" and "thanks" use the caller's name).
_SMALL_TALK = {"greeting": "greeting", "thanks": "welcome", "capabilities": "capabilities",
               "how_are_you": "how_are_you", "goodbye": "goodbye", "ack": "ack", "yes": "ack",
               "no": "declined"}


def _last_reply(ctx):
    for turn in reversed(list(ctx.history or ())):
        if len(turn) > 1 and turn[1]:
            return turn[1]
    if ctx.state.get("last_reply"):
        return ctx.state["last_reply"]
    position = ctx.state.get("grounded")
    return position.get("reply") if isinstance(position, dict) else None

