"""What the OpenAI responder tells the model: the coach's instructions, how the
caller's profile and the coaching notes are introduced, and the update_profile
tool. The words are language data (lang/<code>/answering/prompts.yaml), read
and checked here when first needed.
"""

import functools

from .. import lang
from .contract import PROFILE_KEYS

PROFILE_TOOL_NAME = "update_profile"
_NOTES_KEYS = ("none", "relevant", "maybe", "untitled")


def system_prompt():
    """The coach's instructions (the output check also compares replies against them)."""
    return _prompts(lang.active_language())["system"]


def profile_tool():
    """The update_profile tool, as Chat Completions' `tools` list takes it."""
    return _prompts(lang.active_language())["profile_tool"]


def caller_texts():
    """How the profile is introduced: `unknown`, `known` (with {facts}) and `labels` by key."""
    return _prompts(lang.active_language())["caller"]


def notes_texts():
    """How the notes are introduced: `none`, `relevant`, `maybe`, and `untitled` for a title."""
    return _prompts(lang.active_language())["notes"]


@functools.cache
def _prompts(language):
    prompts = lang.data("answering/prompts", language)
    where = f"{language}: answering/prompts.yaml"
    if not isinstance(prompts.get("system"), str) or not prompts["system"].strip():
        raise lang.LanguageDataError(f"{where}: `system` must be the instructions")
    caller = prompts.get("caller") or {}
    missing = [key for key in PROFILE_KEYS if key not in (caller.get("labels") or {})]
    if missing or not {"unknown", "known"} <= set(caller):
        raise lang.LanguageDataError(f"{where}: `caller` needs unknown, known and labels "
                                     f"for every profile key (missing {missing})")
    if not set(_NOTES_KEYS) <= set(prompts.get("notes") or {}):
        raise lang.LanguageDataError(f"{where}: `notes` needs {', '.join(_NOTES_KEYS)}")
    tool = prompts.get("profile_tool") or {}
    if (tool.get("function") or {}).get("name") != PROFILE_TOOL_NAME:
        raise lang.LanguageDataError(f"{where}: `profile_tool` must be {PROFILE_TOOL_NAME}")
    return prompts
