"""Plain speakable text from a reply: no markdown, URLs, emails or emoji, list
items and headings as sentences, and a cap on sentences and characters."""

import re
import unicodedata

from .. import lang
from .sentences import split_sentences

_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]|"
                  r"\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|gov|edu|co|uk|us|ai|app|info|health|"
                  r"ly|me|fit|fitness)\b(?:/[^\s<>()]*[^\s<>().,;:!?'\"])?", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_GONE = "\x00"
_GONE_WITH_LEAD_IN = re.compile(
    r"[ \t]*(?:\b(?:at|on|visit|see|via|from|to|here|email|e-mail|contact)\b:?[ \t]*)?"
    r"\(?[ \t]*\x00[ \t]*\)?", re.IGNORECASE)
_BULLET = re.compile(r"^(?:[-*+\u2022\u25cf\u25aa\u25e6\u2023\u00b7\u2043\u2013\u2014]|"
                     r"\(?\d{1,3}[.)]|\(?[a-hA-H][.)])\s+")
_RULE_LINE = re.compile(r"^(?:[-*_=~]\s*){3,}$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")
_INLINE = (
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"`+([^`]*)`+"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(.+?)~~"), r"\1"),
    (re.compile(r"</?[a-zA-Z][^>]*>"), " "),
    (re.compile(r"\s*(?:->|=>|\u2192|\u27a1)\s*"), " to "),
    (re.compile(r"(?<=\w)\s*\u2014\s*(?=\w)"), ", "),
    (re.compile(r"(?<=\d)\s*\u00b0\s*([CF])\b"), r" degrees \1"),
    (re.compile(r"\u00b0"), " degrees"),
    (re.compile(r"#(?=\d)"), "number "),
    (re.compile(r"\s+[\u2022\u25cf\u25aa\u00b7|]\s+"), ", "),
    (re.compile(r"[*#_`|~\u2022\u25cf\u25aa]+(?=\s|$)|(?<=\s)[*#_`|\u2022\u25cf\u25aa]+|^[*#_`|]+"),
     " "),
)
_DANGLING = re.compile(r"(?:[\s,;:\-]+(?:and|or|but|so|to|the|a|an|with|of|for|in|on|at|by|"
                       r"your|my|then|because|which|that|as|like))+[\s,;:\-]*$", re.IGNORECASE)


def _is_pictograph(ch):
    cp = ord(ch)
    if ch == "\u00b0":
        return False
    return (unicodedata.category(ch) == "So" or 0x1F000 <= cp <= 0x1FAFF
            or 0x2600 <= cp <= 0x27BF or 0x2B00 <= cp <= 0x2BFF or 0xFE00 <= cp <= 0xFE0F
            or cp in (0x200D, 0x20E3, 0x3030, 0x303D) or 0xE0020 <= cp <= 0xE007F
            or 0x2300 <= cp <= 0x23FF or unicodedata.category(ch) == "Cs")


def _strip_pictographs(text):
    return "".join(" " if _is_pictograph(ch) else ch for ch in text)


def _inline(line):
    for pattern, replacement in _INLINE:
        line = pattern.sub(replacement, line)
    return line


def _end_with_stop(text):
    text = text.rstrip()
    if text and text[-1] not in ".!?":
        text = text.rstrip(",;:-\u2013 ") + "."
    return text


def _blocks(text):
    """Markdown lines -> text, with list items, headings and paragraphs as sentences."""
    out, prev_kind = [], None
    for raw in text.split("\n"):
        line = raw.strip()
        if re.match(r"^(?:```|~~~)", line):
            continue
        if not line:
            if out:
                out[-1] = _end_with_stop(out[-1])
            prev_kind = None
            continue
        if _RULE_LINE.match(line) or _TABLE_SEPARATOR.match(line):
            continue
        kind = "text"
        heading = re.match(r"^#{1,6}\s*(.*?)\s*#*$", line)
        if heading:
            line, kind = heading.group(1), "heading"
        line = re.sub(r"^(?:>\s*)+", "", line)
        bullet = _BULLET.match(line)
        if bullet and kind == "text":
            line, kind = line[bullet.end():], "item"
        if line.startswith("|") or line.endswith("|"):
            line = ", ".join(cell.strip() for cell in line.strip("|").split("|") if cell.strip())
            kind = "item"
        line = _inline(line).strip()
        if not re.search(r"\w", line):
            continue
        if out and (kind != "text" or prev_kind in ("item", "heading")
                    or (out[-1][-1:].isalnum() and line[:1].isupper())):
            out[-1] = _end_with_stop(out[-1])
        if kind == "heading":
            line = _end_with_stop(line.rstrip(":"))
        out.append(line)
        prev_kind = kind
    return " ".join(out)


def _tidy(text):
    text = re.sub(r"\(\s*\)|\[\s*\]", " ", text)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"[,;:]+\s*([.!?])", r"\1", text)
    text = re.sub(r"([.!?])(?:\s*[.,;:])+", r"\1", text)
    text = re.sub(r"([!?])[!?]+", r"\1", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r"(?<=[.!?])(?=[A-Z])", " ", text)
    return text.strip(" ,;:-\u2013")


def _capitalise(sentence):
    return sentence[:1].upper() + sentence[1:] if sentence[:1].islower() else sentence


def _cut(sentence, max_chars):
    """The longest start of `sentence` within max_chars, ended at a clause or word."""
    limit = max_chars - 1
    head = sentence[:limit + 1]
    if len(sentence) > limit and not sentence[limit].isspace():
        head = head[:limit]
        head = head[:head.rfind(" ")] if " " in head else ""
    clause = max(head.rfind(", "), head.rfind("; "), head.rfind(": "), head.rfind(" - "))
    if clause >= max_chars * 0.5:
        head = head[:clause]
    head = _DANGLING.sub("", head).rstrip(" ,;:-\u2013")
    if not head:
        word = sentence.split()[0]
        head = word[:limit]
    return _end_with_stop(head)


def clean_reply(text: str, max_sentences: int = 3, max_chars: int = 400) -> str:
    """Plain, speakable text: markdown, URLs, emails and emoji removed, at most
    `max_sentences` sentences and `max_chars` characters, cut at a sentence (or,
    for one long sentence, a clause or word) boundary. Not empty if `text` had words."""
    if not text or not re.search(r"[^\W_]", text):
        return ""
    max_sentences = max(1, max_sentences)
    max_chars = max(20, max_chars)
    s = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    s = _EMAIL.sub(_GONE, s)
    s = _URL.sub(_GONE, s)
    s = re.sub(r"\[([^\]]+)\]\(\s*\x00?\s*\)", r"\1", s)
    s = _GONE_WITH_LEAD_IN.sub(" ", s)
    s = _strip_pictographs(s)
    s = re.sub(r"[\u0000-\u0008\u000b-\u001f\u007f]", " ", s)
    s = _tidy(_blocks(s))
    sentences = split_sentences(s)
    if not sentences:
        return _nothing_speakable()
    sentences = [_capitalise(sentence) for sentence in sentences[:max_sentences]]
    while len(sentences) > 1 and len(" ".join(sentences)) > max_chars:
        sentences.pop()
    result = " ".join(sentences)
    if len(result) > max_chars:
        result = _cut(result, max_chars)
    result = _end_with_stop(result)
    return result if re.search(r"[^\W_]", result) else _nothing_speakable()


def _nothing_speakable():
    return lang.catalogue()["text.nothing_speakable"]
