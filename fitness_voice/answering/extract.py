"""Extractive answering: which retrieved passage answers a question, and which
of its sentences to say, within a word budget, word for word from the notes.

Sentences are scored by the question's terms they share (weighted by how rare
each term is among the candidates; a synonym counts half), and a passage by
its best sentence and its title and heading, tempered by retrieval's ranking.
"""

import math
import re
from dataclasses import dataclass

from .plain_text import normalise, sentences_of
from .terms import synonyms, terms

_QUANTITY = re.compile(r"\bhow (?:many|much|long|often|far|fast|heavy|hard|soon)\b|"
                       r"\bwhat (?:percent|percentage|number)\b|\bhow many times\b")
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|"
                     r"thirty|sixty|hundred|half|once|twice|minutes?|seconds?|hours?|"
                     r"days?|weeks?|percent)\b", re.IGNORECASE)
_BACK_REFERENCE = re.compile(r"^(?:this|that|these|those|it|its|they|them|so|but|also|"
                             r"even|however|then|instead|otherwise|here|there|such)\b",
                             re.IGNORECASE)
_QUESTION_WORDS = ("how", "what", "why", "when", "which", "where", "who", "is", "are", "can",
                   "should", "does", "do")
_QUESTION_FORM = re.compile(
    r"\b(how) (?:do|does|should|can|to|would)\b|\b(what)(?:'s| is| are| does)\b|\b(why)\b|"
    r"\b(when) (?:should|can|do|is|to)\b")


@dataclass
class Sentence:
    text: str
    index: int                 # position in its passage
    terms: frozenset
    words: int
    score: float = 0.0         # set by best_passage


def passage_sentences(passage):
    """The passage's sentences as plain prose, without a repeat of its title or heading."""
    skip = {normalise(getattr(passage, "title", "")), normalise(getattr(passage, "heading", ""))}
    found = [s for s in sentences_of(passage.text) if normalise(s) not in skip]
    return [Sentence(text, i, frozenset(terms(text)), len(text.split()))
            for i, text in enumerate(found)]


def best_passage(question, candidates):
    """Score every sentence and pick the passage that answers `question`.

    `candidates` is [(passage, its sentences)], in retrieval's order, none
    without sentences. Returns (passage, sentences, steps), where `steps` says
    the passage gives how-to steps, which are said in order.
    """
    wanted = set(terms(question))
    idf = _idf([s for _passage, group in candidates for s in group], wanted)
    quantity = bool(_QUANTITY.search(question))
    form = question_form(question)
    weights = _rank_weights([passage for passage, _sentences in candidates])
    best = None
    for (passage, sentences), weight in zip(candidates, weights, strict=True):
        for sentence in sentences:
            sentence.score = _score(sentence, wanted, idf, quantity)
        label = set(terms(getattr(passage, "heading", ""))) | \
            set(terms(getattr(passage, "title", "")))
        label_score = _overlap(frozenset(label), wanted, idf)
        if form and form in _heading_forms(getattr(passage, "heading", "")):
            label_score += 1.0  # "how do I ..." and a "How to ..." section
        score = weight * (max(s.score for s in sentences) + 0.8 * label_score + 0.01)
        if best is None or score > best[0]:
            best = (score, passage, sentences)
    _, passage, sentences = best
    # "How do I ..." answered by a "How to ..." section: the steps go in order.
    steps = form == "how" and normalise(getattr(passage, "heading", "")).startswith("how to")
    return passage, sentences, steps


def choose(sentences, max_words, max_sentences, steps=False):
    """The indexes of the best sentence, what it leans on, and the sentences that
    add to it, within the word budget, in their original order."""
    anchor = max(sentences, key=lambda s: (s.score, -s.index))
    if anchor.score <= 0.3 and anchor.index != 0:
        anchor = sentences[0]
    chosen = {anchor.index}
    words = anchor.words
    first = anchor
    # Say what the sentence leans on ("That's ...", or a short "Don't wait."),
    # and what that leans on in turn.
    while first.index > 0 and (_BACK_REFERENCE.match(first.text) or first.words < 10):
        first = sentences[first.index - 1]
        chosen.add(first.index)
        words += first.words
    opening = sentences[0]
    if 0 not in chosen and words + opening.words <= max_words:
        # Each section opens with its main point: say it first, for context.
        chosen.add(0)
        words += opening.words
    while len(chosen) < max_sentences:
        added = _next_addition(sentences, chosen, words, anchor, max_words, steps)
        if added is None:
            break
        chosen.add(added.index)
        words += added.words
    return sorted(chosen)


def fit(spoken, max_words):
    """Join sentences, cutting one very long sentence at a clause boundary."""
    text = " ".join(spoken)
    words = text.split()
    if len(words) <= max_words + 15:
        return text
    head = " ".join(words[:max_words])
    cut = max(head.rfind(", "), head.rfind("; "))
    head = head[:cut] if cut > len(head) // 2 else head
    return head.rstrip(",;: ") + "."


def question_form(text):
    """The kind of question asked ("how", "what", "why", ...), wherever it is
    in what the caller said, or the first word of a section heading."""
    text = normalise(text)
    found = _QUESTION_FORM.search(text)
    if found:
        return next(group for group in found.groups() if group)
    first = text.split()[0] if text else None
    return first if first in _QUESTION_WORDS else None


def _next_addition(sentences, chosen, words, anchor, max_words, steps):
    """The best sentence still worth adding to `chosen`, or None."""
    for sentence in sorted(sentences, key=lambda s: (-s.score, s.index)):
        if sentence.index in chosen or words + sentence.words > max_words:
            continue
        # A neighbour that shares a word with the question (or follows a
        # short answer) reads as one thought; a distant one must match well.
        before = sentence.index == min(chosen) - 1
        after = sentence.index == max(chosen) + 1
        between = min(chosen) < sentence.index < max(chosen)
        useful = (sentence.score >= max(0.8, 0.5 * anchor.score)
                  or ((before or after or between) and sentence.score >= 0.8)
                  or (after and (steps or words < 30 or sentence.words < 12))
                  or between)
        leans_back = _BACK_REFERENCE.match(sentence.text) and \
            sentence.index - 1 not in chosen
        if useful and not leans_back:
            return sentence
    return None


def _idf(sentences, wanted):
    count = len(sentences)
    idf = {}
    for term in wanted | {syn for t in wanted for syn in synonyms(t)}:
        df = sum(1 for s in sentences if term in s.terms)
        idf[term] = math.log(1 + (count + 1) / (df + 0.5))
    return idf


def _overlap(have, wanted, idf):
    score = 0.0
    for term in wanted:
        if term in have:
            score += idf[term]
        else:
            same = synonyms(term) & have
            if same:
                score += 0.5 * max(idf[s] for s in same)
    return score


def _score(sentence, wanted, idf, quantity):
    score = _overlap(sentence.terms, wanted, idf)
    if score and quantity and _NUMBER.search(sentence.text):
        score += 1.0
    if sentence.index == 0:
        score += 0.3  # the notes open each section with its answer
    # Long sentences match more words by chance.
    return score / (1 + 0.015 * max(0, sentence.words - 20))


def _rank_weights(passages):
    """How far to trust retrieval's order when choosing the passage to answer from.

    Retrieval ranks with a better model of meaning than word overlap, so a
    lower-ranked passage has to match the question's words clearly better; by
    how much depends on how close its similarity score is to the best one.
    """
    scores = [getattr(p, "score", None) for p in passages]
    usable = all(isinstance(x, int | float) for x in scores) and len(set(scores)) > 1 \
        and scores == sorted(scores, reverse=True) and 0 < scores[0] <= 1
    if not usable:
        return [(1.0, 0.65, 0.5, 0.4)[min(rank, 3)] for rank in range(len(passages))]
    return [max(0.3, 1.0 - 5 * (scores[0] - score)) for score in scores]


def _heading_forms(heading):
    """The question forms a section heading answers: "How to do a plank" answers
    both "how do I plank" and "what is a plank"."""
    form = question_form(heading)
    forms = {form} if form else set()
    if re.match(r"how to do\b", normalise(heading)):
        forms.add("what")
    return forms
