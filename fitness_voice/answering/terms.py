"""The words a text is about, for matching a question against the notes:
content words (stopwords dropped), stemmed, with common phrases joined, and
the synonyms of each stem. The word lists are language data
(lang/<code>/answering/vocabulary.yaml); the stemmer is for English.
"""

import functools
import re

from .. import lang
from .numbers import with_digits

_PHRASES = ((re.compile(r"\b(?:work|working|worked) ?outs?\b"), "workout"),
            (re.compile(r"\bwarm(?:ing)? ?ups?\b"), "warmup"),
            (re.compile(r"\bcool(?:ing)? ?downs?\b"), "cooldown"),
            (re.compile(r"\bpush ?ups?\b"), "pushup"),
            (re.compile(r"\bpull ?ups?\b"), "pullup"),
            (re.compile(r"\bsit ?ups?\b"), "situp"),
            (re.compile(r"\b(?:pass|passed|passing|black|blacked|blacking) out\b"), "faint"),
            (re.compile(r"\b(?:lose|loses|losing|lost) (?:some )?weight\b|\bweight ?loss\b"),
             "weightloss"),
            (re.compile(r"\b(?:six|6) ?packs?\b"), "abs"),
            # "What if I can't do one": an easier version is what is asked.
            (re.compile(r"\b(?:can't|cannot|can not|unable to) (?:really |even |actually |"
                        r"literally |quite |still )*(?:do|manage|get|finish) (?:even )?"
                        r"(?:one|it|them|any|a single|a full|an?|that|even one)\b"), "easier"),
            (re.compile(r"\btoo (?:hard|difficult|tough)\b"), "easier"),
            # "My legs are killing me", "that workout wrecked me": how callers say sore.
            (re.compile(r"\b(?:killing|destroying|wrecking|wrecked|destroyed) me\b"), "sore"),
            (re.compile(r"\b(?:could|can|can't) (?:barely|hardly) (?:walk|move|stand)\b"),
             "sore"))


def words(text):
    """The lower-cased words of a text, keeping contractions ("don't") whole."""
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", str(text).lower())


def terms(text):
    """The stems of a text's content words (number words as digits)."""
    text = re.sub(r"[-\u2010\u2011]", " ", str(text).lower())
    for pattern, joined in _PHRASES:
        text = pattern.sub(joined, text)
    text = with_digits(text)
    ignored = stopwords()
    return [stem(w) for w in words(text) if w not in ignored and (len(w) > 1 or w.isdigit())]


def stem(word):
    """Strip a word's suffixes lightly: squats, squatting, squatted -> squat."""
    w = word.lower().strip("'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    if len(w) <= 3 or w.isdigit():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "ches", "shes", "xes", "zzes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5:
        w = _undouble(w[:-3])
    elif w.endswith("ed") and not w.endswith("eed") and len(w) > 4:
        w = _undouble(w[:-2])
    elif w.endswith("ly") and len(w) > 5:
        w = w[:-2]
    elif w.endswith("ness") and len(w) > 6:
        w = w[:-4]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def stopwords():
    """The words that say nothing about what a question is about, as written."""
    return _vocabulary(lang.active_language())[0]


def qualifiers(text):
    """The qualifier words ("before", "during", ...) in a text: stopwords that still
    tell sections apart."""
    wanted = _vocabulary(lang.active_language())[2]
    return frozenset(w for w in words(text) if w in wanted)


def weak_terms():
    """The stems of words that do not name what a question is about ("help", "work")."""
    return _vocabulary(lang.active_language())[3]


def synonyms(term):
    """The other stems that mean the same as stem `term` (an empty set if none)."""
    return _vocabulary(lang.active_language())[1].get(term, frozenset())


def apart(question_terms, label_terms):
    """Whether a section is about the other side of a pair the question is on (pregnant
    now, after the birth): vocabulary `apart`, each a pair of word groups."""
    for one, other in _apart(lang.active_language()):
        for mine, theirs in ((one, other), (other, one)):
            if question_terms & mine and not question_terms & theirs \
                    and label_terms & theirs and not label_terms & mine:
                return True
    return False


@functools.cache
def _apart(language):
    pairs = lang.data("answering/vocabulary", language).get("apart") or []
    where = f"{language}: answering/vocabulary.yaml"
    if not all(isinstance(pair, list) and len(pair) == 2 and all(
            isinstance(group, list) and group and all(isinstance(w, str) for w in group)
            for group in pair) for pair in pairs):
        raise lang.LanguageDataError(f"{where}: `apart` must be pairs of word lists")
    return tuple(tuple(frozenset(stem(w) for w in group) for group in pair) for pair in pairs)


def _undouble(w):
    if len(w) >= 3 and w[-1] == w[-2] and w[-1] not in "lsz":
        return w[:-1]
    return w


@functools.cache
def _vocabulary(language):
    data = lang.data("answering/vocabulary", language)
    text, groups = data.get("stopwords"), data.get("synonym_groups")
    where = f"{language}: answering/vocabulary.yaml"
    if not isinstance(text, str) or not text.split():
        raise lang.LanguageDataError(f"{where}: `stopwords` must be whitespace-separated words")
    if not isinstance(groups, list) or not all(
            isinstance(group, list) and len(group) > 1 and all(isinstance(w, str) for w in group)
            for group in groups):
        raise lang.LanguageDataError(f"{where}: `synonym_groups` must be lists of two or "
                                     "more words")
    found = {}
    for group in groups:
        stems = {stem(word) for word in group}
        for each in stems:
            found.setdefault(each, set()).update(stems - {each})
    qualifying = data.get("qualifiers") or ""
    if not isinstance(qualifying, str):
        raise lang.LanguageDataError(f"{where}: `qualifiers` must be whitespace-separated words")
    weak = data.get("weak") or ""
    if not isinstance(weak, str):
        raise lang.LanguageDataError(f"{where}: `weak` must be whitespace-separated words")
    return (frozenset(text.split()), {term: frozenset(same) for term, same in found.items()},
            frozenset(qualifying.split()), frozenset(stem(w) for w in weak.split()))
