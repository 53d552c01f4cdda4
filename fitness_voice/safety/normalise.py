"""Caller text as the safety rules read it: lowercase words, contractions
expanded ("can't" and speech recognition's "cant" both become "can not"),
sentence ends as " . ", and number words such as "eight hundred" as digits."""

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
                              "\u2032": "'"})
_CONTRACTIONS = (
    (r"\bcan'?t\b", "can not"), (r"\bcannot\b", "can not"), (r"\bwon'?t\b", "will not"),
    (r"\bshan't\b", "shall not"), (r"\bain'?t\b", "am not"), (r"n't\b", " not"),
    (r"\bi'm\b", "i am"), (r"'re\b", " are"), (r"'ve\b", " have"), (r"'ll\b", " will"),
    (r"'d\b", " would"),
    (r"\b(it|that|what|there|here|he|she|who|where|how|when|everything|nothing)'s\b",
     r"\1 is"),
    (r"\blet's\b", "let us"),
)
_CONTRACTIONS = tuple((re.compile(p), r) for p, r in _CONTRACTIONS)
# Speech recognition often drops the apostrophe.
_BARE = {
    "cant": "can not", "dont": "do not", "doesnt": "does not", "didnt": "did not",
    "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not",
    "havent": "have not", "hasnt": "has not", "hadnt": "had not", "shouldnt": "should not",
    "couldnt": "could not", "wouldnt": "would not", "mustnt": "must not", "aint": "am not",
    "wont": "will not", "im": "i am", "ive": "i have", "youre": "you are", "youve": "you have",
    "youll": "you will", "theyre": "they are", "thats": "that is", "whats": "what is",
    "theres": "there is", "heres": "here is", "shes": "she is", "hows": "how is",
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "kinda": "kind of",
    "sorta": "sort of", "outta": "out of", "lemme": "let me", "gimme": "give me",
}
_SMALL = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"))}
_TENS = {w: 10 * i for i, w in enumerate(
    ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), 2)}
_SCALE = {"hundred": 100, "thousand": 1000}


def _words_to_numbers(tokens):
    """'eight hundred' -> '800', 'twelve hundred' -> '1200', 'a thousand' -> '1000'.
    Only runs that contain 'hundred' or 'thousand' are converted, so 'one side of
    my face' keeps its words."""
    out, i = [], 0
    while i < len(tokens):
        j, run = i, []
        while j < len(tokens):
            word = tokens[j]
            nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
            number = word in _SMALL or word in _TENS or word in _SCALE
            leading_a = word == "a" and not run and nxt in _SCALE
            joining_and = word == "and" and run and (nxt in _SMALL or nxt in _TENS)
            if not (number or leading_a or joining_and):
                break
            run.append(word)
            j += 1
        if any(w in _SCALE for w in run):
            total = current = 0
            for word in run:
                if word in _SMALL:
                    current += _SMALL[word]
                elif word in _TENS:
                    current += _TENS[word]
                elif word == "a":
                    current += 1
                elif word == "hundred":
                    current = max(current, 1) * 100
                elif word == "thousand":
                    total += max(current, 1) * 1000
                    current = 0
            out.append(str(total + current))
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return out


def normalise(text):
    """Lowercase words separated by single spaces; sentence ends become ' . '."""
    t = unicodedata.normalize("NFKC", text or "").translate(_APOSTROPHES).lower()
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)
    for pattern, replacement in _CONTRACTIONS:
        t = pattern.sub(replacement, t)
    t = re.sub(r"[.!?;:]+(?=\s|$)", " . ", t)
    t = re.sub(r"[^a-z0-9.' ]+", " ", t).replace("'", "")
    t = re.sub(r"\.(?!\d)|(?<!\d)\.", " . ", t)
    tokens = [_BARE.get(w, w) for w in t.split()]
    tokens = " ".join(tokens).split()
    return " ".join(_words_to_numbers(tokens))
