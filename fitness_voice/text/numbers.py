"""Numbers in words, both ways: the one number-word table.

`number_words`, `ordinal_words`, `digits_words` and `amount_words` say a number
for the ear; `parse_number` reads one number a caller said ("forty five",
"twelve hundred", "an" when the caller means one); `words_to_numbers` turns the
big spoken amounts in a sentence into digits for matching ("eight hundred
calories" -> "800 calories").
"""

import re

ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen")
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
ORDINAL_WORDS = {"one": "first", "two": "second", "three": "third", "five": "fifth",
                 "eight": "eighth", "nine": "ninth", "twelve": "twelfth"}
DIGIT_WORDS = dict(zip("0123456789", ONES[:10], strict=True))

# Words to values. Only hundred and thousand are read as scales: "a million"
# stays in words for the safety rules, which never needed it.
WORD_VALUES = {word: value for value, word in enumerate(ONES)} | {
    word: 10 * tens for tens, word in enumerate(TENS) if word}
SCALE_VALUES = {"hundred": 100, "thousand": 1000}

# A number from one to ninety-nine in words, for patterns that look for one
# ("twenty five minutes", "forty-five"); longest words first, so "seventeen"
# is not read as "seven".
SPOKEN_BELOW_HUNDRED = (
    "(?:" + "|".join(filter(None, TENS)) + r")(?:[\s-](?:" + "|".join(ONES[1:10]) + "))?|"
    + "|".join(sorted(ONES[1:], key=len, reverse=True)))

_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_BELOW_HUNDRED = f"(?:{SPOKEN_BELOW_HUNDRED})"
_BELOW_THOUSAND = rf"(?:{_BELOW_HUNDRED} hundred(?: {_BELOW_HUNDRED})?|{_BELOW_HUNDRED})"
# Said the way English says one number: "two thousand five hundred six",
# "twelve hundred"; "five twenty" is two numbers, not one.
_ONE_NUMBER = re.compile(rf"zero|{_BELOW_THOUSAND} thousand(?: {_BELOW_THOUSAND})?"
                         rf"|{_BELOW_THOUSAND}")


def number_words(n):
    """Cardinal words for a non-negative integer: 1250 -> 'one thousand two hundred fifty'."""
    if n < 20:
        return ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return TENS[tens] + (f"-{ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return f"{ONES[hundreds]} hundred" + (f" {number_words(rest)}" if rest else "")
    if n >= 10**15:
        return digits_words(str(n))
    for scale, name in SCALES:
        if n >= scale:
            head, rest = divmod(n, scale)
            return f"{number_words(head)} {name}" + (f" {number_words(rest)}" if rest else "")
    raise AssertionError("unreachable")


def ordinal_words(n):
    """'twenty-first', 'third', 'one hundredth'."""
    words = number_words(n)
    head, sep, last = words.rpartition(" ")
    prefix, hyphen, last = last.rpartition("-")
    if last in ORDINAL_WORDS:
        last = ORDINAL_WORDS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + prefix + hyphen + last


def digits_words(digits):
    """Read digit by digit, as for phone numbers: '911' -> 'nine one one'."""
    return " ".join(DIGIT_WORDS[d] for d in digits if d in DIGIT_WORDS)


def amount_words(raw):
    """Words for a written amount: '1,500' -> 'one thousand five hundred',
    '2.5' -> 'two point five', '.5' -> 'point five', '007' -> 'zero zero seven'."""
    raw = raw.replace(",", "")
    whole, dot, fraction = raw.partition(".")
    if len(whole) > 1 and whole.startswith("0"):
        words = digits_words(whole)
    else:
        words = number_words(int(whole)) if whole else ""
    if dot and fraction:
        words = (words + " point " if words else "point ") + digits_words(fraction)
    return words


def parse_number(text, *, a_means_one=False):
    """The one number `text` says, or None: '45', '2.5', 'forty five', 'forty-five',
    'one hundred and five', 'a thousand'. With `a_means_one`, a bare 'a' or 'an'
    is 1, for callers asking about amounts ("an hour", "a day")."""
    said = str(text).strip().lower()
    if _DIGITS.fullmatch(said):
        return float(said) if "." in said else int(said)
    if said in ("a", "an"):
        return 1 if a_means_one else None
    words = said.replace("-", " ").split()
    if len(words) > 1 and words[0] in ("a", "an") and words[1] in SCALE_VALUES:
        words[0] = "one"
    words = [word for index, word in enumerate(words)
             if not (word == "and" and 0 < index < len(words) - 1)]
    if not _ONE_NUMBER.fullmatch(" ".join(words)):
        return None
    return _total(words)


def words_to_numbers(tokens):
    """'eight hundred' -> '800', 'twelve hundred' -> '1200', 'a thousand' -> '1000'.
    Only runs that contain 'hundred' or 'thousand' are converted, so 'one side of
    my face' keeps its words."""
    out, i = [], 0
    while i < len(tokens):
        run = _number_run(tokens, i)
        if any(word in SCALE_VALUES for word in run):
            out.append(str(_total(run)))
            i += len(run)
        else:
            out.append(tokens[i])
            i += 1
    return out


def _number_run(tokens, start):
    """The number words from `start` on, with a leading 'a' before a scale and
    'and' between numbers."""
    run = []
    for j in range(start, len(tokens)):
        word = tokens[j]
        following = tokens[j + 1] if j + 1 < len(tokens) else ""
        number = word in WORD_VALUES or word in SCALE_VALUES
        leading_a = word == "a" and not run and following in SCALE_VALUES
        joining_and = word == "and" and run and following in WORD_VALUES
        if not (number or leading_a or joining_and):
            break
        run.append(word)
    return run


def _total(words):
    """Add up number words as they are said (any 'and' or leading 'a' included)."""
    total = current = 0
    for word in words:
        if word in WORD_VALUES:
            current += WORD_VALUES[word]
        elif word == "a":
            current += 1
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word == "thousand":
            total += max(current, 1) * 1000
            current = 0
    return total + current
