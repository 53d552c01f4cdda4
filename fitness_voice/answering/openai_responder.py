"""The OpenAI responder: Chat Completions (plain or streamed) with the coach's
prompt, the notes, the history and the profile, and the update_profile tool.

Every kind of failure (timeout, HTTP error, unusable output) is raised as
LLMError, the one error a provider raises; FallbackResponder turns it into the
grounded answer. Any OpenAI-compatible server works through `base_url`.

Streamed, the reply's first sentence is offered to `ctx.first_sentence` as soon
as the next one has begun, so the caller can hear it while the model writes the
rest. Once it is being spoken, a stream that fails later ends the reply with the
whole sentences that came: a grounded answer after it would not follow on.
"""

import logging
import re
import time
from dataclasses import dataclass

from ..text.sentences import split_sentences
from .contract import LLMAnswer, LLMError, elapsed_ms
from .openai_messages import (
    add_usage,
    assistant_tool_message,
    build_messages,
    note_passages,
    profile_updates,
    tool_results,
    usage_dict,
    without_tool_turns,
)
from .plain_text import plain
from .prompts import profile_tool

log = logging.getLogger(__name__)

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 6.0
DEFAULT_MAX_TOKENS = 160

# A reply that is only an assistant-style refusal is no use on a coaching call:
# the grounded answer is better.
_REFUSAL = re.compile(
    r"^(?:i'?m sorry|i am sorry|sorry|i apologi[sz]e)\b[^.!?]*\b(?:can(?:'|no)?t|cannot|"
    r"unable to|not able to)\b[^.!?]*\b(?:assist|help|comply)\b(?: you)?"
    r"(?: with)?(?: (?:that|this|it))?(?: request)?[.!]?$", re.IGNORECASE)
_AI_DISCLAIMER = re.compile(r"\bas an ai(?: language model)?\b", re.IGNORECASE)


@dataclass
class _Completion:
    text: str
    tool_calls: list          # [(id, name, arguments_json)]
    finish_reason: str | None
    usage: dict
    refusal: str | None = None


class OpenAIResponder:
    """Chat Completions with our coach prompt, passages, history and profile."""

    source = "openai"

    def __init__(self, api_key, model=DEFAULT_MODEL, base_url=None, timeout=DEFAULT_TIMEOUT,
                 max_tokens=DEFAULT_MAX_TOKENS, temperature=0.4, stream=False, max_retries=0,
                 tools=True):
        import openai  # the SDK is only needed when this provider is configured

        self.model = model
        self.timeout = float(timeout)
        self.max_tokens = int(max_tokens)
        self.temperature = temperature
        self.stream = stream
        # Turned off by itself if the server rejects tools (vLLM without
        # --enable-auto-tool-choice, llama.cpp without --jinja).
        self.tools = tools
        # The SDK applies its timeout per attempt, so retries would overrun the
        # turn's budget: by default a failure goes straight to the fallback.
        self.client = openai.OpenAI(api_key=api_key, base_url=base_url or None,
                                    timeout=self.timeout, max_retries=max_retries)

    def close(self):
        self.client.close()

    def fixed_phrases(self):
        """None: every reply is the model's own."""
        return []

    def answer(self, ctx):
        start = time.monotonic()
        deadline = start + self.timeout
        messages = build_messages(ctx)
        updates, usage = {}, {}
        early = _FirstSentence(ctx.first_sentence if self.stream else None)
        try:
            first = self._complete(messages, deadline, early)
            updates = profile_updates(first.tool_calls)
            usage = first.usage
            final = first
            if first.tool_calls and not (first.text or "").strip():
                # The model only called the tool: send the result back for the words.
                follow_up = [*messages, assistant_tool_message(first.text, first.tool_calls),
                             *tool_results(first.tool_calls, updates)]
                final = self._complete(follow_up, deadline, early, tool_choice="none")
                usage = add_usage(usage, final.usage)
            text, error = _usable_text(final), None
        except LLMError as exc:
            exc.profile_updates = {**updates, **exc.profile_updates}
            if not early.spoken:
                raise
            # The caller is already hearing the first sentence: finish with what came.
            log.warning("LLM failed after its first sentence was spoken: %s", exc)
            text, error = early.whole_sentences(), str(exc)
            updates = exc.profile_updates
        return LLMAnswer(text=text, source=self.source, profile_updates=updates, usage=usage,
                         passages_used=[str(p.id) for p in note_passages(ctx)],
                         timings={"llm_ms": elapsed_ms(start)}, error=error)

    def _complete(self, messages, deadline, early, tool_choice="auto"):
        remaining = deadline - time.monotonic()
        if remaining < 0.05:
            raise LLMError(f"no time left within the {self.timeout:g} s budget")
        params = {"model": self.model, "messages": messages, "temperature": self.temperature,
                  "max_completion_tokens": self.max_tokens, "timeout": remaining}
        if self.tools:
            params.update(tools=[profile_tool()], tool_choice=tool_choice)
        try:
            if self.stream:
                return self._complete_streaming(params, deadline, early)
            return _read_completion(self.client.chat.completions.create(**params))
        except LLMError:
            raise
        except Exception as exc:  # the provider boundary: every failure is an LLMError
            if self.tools and _rejects_tools(exc):
                log.warning("the model server does not accept tools; profile updates "
                            "through tool calls are off: %s", exc)
                self.tools = False
                return self._complete(without_tool_turns(messages), deadline, early)
            raise LLMError(_describe(exc, self.timeout)) from exc

    def _complete_streaming(self, params, deadline, early):
        stream = self.client.chat.completions.create(
            **params, stream=True, stream_options={"include_usage": True})
        parts, calls, finish, usage, refusal = [], {}, None, {}, []
        try:
            for chunk in stream:
                # The SDK's timeout is per read; this keeps the whole reply in budget.
                if time.monotonic() > deadline:
                    raise LLMError(f"timed out after {self.timeout:g} s while streaming")
                if getattr(chunk, "usage", None):
                    usage = usage_dict(chunk.usage)
                for choice in chunk.choices or ():
                    if choice.delta is not None:
                        _add_delta(choice.delta, parts, refusal, calls)
                        if choice.delta.content and not calls and not "".join(refusal):
                            early.heard("".join(parts))
                    finish = choice.finish_reason or finish
        finally:
            stream.close()
        if finish is None:
            raise LLMError("the stream ended before the reply was complete")
        return _Completion(text="".join(parts), finish_reason=finish, usage=usage,
                           tool_calls=[tuple(calls[i]) for i in sorted(calls)],
                           refusal="".join(refusal) or None)


class _FirstSentence:
    """Offers a streamed reply's first sentence once it is complete (the next one
    has begun), at most once per answer; keeps the text heard so far."""

    def __init__(self, offer):
        self.offer = offer      # (sentence) -> whether the caller will hear it now
        self.offered = offer is None
        self.spoken = None      # the sentence being spoken, once accepted
        self.text = ""

    def heard(self, text):
        self.text = text
        if self.offered:
            return
        sentences = split_sentences(_speech_text(text))
        if len(sentences) < 2:
            return
        self.offered = True
        if not _unusable(sentences[0]) and self.offer(sentences[0]):
            self.spoken = sentences[0]

    def whole_sentences(self):
        """The complete sentences heard so far (the spoken one at least)."""
        return _whole_sentences(_speech_text(self.text)) or self.spoken


def _add_delta(delta, parts, refusal, calls):
    """Gather one streamed delta: its text, its refusal, and its tool-call pieces by index."""
    parts.append(delta.content or "")
    refusal.append(getattr(delta, "refusal", None) or "")
    for call in delta.tool_calls or ():
        slot = calls.setdefault(call.index, ["", "", ""])
        slot[0] = call.id or slot[0]
        if call.function is not None:
            slot[1] += call.function.name or ""
            slot[2] += call.function.arguments or ""


def _read_completion(completion):
    choices = getattr(completion, "choices", None)
    if not choices:
        raise LLMError("malformed response: no choices")
    message = choices[0].message
    if message is None:
        raise LLMError("malformed response: no message")
    calls = [(call.id, call.function.name, call.function.arguments or "")
             for call in (message.tool_calls or ()) if getattr(call, "function", None)]
    return _Completion(text=message.content or "", tool_calls=calls,
                       finish_reason=choices[0].finish_reason,
                       usage=usage_dict(getattr(completion, "usage", None)),
                       refusal=getattr(message, "refusal", None))


def _usable_text(completion):
    """The reply as speech, or LLMError when there is nothing usable to say."""
    if completion.refusal:
        raise LLMError("the model refused")
    if completion.finish_reason == "content_filter":
        raise LLMError("the reply was withheld by the content filter")
    text = _speech_text(completion.text)
    if completion.finish_reason == "length":
        # Cut off by max tokens: keep the complete sentences.
        text = _whole_sentences(text)
        if not text:
            raise LLMError("the reply was cut off before a whole sentence")
    if not text:
        raise LLMError("empty reply")
    if _unusable(text):
        raise LLMError(f"unusable reply: {text[:60]!r}")
    return text


def _speech_text(text):
    # Some local reasoning models put their thinking in the content.
    return plain(re.sub(r"(?s)<think>.*?(?:</think>|$)", "", text or ""))


def _whole_sentences(text):
    cut = max(text.rfind(mark) for mark in ".!?")
    return text[:cut + 1] if cut > 0 else ""


def _unusable(text):
    """Markup, or an assistant-style refusal or disclaimer instead of an answer."""
    probe = text.replace("\u2019", "'")
    return text[0] in "{[<`" or bool(_REFUSAL.match(probe) or _AI_DISCLAIMER.search(probe))


def _rejects_tools(exc):
    """Whether an error says the server cannot do tool calling at all."""
    status = getattr(exc, "status_code", None)
    message = str(getattr(exc, "message", exc)).lower()
    return status in (400, 422, 500, 501) and "tool" in message


def _describe(exc, timeout):
    """A short reason for logs and the turn record."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code} from the model server: {str(exc.message)[:120]}"
    if isinstance(exc, openai.APIConnectionError):
        return "could not connect to the model server"
    if isinstance(exc, ValueError | TypeError | KeyError | AttributeError):
        return f"malformed response ({type(exc).__name__})"
    return f"{type(exc).__name__}: {str(exc)[:120]}"
