"""The fallback: the primary responder (a model), and the grounded answer
whenever it fails, so the person on the phone always hears something."""

import logging
import time

from .. import lang
from .contract import LLMAnswer, LLMError, elapsed_ms

log = logging.getLogger(__name__)


class FallbackResponder:
    """The primary responder, with the fallback's answer whenever it fails. Never raises.

    A fallback with `control_reply(ctx)` (the grounded responder's repeat and
    slower) answers those itself first: they need no model.
    """

    def __init__(self, primary, fallback):
        self.primary = primary
        self.fallback = fallback
        self.last_resort = lang.catalogue()["answering.last_resort"]  # both have failed

    def fixed_phrases(self):
        phrases = getattr(self.fallback, "fixed_phrases", None)
        return phrases() if phrases else []

    def answer(self, ctx):
        start = time.monotonic()
        reply = self._control_reply(ctx)
        if reply is not None:
            reply.timings = {"llm_ms": elapsed_ms(start)}
            return reply
        updates = {}
        try:
            return self.primary.answer(ctx)
        except LLMError as exc:
            error, updates = str(exc), exc.profile_updates
            log.warning("LLM failed, answering from the knowledge base: %s", error)
        except Exception as exc:
            error = f"unexpected {type(exc).__name__}: {exc}"
            log.exception("LLM failed unexpectedly, answering from the knowledge base")
        primary_ms = elapsed_ms(start)
        reply = self._fallback_answer(ctx)
        reply.error = error
        reply.profile_updates = {**updates, **reply.profile_updates}
        reply.timings = {**reply.timings, "primary_ms": primary_ms, "llm_ms": elapsed_ms(start)}
        return reply

    def _control_reply(self, ctx):
        control = getattr(self.fallback, "control_reply", None)
        if control is None:
            return None
        try:
            return control(ctx)
        except Exception:
            log.exception("control reply failed")
            return None

    def _fallback_answer(self, ctx):
        try:
            return self.fallback.answer(ctx)
        except Exception:
            log.exception("the fallback responder failed too")
            return LLMAnswer(text=self.last_resort,
                             source=getattr(self.fallback, "source", "grounded"))
