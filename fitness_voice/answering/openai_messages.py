"""The Chat Completions messages for one turn, and reading what comes back
besides text: the profile tool call's arguments and the token usage.

No SDK here: messages are plain dicts, so they can be checked without a server.
"""

import json
import logging

from .contract import PROFILE_KEYS
from .plain_text import plain
from .prompts import PROFILE_TOOL_NAME, caller_texts, notes_texts, system_prompt

log = logging.getLogger(__name__)

HISTORY_TURNS = 6
MAX_CALLER_CHARS = 600
MAX_NOTE_PASSAGES = 4
_EXPERIENCE = ("beginner", "intermediate", "advanced")
_NUMBER_RANGES = {"days_per_week": (1, 7), "minutes_per_session": (5, 240)}


def build_messages(ctx):
    """The Chat Completions messages for one turn: instructions, notes and
    profile in one system message (local servers' chat templates often accept
    a system message only first), then recent turns, then the caller's words."""
    context = "\n\n".join((system_prompt(), _profile_line(ctx.profile), _notes(ctx)))
    messages = [{"role": "system", "content": context}]
    for said, replied in list(ctx.history)[-HISTORY_TURNS:]:
        if said:
            messages.append({"role": "user", "content": _clip(said, MAX_CALLER_CHARS)})
        if replied:
            messages.append({"role": "assistant", "content": _clip(replied, MAX_CALLER_CHARS)})
    messages.append({"role": "user", "content": _clip(ctx.question, MAX_CALLER_CHARS)})
    return messages


def note_passages(ctx):
    """The passages the model is shown, best first."""
    return list(ctx.passages or ())[:MAX_NOTE_PASSAGES]


def assistant_tool_message(text, tool_calls):
    """The model's tool-calling turn, as the follow-up request must repeat it."""
    return {"role": "assistant", "content": text or None,
            "tool_calls": [{"id": call_id, "type": "function",
                            "function": {"name": name, "arguments": arguments}}
                           for call_id, name, arguments in tool_calls]}


def tool_results(calls, updates):
    """One tool message per call, saying which profile keys were saved."""
    result = json.dumps({"saved": sorted(updates)} if updates else {"saved": []})
    return [{"role": "tool", "tool_call_id": call_id, "content": result}
            for call_id, _name, _arguments in calls]


def without_tool_turns(messages):
    return [m for m in messages if m["role"] != "tool" and not m.get("tool_calls")]


def profile_updates(calls):
    """Merge the update_profile calls' arguments; ignore anything unusable."""
    updates = {}
    for _call_id, name, arguments in calls:
        if name != PROFILE_TOOL_NAME:
            log.warning("model called an unknown tool %r", name)
            continue
        try:
            values = json.loads(arguments or "{}")
        except ValueError:
            log.warning("update_profile arguments are not JSON: %.200r", arguments)
            continue
        if isinstance(values, dict):
            updates.update(clean_profile_updates(values))
    return updates


def clean_profile_updates(values):
    """Keep only known profile keys with sensible values."""
    clean = {}
    for key in PROFILE_KEYS:
        value = values.get(key)
        if value is None or isinstance(value, bool):
            continue
        if key in _NUMBER_RANGES:
            try:
                number = int(float(value))
            except (TypeError, ValueError):
                continue
            low, high = _NUMBER_RANGES[key]
            if low <= number <= high:
                clean[key] = number
        elif key == "experience":
            level = str(value).strip().lower()
            if level in _EXPERIENCE:
                clean[key] = level
        else:
            text = " ".join(str(value).split())[: 40 if key == "name" else 120]
            if text:
                clean[key] = text
    return clean


def usage_dict(usage):
    """The SDK's usage object as {prompt_tokens, completion_tokens, total_tokens}, or {}."""
    if usage is None:
        return {}
    return {key: int(getattr(usage, key, 0) or 0)
            for key in ("prompt_tokens", "completion_tokens", "total_tokens")}


def add_usage(a, b):
    if not a or not b:
        return a or b
    return {key: a.get(key, 0) + b.get(key, 0) for key in set(a) | set(b)}


def _profile_line(profile):
    texts = caller_texts()
    labels = texts["labels"]
    known = [f"{labels[key]}: {_clip(profile[key], 80)}" for key in PROFILE_KEYS
             if profile and profile.get(key) not in (None, "")]
    if not known:
        return texts["unknown"]
    return texts["known"].format(facts="; ".join(known))


def _notes(ctx):
    texts = notes_texts()
    passages = note_passages(ctx)
    if not passages:
        return texts["none"]
    header = texts["relevant"] if ctx.relevant else texts["maybe"]
    blocks = []
    for number, passage in enumerate(passages, 1):
        title = " - ".join(str(part) for part in (getattr(passage, "title", ""),
                                                  getattr(passage, "heading", "")) if part)
        blocks.append(f"[{number}] {title or texts['untitled']}\n{plain(passage.text)}")
    return header + "\n\n" + "\n\n".join(blocks)


def _clip(value, limit):
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " ..."
