"""Text clean-up both responders share: Markdown to plain spoken prose, prose
to sentences, and the light normalising that utterances are matched in.

Sentences and normalising come from the text package; `plain` stays its own
Markdown-to-prose reading, because the grounded responder's sentences (and the
recorded calls) depend on exactly how it joins lists, drops "Sources:" lines and
spells out "etc." as "and so on" (text.speakable says "et cetera").
"""

import re

from ..text import normalise as normalising
from ..text.sentences import split_sentences

_ABBREVIATIONS = {"e.g.": "for example", "i.e.": "that is", "vs.": "versus", "etc.": "and so on",
                  "approx.": "about", "min.": "minutes", "mins.": "minutes", "hrs.": "hours"}


def plain(text):
    """Turn Markdown into plain prose: no headings, link syntax, emphasis, URLs or tables."""
    lines = []
    for raw in str(text or "").splitlines():
        line = raw.strip()
        if (not line or line.startswith(("#", "|", "```", "---")) or line.startswith("<!--")
                or re.match(r"(?i)^(sources?|references?)\s*:", line)):
            lines.append("")
            continue
        line = re.sub(r"^>\s*", "", line)
        item = re.match(r"^(?:[-*+•]|\d+[.)])\s+(.*)", line)
        if item:
            line = item.group(1)
            lines.append("- " + line)
        else:
            lines.append(line)
    text = _join_lines(lines)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)          # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)       # links keep their words
    text = re.sub(r"\[\^?\d+\]", "", text)                     # footnote marks
    text = re.sub(r"<[^>]+>", "", text)                        # html tags
    text = re.sub(r"(?:https?://|www\.)\S+", "", text)         # bare URLs
    text = re.sub(r"(\*\*|__|\*|`)(.+?)\1", r"\2", text)       # emphasis, code
    text = re.sub(r"(?<!\w)_(\S(?:.*?\S)?)_(?!\w)", r"\1", text)
    text = text.replace("*", "").replace("`", "")
    text = re.sub(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]", "", text)  # emoji
    for short, spoken in _ABBREVIATIONS.items():
        text = re.sub(r"(?<![A-Za-z])" + re.escape(short), spoken, text, flags=re.IGNORECASE)
    text = text.replace("&", " and ").replace("~", "about ")
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return " ".join(text.split())


def sentences_of(text):
    """Split Markdown or plain prose into plain sentences of two words or more."""
    return [s for s in split_sentences(plain(text), abbreviations=False, capital_next=True)
            if len(s.split()) >= 2]


def normalise(text):
    """Lower-case words, digits and apostrophes only, single-spaced: what utterances match in."""
    return normalising.normalise(text)


def _join_lines(lines):
    """Join wrapped lines into prose; a list becomes sentences, and a short list
    after a line ending in ':' becomes one sentence ("Cues: a, b, and c.")."""
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("- "):
            items = []
            while i < len(lines) and lines[i].startswith("- "):
                items.append(lines[i][2:].rstrip(" .;,"))
                i += 1
            lead = out[-1] if out and out[-1].endswith(":") else None
            if lead and all(len(item.split()) <= 8 for item in items):
                joined = items[0] if len(items) == 1 else (
                    ", ".join(items[:-1]) + (", and " if len(items) > 2 else " and ") + items[-1])
                out[-1] = f"{lead} {_lower_first(joined)}."
            else:
                if lead:
                    out[-1] = lead[:-1] + "."
                out.extend(_end_sentence(item) for item in items)
            continue
        out.append(line)
        i += 1
    text = " ".join(part for part in out if part)
    return re.sub(r":\s*$", ".", text)


def _end_sentence(text):
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _lower_first(text):
    if len(text) > 1 and text[0].isupper() and text[1].islower() and not text.startswith("I "):
        return text[0].lower() + text[1:]
    return text
