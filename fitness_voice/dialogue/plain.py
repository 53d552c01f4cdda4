"""The caller's figures of speech put plainly ("my legs are dead" -> "my legs are
really sore and tired"), so that routing by meaning and retrieval read what the
caller meant, not the words "dead" and "kill". The phrases are language data
(lang/<code>/dialogue/figures_of_speech.yaml).

Safety reads the caller's own words before this (pipeline.py): a figure of speech
is never a way around a red flag."""

import functools
import re

from .. import lang


def plain_words(text, language=None):
    """`text` with its figures of speech replaced by what they mean; unchanged
    when it has none (case kept)."""
    plain = text
    for pattern, replacement in _figures(language or lang.active_language()):
        plain = pattern.sub(replacement, plain)
    return plain


@functools.cache
def _figures(language):
    raw = lang.data("dialogue/figures_of_speech", language)
    entries = raw.get("figures") if isinstance(raw, dict) else None
    if not isinstance(entries, list) or not entries:
        raise lang.LanguageDataError("dialogue/figures_of_speech: needs a 'figures' list")
    compiled = []
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"say", "plain"}:
            raise lang.LanguageDataError(
                f"dialogue/figures_of_speech: {entry!r} needs exactly say and plain")
        try:
            compiled.append((re.compile(entry["say"], re.IGNORECASE), entry["plain"]))
        except re.error as error:
            raise lang.LanguageDataError(
                f"dialogue/figures_of_speech: {entry['say']!r} is not a pattern: {error}") from None
    return tuple(compiled)
