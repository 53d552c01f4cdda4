"""Sentences of plain text: where one ends, and lines that should be sentences.

The one sentence splitter. A sentence ends at '.', '!' or '?' (with any closing
quote or bracket) before a space or the end; 'e.g.', 'Dr.', initials and decimals
do not end one. Markdown is removed before this runs (see clean.py).
"""

import re

# Written with a full stop that does not end the sentence. Single letters
# (initials, "Vitamin D.") count too.
ABBREVIATIONS = frozenset({
    "e.g", "i.e", "etc", "vs", "dr", "mr", "mrs", "ms", "approx", "st", "jr", "sr", "no", "fig",
    "min", "sec", "hr", "mins", "secs", "hrs", "lb", "lbs", "kg", "oz"})
_END = re.compile(r"[.!?]+[\"')\]]*(?=\s|$)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")
_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"'(\[]?[A-Z0-9]")
_WORD = re.compile(r"\w")


def split_sentences(text, *, abbreviations=True, capital_next=False):
    """The sentences of plain `text`, stripped; pieces without a word are dropped.

    `abbreviations=False` ends a sentence after an abbreviation or initial too
    (for text whose abbreviations were already spelled out). `capital_next=True`
    ends one only where the next starts with a capital or a digit, as in edited
    prose ("Keep going. then rest" is one sentence).
    """
    sentences, start = [], 0
    for end in _END.finditer(text):
        if abbreviations and _after_abbreviation(text, start, end):
            continue
        if capital_next and not _NEXT_STARTS_SENTENCE.match(text, end.end()):
            continue
        sentence = text[start:end.end()].strip()
        if _WORD.search(sentence):
            sentences.append(sentence)
        start = end.end()
    rest = text[start:].strip()
    if _WORD.search(rest):
        sentences.append(rest)
    return sentences


def _after_abbreviation(text, start, end):
    """Whether the full stop at `end` belongs to an abbreviation, not the sentence."""
    if not end.group(0).startswith("."):
        return False
    word = _WORD_BEFORE.search(text[start:end.start()])
    token = word.group(1).lower() if word else ""
    following = text[end.end():].lstrip()[:1]
    if token == "etc" and following.isupper():
        return False  # "etc." at the end of a sentence
    return token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


def join_lines(text):
    """A list or several lines become sentences, so they are not run together."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) < 2:
        return " ".join(lines)
    return " ".join(line if line[-1] in ".!?:;," else line + "." for line in lines)
