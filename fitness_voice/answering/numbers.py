"""Numbers in what people say and in the notes, in words or digits: "eighty",
"a hundred and fifty", "one point five", "half a", "80kg", "1.5". English.
"""

import re

from ..text.numbers import ONES, TENS, WORD_VALUES

# The number words, from the project's one table (text/numbers.py): "zero" to
# "nineteen", and the tens from "twenty" to "ninety".
_UNITS = {word: WORD_VALUES[word] for word in ONES}
_TENS = {word: WORD_VALUES[word] for word in TENS if word}
NUMBER_WORDS = frozenset([*_UNITS, *_TENS, "hundred", "thousand", "half", "point"])


def numbers(text):
    """The numbers in a text, as (value, start, end) character spans of the
    normalised text: "a hundred and fifty" -> 150, "one point five" -> 1.5,
    "half a" -> 0.5, "80kg" -> 80, "1.5" -> 1.5, "sixty five" -> 65."""
    text = spaced(text)
    found = []
    for match in re.finditer(r"\d+(?:\.\d+)?|[a-z]+", text):
        found.append((match.group(), match.start(), match.end()))
    out, i = [], 0
    while i < len(found):
        word, start, end = found[i]
        if word[0].isdigit():
            out.append((float(word), start, end))
            i += 1
            continue
        parsed = _number_words([w for w, _s, _e in found[i:i + 8]])
        if parsed is None:
            i += 1
            continue
        value, used = parsed
        out.append((value, start, found[i + used - 1][2]))
        i += used
    return out


def _number_words(words):
    """The number that `words` begin with, and how many words it takes, or None."""
    if not words:
        return None
    if words[0] == "half" and words[1:2] in (["a"], ["an"]):
        return 0.5, 2
    i, total, current, last = 0, 0, 0, None
    if words[0] in ("a", "an"):
        if words[1:2] not in (["hundred"], ["thousand"]):
            return None
        current, last, i = 1, "unit", 1
    while i < len(words):
        w = words[i]
        if w in _UNITS:
            if last in ("unit", "teen") or (last == "tens" and _UNITS[w] >= 10):
                break
            current += _UNITS[w]
            last = "teen" if _UNITS[w] >= 10 else "unit"
        elif w in _TENS:
            if last in ("unit", "teen", "tens"):
                break
            current += _TENS[w]
            last = "tens"
        elif w == "hundred" and last in ("unit", "teen", None) and last != "hundred":
            current = (current or 1) * 100
            last = "hundred"
        elif w == "thousand" and last is not None:
            total += (current or 1) * 1000
            current, last = 0, "scale"
        elif w == "and" and last in ("hundred", "scale") and i + 1 < len(words) and (
                words[i + 1] in _UNITS or words[i + 1] in _TENS):
            pass
        else:
            break
        i += 1
    if last is None:
        return None
    value = float(total + current)
    if (i + 1 < len(words) and words[i] == "point" and words[i + 1] in _UNITS
            and _UNITS[words[i + 1]] < 10):
        digits = ""
        i += 1
        while i < len(words) and words[i] in _UNITS and _UNITS[words[i]] < 10:
            digits += str(_UNITS[words[i]])
            i += 1
        value = float(f"{int(value)}.{digits}")
    return value, i


def spaced(text):
    """Lower-case words and numbers, single-spaced, decimals kept ("1.5"), digits
    split from units ("80kg" -> "80 kg"): the form figures are read in."""
    text = str(text or "").lower().replace("\u2019", "'")
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    text = re.sub(r"(?<=\d)\.(?=\d)", "\u2024", text)
    text = re.sub(r"(?<=\d)(?=[a-z])|(?<=[a-z])(?=\d)", " ", text)
    text = re.sub(r"[^a-z0-9'\u2024 ]+", " ", text)
    return " ".join(text.split()).replace("\u2024", ".")


def with_digits(text):
    """The text, normalised, with number words as digits ("forty year old" -> "40 year
    old"), so that a caller's words and the notes' digits match. A lone "one" stays
    a word: it is more often "one leg" or "the right one" than a count."""
    text = spaced(text)
    out, last = [], 0
    for value, start, end in numbers(text):
        said = text[start:end]
        if said in ("one", "a", "an") or re.fullmatch(r"\d+(?:\.\d+)?", said):
            continue
        out.append(text[last:start])
        out.append(str(int(value)) if float(value).is_integer() else str(value))
        last = end
    out.append(text[last:])
    return "".join(out)


def words_said(text):
    """How many words `text` takes when read aloud, numbers as words: "110 grams" is
    four ("one hundred ten grams"), "1.4" three ("one point four")."""
    count = 0
    for token in str(text or "").split():
        found = re.fullmatch(r"[(\"']*(\d[\d,]*)(?:\.(\d+))?(%?)[)\"'.,;:!?]*", token)
        if not found:
            count += 1
            continue
        whole, decimals, percent = found.groups()
        count += _integer_words(int(whole.replace(",", "") or 0))
        if decimals:
            count += 1 + len(decimals)
        count += 1 if percent else 0
    return count


def _integer_words(n):
    if n < 100:
        return 1  # "seven", "twenty-five"
    if n < 1000:
        return 2 + (1 if n % 100 else 0)
    if n < 1_000_000:
        return _integer_words(n // 1000) + 1 + (_integer_words(n % 1000) if n % 1000 else 0)
    return 3
