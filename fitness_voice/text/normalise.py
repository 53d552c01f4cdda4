"""Text folded for matching: the one normaliser.

Every matcher compares lower-case text with one kind of apostrophe and single
spaces. How much punctuation survives, and whether contractions and spoken
amounts are rewritten, depends on what the matcher's patterns expect:

- ``KEEP``: punctuation stays, for patterns that split clauses at commas.
- ``WORDS``: letters, digits and apostrophes only, for whole-utterance phrases.
- ``SENTENCES``: sentence ends become " . " and decimals stay, for rules that
  must not match across a sentence; apostrophes go.

Not for the audio cache key: that is `speakable.fold`, which must never change.
"""

import re
import unicodedata

from .numbers import words_to_numbers

KEEP, WORDS, SENTENCES = "keep", "words", "sentences"

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
                              "\u2032": "'"})
_CONTRACTIONS = tuple((re.compile(pattern), replacement) for pattern, replacement in (
    (r"\bcan'?t\b", "can not"), (r"\bcannot\b", "can not"), (r"\bwon'?t\b", "will not"),
    (r"\bshan't\b", "shall not"), (r"\bain'?t\b", "am not"), (r"n't\b", " not"),
    (r"\bi'm\b", "i am"), (r"'re\b", " are"), (r"'ve\b", " have"), (r"'ll\b", " will"),
    (r"'d\b", " would"),
    (r"\b(it|that|what|there|here|he|she|who|where|how|when|everything|nothing)'s\b",
     r"\1 is"),
    (r"\blet's\b", "let us"),
))
# Speech recognition often drops the apostrophe.
BARE_CONTRACTIONS = {
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
_BARE = re.compile(r"(?<![\w'])(?:" + "|".join(BARE_CONTRACTIONS) + r")(?![\w'])")
_THOUSANDS_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")
_SENTENCE_END = re.compile(r"[.!?;:]+(?=\s|$)")
_NOT_A_SENTENCE_CHARACTER = re.compile(r"[^a-z0-9.' ]+")
_LONE_DOT = re.compile(r"\.(?!\d)|(?<!\d)\.")
_NOT_A_WORD_CHARACTER = re.compile(r"[^a-z0-9' ]+")


def normalise(text, *, punctuation=WORDS, contractions=False, numbers=False):
    """`text` lower-cased (NFKC, one apostrophe) with single spaces.

    `punctuation` is KEEP, WORDS or SENTENCES (see the module docstring).
    `contractions=True` expands "can't", ASR's "cant" and "gonna" ("can not",
    "going to"). `numbers=True` drops thousands commas and turns spoken amounts
    with 'hundred' or 'thousand' into digits ("eight hundred" -> "800").
    """
    t = unicodedata.normalize("NFKC", str(text or "")).translate(_APOSTROPHES).lower()
    if numbers:
        t = _THOUSANDS_COMMA.sub("", t)
    if contractions:
        for pattern, replacement in _CONTRACTIONS:
            t = pattern.sub(replacement, t)
    t = _punctuation(t, punctuation)
    if contractions:
        t = _BARE.sub(lambda match: BARE_CONTRACTIONS[match.group(0)], t)
    tokens = t.split()
    if numbers:
        tokens = words_to_numbers(tokens)
    return " ".join(tokens)


def _punctuation(t, punctuation):
    if punctuation == KEEP:
        return t
    if punctuation == WORDS:
        return _NOT_A_WORD_CHARACTER.sub(" ", t)
    if punctuation == SENTENCES:
        t = _SENTENCE_END.sub(" . ", t)
        t = _NOT_A_SENTENCE_CHARACTER.sub(" ", t).replace("'", "")
        return _LONE_DOT.sub(" . ", t)
    raise ValueError(f"punctuation must be KEEP, WORDS or SENTENCES, not {punctuation!r}")
