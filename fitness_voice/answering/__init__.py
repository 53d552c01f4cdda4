"""Answering one turn: the OpenAI responder, the grounded responder that
answers from the knowledge base without a model, and the fallback between them.

Every responder has `answer(context) -> LLMAnswer` and `fixed_phrases()` (see
contract.Responder). Configuration picks them in `build_responder`.
"""

from .contract import PROFILE_KEYS, CoachContext, LLMAnswer, LLMError, Responder
from .fallback import FallbackResponder
from .followup import standalone_question, subject_terms
from .grounded import GroundedResponder
from .openai_responder import DEFAULT_MAX_TOKENS, DEFAULT_MODEL, DEFAULT_TIMEOUT, OpenAIResponder
from .prompts import system_prompt

__all__ = ["PROFILE_KEYS", "CoachContext", "FallbackResponder", "GroundedResponder", "LLMAnswer",
           "LLMError", "OpenAIResponder", "Responder", "build_responder", "notes_responder",
           "standalone_question", "subject_terms", "system_prompt"]


def build_responder(config, passages_of=None, normalize=None) -> Responder:
    """OpenAI with the grounded fallback when OPENAI_API_KEY is set, else grounded alone.

    `passages_of` and `normalize` come from retrieval; see GroundedResponder.
    """
    grounded = GroundedResponder(passages_of=passages_of, normalize=normalize)
    api_key = config.get("OPENAI_API_KEY")
    if not api_key:
        return grounded
    primary = OpenAIResponder(
        api_key=api_key,
        model=config.get("OPENAI_MODEL") or DEFAULT_MODEL,
        base_url=config.get("OPENAI_BASE_URL") or None,
        timeout=float(_setting(config, "OPENAI_TIMEOUT", DEFAULT_TIMEOUT)),
        max_tokens=int(_setting(config, "OPENAI_MAX_TOKENS", DEFAULT_MAX_TOKENS)),
        temperature=float(_setting(config, "OPENAI_TEMPERATURE", 0.4)),
        stream=str(config.get("OPENAI_STREAM") or "").lower() in ("1", "true", "yes", "on"),
    )
    return FallbackResponder(primary, grounded)


def notes_responder(responder):
    """The responder that answers from the notes alone: the fallback behind a model."""
    return getattr(responder, "fallback", responder)


def _setting(config, key, default):
    value = config.get(key)
    return default if value in (None, "") else value
