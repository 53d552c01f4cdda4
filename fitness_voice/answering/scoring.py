"""Scoring for extractive answering: how well each sentence of the retrieved
passages answers a question, and which passage answers it best.

Sentences are scored by the question's terms they share (weighted by how rare
each term is among the candidates; a synonym counts half; words a follow-up
inherits from the question before it, and the caller's goal, count less), and
by whether they look like an answer to the kind of question asked ("how long"
wants a duration, "why" a reason; see question.py). A passage is scored by its
best sentence and its title and heading, tempered by retrieval's ranking.
Choosing and joining the sentences to say is extract.py.
"""

import functools
import math
import re
from dataclasses import dataclass, field

from .. import lang
from .numbers import words_said
from .plain_text import normalise, sentences_of
from .question import QUANTITIES, fits, kind_of, paraphrased, preferred
from .terms import apart, qualifiers, synonyms, terms

_QUESTION_WORDS = ("how", "what", "why", "when", "which", "where", "who", "is", "are", "can",
                   "should", "does", "do")
_QUESTION_FORM = re.compile(
    r"\b(how) (?:do|does|should|can|to|would)\b|\b(what)(?:'s| is| are| does)\b|\b(why)\b|"
    r"\b(when) (?:should|can|do|is|to)\b")
# How much a term counts: the caller's own words, words a follow-up inherits
# from the question before it, and the caller's profile (goal, experience).
OWN, INHERITED, PROFILE = 1.0, 0.3, 0.5
# Question kinds whose first word says what a heading answers ("how do I" and
# "How to", "what is" and "What ... is"); "how long" and "How often" do not match.
_FORM_KINDS = ("how_to", "what_is", "why", None)
# A follow-up's candidates without any of its own words count this much less.
_WITHOUT_OWN_WORDS = 0.6
# A section headed with the other side of a pair the question is on (terms.apart).
_APART = 0.4
# Other sections of the best passage's file count this much less than retrieval's
# own finds, unless their heading fits the question better.
_SIBLING = 0.6


@dataclass
class Sentence:
    text: str
    index: int                 # position in its passage
    terms: frozenset
    words: int
    score: float = 0.0         # set by best_passage


@dataclass
class Query:
    """What a question asks, for scoring: its terms with their weights, and its kind."""

    text: str
    weights: dict
    kind: str | None = None
    spoken: frozenset = field(default_factory=frozenset)  # said just before: not again
    qualifiers: frozenset = field(default_factory=frozenset)  # "before", "during", ...

    @property
    def own(self):
        return {term for term, weight in self.weights.items() if weight >= OWN}


def query_for(question, own=None, profile=(), kind=None, spoken=()):
    """A Query for `question`; `own` is the caller's own words when the question
    was completed from the one before (their terms count fully, the rest half);
    `profile` is text about the caller (their goal) whose terms count a little."""
    question = paraphrased(question)
    own = paraphrased(own) if own is not None else None
    weights = {}
    own_terms = set(terms(_unframed(own))) if own is not None else None
    for term in terms(_unframed(question)):
        weights[term] = OWN if own_terms is None or term in own_terms else INHERITED
    for term in terms(" ".join(str(p) for p in profile if p)):
        weights.setdefault(term, PROFILE)
    kind = kind or kind_of(own if own is not None and kind_of(own) else question)
    return Query(question, weights, kind, frozenset(normalise(s) for s in spoken),
                 qualifiers(question))


def _unframed(text):
    """Without the words that only say what kind of question it is ("how long",
    "how often"): those are not what the question is about."""
    return _KIND_WORDS.sub(" ", str(text or ""))


_KIND_WORDS = re.compile(r"\bhow (?:long|often)\b", re.IGNORECASE)


def passage_sentences(passage):
    """The passage's sentences as plain prose, without a repeat of its title or
    heading, and without who said it ("..., according to the NHS"). Fresh objects
    each time (best_passage scores them), from parts worked out once per text."""
    parts = _sentence_parts(passage.text, getattr(passage, "title", ""),
                            getattr(passage, "heading", ""), lang.active_language())
    return [Sentence(text, i, found, count) for i, (text, found, count) in enumerate(parts)]


@functools.lru_cache(maxsize=8192)
def _sentence_parts(text, title, heading, language):
    """(sentence, its terms, words said) for each sentence of a passage: the same
    passages are read on every turn, and their terms cost more than the scoring."""
    skip = {normalise(title), normalise(heading)}
    found = []
    for sentence in sentences_of(text):
        if normalise(sentence) in skip:
            continue
        sentence = _without_attribution(sentence)
        if sentence:
            found.append((sentence, frozenset(terms(sentence)), words_said(sentence)))
    return tuple(found)


def best_passage(question, candidates, weights=None, retrieved=None):
    """Score every sentence and pick the passage that answers `question` (text or Query).

    `candidates` is [(passage, its sentences)], in retrieval's order, none
    without sentences; `weights` says how far to trust each (by default from
    retrieval's ranking, see rank_weights). When only the first `retrieved`
    candidates came from retrieval, the rest (other sections of the same file)
    count less unless their heading fits the question better than any found.
    Returns (passage, sentences, steps), where `steps` says the passage gives
    how-to steps, which are said in order.
    """
    query = question if isinstance(question, Query) else query_for(question)
    idf = _idf([s for _passage, group in candidates for s in group], query.weights)
    form = question_form(query.text)
    if weights is None:
        weights = rank_weights([passage for passage, _sentences in candidates])
    labels = [_label_score(passage, query, idf, form) for passage, _sentences in candidates]
    found = len(candidates) if retrieved is None else retrieved
    best_found = max(labels[:found], default=0.0)
    missing = _missing_own_words(query, candidates)
    asked = frozenset(terms(query.text))
    best = None
    for n, ((passage, sentences), weight) in enumerate(zip(candidates, weights, strict=True)):
        label_terms = _label_terms(passage)
        about = _mentions(label_terms, query.own)
        for sentence in sentences:
            sentence.score = _score(sentence, query, idf, about)
        if n >= found and labels[n] <= best_found + 0.5:
            weight *= _SIBLING
        if n in missing:
            weight *= _WITHOUT_OWN_WORDS
        if apart(asked, label_terms):
            weight *= _APART
        score = weight * (1.0 + max(s.score for s in sentences) + labels[n])
        if best is None or score > best[0]:
            best = (score, passage, sentences)
    _, passage, sentences = best
    # "How do I ..." answered by a "How to ..." section: the steps go in order.
    steps = form == "how" and query.kind == "how_to" and \
        normalise(getattr(passage, "heading", "")).startswith("how to")
    return passage, sentences, steps


def _missing_own_words(query, candidates):
    """For a follow-up with words of its own ("what if I've got a fever too" after a
    question about a cold), the candidates that have none of them, when another has:
    the new words are what the follow-up asks about."""
    inherits = any(weight == INHERITED for weight in query.weights.values())
    own = query.own
    if not inherits or not own:
        return set()
    missing = {n for n, (passage, sentences) in enumerate(candidates)
               if not _mentions(_label_terms(passage), own)
               and not any(_mentions(s.terms, own) for s in sentences)}
    return missing if len(missing) < len(candidates) else set()


def heading_answers(passage, query):
    """Whether the passage's heading asks the same kind of question as the caller
    ("Is weight training safe for kids" for "is it okay for him to lift")."""
    return bool(query.kind) and kind_of(getattr(passage, "heading", "")) == query.kind


def question_form(text):
    """The kind of question asked ("how", "what", "why", ...), wherever it is
    in what the caller said, or the first word of a section heading."""
    text = normalise(text)
    found = _QUESTION_FORM.search(text)
    if found:
        return next(group for group in found.groups() if group)
    first = text.split()[0] if text else None
    return first if first in _QUESTION_WORDS else None


def _idf(sentences, weights):
    count = len(sentences)
    idf = {}
    for term in set(weights) | {syn for t in weights for syn in synonyms(t)}:
        df = sum(1 for s in sentences if term in s.terms)
        idf[term] = math.log(1 + (count + 1) / (df + 0.5))
    return idf


def _overlap(have, weights, idf):
    score = 0.0
    for term, weight in weights.items():
        if term in have:
            score += weight * idf[term]
        else:
            same = synonyms(term) & have
            if same:
                score += 0.5 * weight * max(idf[s] for s in same)
    return score


def _score(sentence, query, idf, about=False):
    """`about`: the sentence's section heading names what the question is about, so a
    sentence there needs none of its words ("Protein while losing weight": "staying
    around 1.6 to 2.2 grams per kilogram works well")."""
    score = _overlap(sentence.terms, query.weights, idf)
    if query.kind and fits(query.kind, sentence.text):
        if score > 0:
            score += 1.5 if query.kind in QUANTITIES else 1.0
        elif query.kind not in QUANTITIES:
            score += 0.4
        elif not query.own or about:
            score += 1.0  # "how often should I do that": the kind is all it asks
    elif query.kind in QUANTITIES:
        score *= 0.5  # "how many" and no number: not the answer
    if score > 0 and query.qualifiers & qualifiers(sentence.text):
        score += 0.5  # "during a workout" and "during exercise"
    if score > 0 and preferred(query.kind, query.text, sentence.text):
        score += 0.5  # "how much protein": a day, unless asked per meal
    if sentence.index == 0:
        score += 0.3  # the notes open each section with its answer
    if is_alarm(sentence.text):
        score *= 0.5  # "call emergency services": the safety layer's line, not an answer
    if normalise(sentence.text) in query.spoken and not _mentions(sentence.terms, query.own):
        score *= 0.2  # said just before: a follow-up wants something new
    # Long sentences match more words by chance.
    return score / (1 + 0.015 * max(0, sentence.words - 20))


def _mentions(have, wanted):
    """Whether `have` holds one of the `wanted` terms or a synonym of one."""
    return any(term in have or synonyms(term) & have for term in wanted)


def _label_terms(passage):
    """What a passage is about, by its heading and title, without the words that say
    what kind of question the heading answers ("How long to hold a stretch")."""
    return _labelled(getattr(passage, "heading", ""), getattr(passage, "title", ""),
                     lang.active_language())


@functools.lru_cache(maxsize=8192)
def _labelled(heading, title, language):
    return frozenset(terms(_unframed(heading))) | frozenset(terms(_unframed(title)))


def _label_score(passage, query, idf, form):
    heading = getattr(passage, "heading", "")
    score = 0.8 * _overlap(_label_terms(passage), query.weights, idf)
    if form and query.kind in _FORM_KINDS and form in _heading_forms(heading):
        score += 1.0  # "how do I ..." and a "How to ..." section
    if query.kind and query.kind == kind_of(heading):
        score += 1.0  # "how long should I hold it" and "How long to hold a plank"
    if score > 0 and preferred(query.kind, query.text, heading):
        score += 0.5
    if score > 0 and query.qualifiers & qualifiers(heading):
        score += 0.8
    return score


def rank_weights(passages):
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
    return [max(0.3, 1.0 - 4 * (scores[0] - score)) for score in scores]


def _heading_forms(heading):
    """The question forms a section heading answers: "How to do a plank" answers
    both "how do I plank" and "what is a plank"."""
    form = question_form(heading)
    forms = {form} if form else set()
    if re.match(r"how to do\b", normalise(heading)):
        forms.add("what")
    return forms


def _without_attribution(text):
    """The sentence without who said it, or "" for a sentence that only says who."""
    for pattern in _attributions(lang.active_language())["drop"]:
        if pattern.search(text):
            return ""
    for pattern in _attributions(lang.active_language())["trim"]:
        text = pattern.sub("", text)
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return text


def is_alarm(text):
    """Whether a sentence sends the caller to emergency help (vocabulary `alarms`)."""
    return bool(_alarms(lang.active_language()).search(str(text).lower()))


@functools.cache
def _alarms(language):
    patterns = lang.data("answering/vocabulary", language).get("alarms") or []
    where = f"{language}: answering/vocabulary.yaml"
    if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
        raise lang.LanguageDataError(f"{where}: `alarms` must be a list of patterns")
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)")
    except re.error as error:
        raise lang.LanguageDataError(f"{where}: alarms: {error}") from None


@functools.cache
def _attributions(language):
    data = lang.data("answering/vocabulary", language).get("attributions") or {}
    where = f"{language}: answering/vocabulary.yaml"
    found = {}
    for key in ("trim", "drop"):
        patterns = data.get(key) or []
        if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
            raise lang.LanguageDataError(f"{where}: `attributions.{key}` must be a list of "
                                         "patterns")
        try:
            found[key] = tuple(re.compile(p) for p in patterns)
        except re.error as error:
            raise lang.LanguageDataError(f"{where}: attributions.{key}: {error}") from None
    return found
