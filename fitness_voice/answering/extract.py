"""Extractive answering: which of the chosen passage's sentences to say, within
a word budget, word for word from the notes, and how to join them.

The sentences and passages are scored in scoring.py (re-exported here). When
the chosen passage leaves a part of the question open, the best sentence of
another passage about that part is added (see complement).
"""

import re

from .numbers import words_said
from .plain_text import normalise
from .scoring import (
    INHERITED,
    OWN,
    PROFILE,
    Query,
    Sentence,
    _label_terms,
    _mentions,
    best_passage,
    heading_answers,
    is_alarm,
    passage_sentences,
    query_for,
    question_form,
    rank_weights,
)
from .terms import terms, weak_terms

__all__ = ["INHERITED", "OWN", "PROFILE", "Query", "Sentence", "best_passage", "choose",
           "complement", "fit", "heading_answers", "is_alarm", "passage_sentences",
           "query_for", "question_form", "rank_weights"]

_BACK_REFERENCE = re.compile(r"^(?:this|that|these|those|it|its|they|them|so|but|also|"
                             r"even|however|then|instead|otherwise|here|there|such|another|"
                             r"other)\b", re.IGNORECASE)
# A short answer takes the sentence after it while both fit in this many words.
_FILL_WORDS = 35


def choose(sentences, max_words, max_sentences, steps=False, avoid=(), lead=False,
           verdict=False):
    """The indexes of the best sentence, what it leans on, and the sentences that
    add to it, within the word budget, in their original order. Sentences in
    `avoid` (said just before) are not added for context. `lead` says the
    section's heading asks the caller's question, so its opening is the answer;
    `verdict` says the opening is the yes or no a yes-or-no question wants."""
    anchor = max(sentences, key=lambda s: (s.score, -s.index))
    if anchor.score <= 0.3 and anchor.index != 0:
        anchor = sentences[0]
    if verdict and 0 not in avoid and anchor.index != 0 and \
            anchor.words + sentences[0].words > max_words:
        # The opening answers the question: when both do not fit, it is the one said.
        anchor = sentences[0]
    chosen = {anchor.index}
    words = anchor.words
    first = anchor
    # Say what the sentence leans on ("That's ...", or a short "Don't wait."),
    # and what that leans on in turn.
    while first.index > 0 and (_BACK_REFERENCE.match(first.text) or first.words < 8):
        first = sentences[first.index - 1]
        chosen.add(first.index)
        words += first.words
    opening = sentences[0]
    if 0 not in chosen and 0 not in avoid and words + opening.words <= max_words and (
            opening.score >= 0.8 or anchor.score < 1.5 or steps or lead or verdict):
        # Each section opens with its main point: say it first when it helps.
        chosen.add(0)
        words += opening.words
    while len(chosen) < max_sentences:
        added = _next_addition(sentences, chosen, words, anchor, max_words, steps, avoid)
        if added is None:
            break
        chosen.add(added.index)
        words += added.words
    return sorted(chosen)


def complement(query, passage, spoken, candidates, room):
    """A sentence of another passage for the part of the question the answer
    leaves open, as (passage, sentence), or None: a word of the question the
    spoken sentences do not have ("protein as a vegetarian"), or one half of a
    two-part question that the passage's heading is not about ("how many sets
    and reps" answered from "How many reps"). Only a passage whose heading names
    that part counts, and the sentence must fit in `room` words. Words like
    "help" or "work" never name a part (terms.weak_terms)."""
    label = _label_terms(passage)
    covered = set(label)
    for sentence in spoken:
        covered |= sentence.terms
    open_terms = {t for t in query.own if not _mentions(covered, {t})}
    heading = frozenset(terms(getattr(passage, "heading", "")))
    for half in _PARTS.split(query.text) if _PARTS.search(query.text) else ():
        asked = set(terms(half)) & query.own
        if asked and not any(_mentions(heading, {t}) for t in asked):
            open_terms |= asked
    open_terms -= weak_terms()
    if not open_terms:
        return None
    best = None
    for other, sentences in candidates:
        if other is passage:
            continue
        other_heading = frozenset(terms(getattr(other, "heading", "")))
        named = {t for t in open_terms if _mentions(other_heading, {t})}
        if not named:
            continue
        for sentence in sentences:
            if sentence.words > room or sentence.score < 1.0 or \
                    not _mentions(sentence.terms, named):
                continue
            if normalise(sentence.text) in query.spoken:
                continue
            rank = (sentence.score, -sentence.index)
            if best is None or rank > best[0]:
                best = (rank, other, sentence)
    return None if best is None else (best[1], best[2])


# What joins the two halves of a two-part question.
_PARTS = re.compile(r"\b(?:and|or|plus|as well as)\b")


def fit(spoken, max_words):
    """Join sentences within about `max_words` said aloud: whole sentences while they
    fit (the first always), and one very long sentence cut at a clause boundary."""
    spoken = [text for text in spoken if text]
    if not spoken:
        return ""
    kept = [spoken[0]]
    for text in spoken[1:]:
        if words_said(" ".join([*kept, text])) > max_words + _SLACK:
            break
        kept.append(text)
    text = " ".join(kept)
    if words_said(text) <= max_words + _SLACK:
        return text
    words = text.split()
    limit = len(words)
    while limit > 1 and words_said(" ".join(words[:limit])) > max_words + _SLACK:
        limit -= 1
    head = " ".join(words[:limit])
    cuts = [m.start() for m in _CLAUSE.finditer(head) if m.start() > len(head) * 0.4]
    if cuts:
        return head[:cuts[-1]].rstrip(",;: ") + "."
    while limit > 1 and words_said(" ".join(words[:limit])) > max_words:
        limit -= 1
    head = " ".join(words[:limit])
    cut = max(head.rfind(", "), head.rfind("; "))
    head = head[:cut] if cut > len(head) // 2 else head
    return head.rstrip(",;: ") + "."


# Over the word budget by this much is still said whole.
_SLACK = 5
# Where a long sentence can end early and still say its main point.
_CLAUSE = re.compile(r"(?:,| ;|;) (?=and |but |so |which |while |because |or )|; ")


def _next_addition(sentences, chosen, words, anchor, max_words, steps, avoid=()):
    """The best sentence still worth adding to `chosen`, or None."""
    for sentence in sorted(sentences, key=lambda s: (-s.score, s.index)):
        if sentence.index in chosen or sentence.index in avoid or \
                words + sentence.words > max_words:
            continue
        # A neighbour that shares a word with the question (or follows a
        # short answer) reads as one thought; a distant one must match well.
        before = sentence.index == min(chosen) - 1
        after = sentence.index == max(chosen) + 1
        between = min(chosen) < sentence.index < max(chosen)
        useful = (sentence.score >= max(1.0, 0.6 * anchor.score)
                  or ((before or after) and sentence.score >= 0.8)
                  or (after and (steps or words < 12
                                 or words + sentence.words <= _FILL_WORDS))
                  or between)
        leans_back = _BACK_REFERENCE.match(sentence.text) and \
            sentence.index - 1 not in chosen
        if useful and not leans_back:
            return sentence
    return None
