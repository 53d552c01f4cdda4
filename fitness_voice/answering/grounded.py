"""The grounded responder: answers from the retrieved passages alone, without a
model. It rewrites a follow-up as a standalone question (followup.py), says
the sentences that answer the kind of question asked (scoring.py, extract.py,
question.py), adds a sentence of another passage when the first leaves part of
the question open, works out simple numbers from the caller's figures
(compute.py), says honestly when the notes have nothing, goes on with "tell me
more" (grounded_position.py), and handles the small talk and call control a
phone conversation needs (intents.py, grounded_canned.py).

What it needs between turns lives in the call's JSON-safe state: "grounded"
(where the last answer left off, and what it was about), "more_hint_given",
and "slow" when the caller asked for slower speech.
"""

import logging
import re
import time
from collections.abc import Callable

from .. import lang
from .compute import caller_figures, compute
from .contract import LLMAnswer, elapsed_ms
from .extract import choose, complement, fit
from .followup import own_terms, resolve
from .grounded_canned import _LINES, _SMALL_TALK, CannedRepliesMixin, _last_reply
from .grounded_position import PositionMixin, _title
from .intents import intent_of, question_part
from .numbers import with_digits, words_said
from .plain_text import normalise, sentences_of
from .question import QUANTITIES, fits, kind_of
from .scoring import (
    best_passage,
    heading_answers,
    is_alarm,
    passage_sentences,
    query_for,
    rank_weights,
)
from .terms import synonyms, terms

log = logging.getLogger(__name__)


class GroundedResponder(PositionMixin, CannedRepliesMixin):
    """Answers from the retrieved passages alone.

    `passages_of(file)` (optional) returns a knowledge-base file's passages in
    order, so "tell me more" can carry on into the next section.
    `normalize(text)` (optional) fixes speech-recognition slips in the question
    before its words are matched ("squads" -> "squats"), as retrieval does.
    """

    source = "grounded"

    def __init__(self, passages_of: Callable[[str], list] | None = None,
                 normalize: Callable[[str], str] | None = None, max_words=40,
                 max_sentences=3):
        self.passages_of = passages_of
        self.normalize = normalize
        self.max_words = max_words
        self.max_sentences = max_sentences
        self.lines = lang.catalogue()
        missing = [key for key in _LINES if f"answering.{key}" not in self.lines]
        if missing:
            raise lang.LanguageDataError(f"{self.lines.language}: answering lines missing: "
                                         f"{', '.join(missing)}")

    def answer(self, ctx):
        start = time.monotonic()
        reply = self.control_reply(ctx) or self._respond(ctx)
        reply.timings = {"llm_ms": elapsed_ms(start)}
        return reply

    def _respond(self, ctx):
        intent = intent_of(ctx.question)
        name = (ctx.profile or {}).get("name")
        position = self._position(ctx)
        offered = bool(position and position.get("offered"))
        if position:
            position["offered"] = False
        if intent == "more" or (intent == "yes" and offered):
            return self._more(ctx, position)
        question = self._question_part(ctx.question)
        if intent in _SMALL_TALK or not question:
            text = self._small_talk(intent, name, first=not ctx.history)
            if position:
                position["reply"] = text  # "OK." then "go on" still goes on
            return self._reply(text)
        resolved = resolve(ctx.question, ctx.history, ctx.state)
        passages = list(ctx.passages or ())
        if not ctx.relevant or not passages:
            return self._miss(ctx, resolved, passages)
        return self._answer_question(ctx, resolved, passages, position)

    def _question_part(self, utterance):
        text = question_part(utterance)
        return self._clean(text)

    def _clean(self, text):
        """Normalised, with speech-recognition slips fixed when we can."""
        if text and self.normalize is not None:
            try:
                text = normalise(self.normalize(text))
            except Exception:
                log.exception("normalize(%r) failed", text)
        return text

    # -- answering from passages -----------------------------------------------

    def _query(self, ctx, resolved, position):
        said = self._clean(resolved.said)
        if resolved.follow_up is None:
            question, own = said, None
        else:
            question, own = self._clean(resolved.question), said
        spoken = []
        if position and resolved.follow_up:
            spoken = [position["sentences"][i] for i in position.get("spoken") or ()
                      if i < len(position["sentences"])]
        profile = ctx.profile or {}
        return query_for(question, own=own, profile=(profile.get("goal"),
                                                     profile.get("experience")),
                         spoken=spoken)

    def _answer_question(self, ctx, resolved, passages, position):
        query = self._query(ctx, resolved, position)
        if resolved.follow_up == "why" and position:
            reply = self._reason(ctx, position, query, resolved)
            if reply is not None:
                return reply
        candidates, weights, retrieved = self._candidates(passages, position, resolved)
        if not candidates:
            return self._miss(ctx, resolved, [])
        passage, sentences, steps = best_passage(query, candidates, weights, retrieved)
        # Not added for context: what was just said, and emergency advice.
        avoid = {s.index for s in sentences
                 if normalise(s.text) in query.spoken or is_alarm(s.text)}
        chosen = choose(sentences, self.max_words, self.max_sentences, steps, avoid,
                        lead=heading_answers(passage, query),
                        verdict=_verdict_first(query, sentences))
        spoken = [sentences[i].text for i in chosen]
        used = [str(passage.id)]
        figured = self._computed(ctx, query, resolved, passage, sentences, chosen, candidates)
        if figured is not None:
            spoken, source = figured
            if source[0] is not passage:
                passage = source[0]
                sentences = next((found for p, found in candidates if p is passage),
                                 None) or passage_sentences(passage)
                used = [str(passage.id)]
            # Only what was said counts as spoken: "tell me more" reads the rate.
            chosen = [source[1].index] if source[1].text in spoken else []
        else:
            room = self.max_words + 8 - sum(words_said(text) for text in spoken)
            extra = complement(query, passage, [sentences[i] for i in chosen], candidates, room)
            if extra is not None and len(spoken) < self.max_sentences:
                spoken.append(extra[1].text)
                used.append(str(extra[0].id))
        return self._speak_passage(ctx, passage, sentences, chosen, spoken, used, resolved)

    def _candidates(self, passages, position, resolved):
        """The retrieved passages, the sections of the last answer's file for a
        follow-up (or a question still on its topic), and the other sections of
        the best one's file; with their weights and how many count in full (the
        rest must fit the question better to win): "how long should I hold it"
        finds "How long to hold a plank" beside "How to do a plank"."""
        found = [(p, sentences) for p in passages[:4] if (sentences := passage_sentences(p))]
        weights = rank_weights([p for p, _sentences in found])
        top = weights[0] if weights else 1.0
        seen = {str(p.id) for p, _sentences in found}

        def add(file):
            for sibling in self._passages_of(file):
                if str(sibling.id) not in seen and (sentences := passage_sentences(sibling)):
                    seen.add(str(sibling.id))
                    found.append((sibling, sentences))
                    weights.append(top)

        if position and position.get("file") and (resolved.follow_up or set(
                own_terms(resolved.said)) & set(terms(" ".join(position["sentences"])))):
            add(position["file"])
        in_full = len(found)
        same_topic = bool(position and resolved.follow_up is None and set(
            own_terms(resolved.said)) & set(terms(position.get("title") or "")))
        if position and (resolved.follow_up in _CONTINUING or same_topic):
            # "How many times a week?" with no topic of its own goes on from the passage
            # the last answer came from, unless another fits it clearly better; so does
            # "how long should each walk be" after "how do I start walking".
            for n, (p, _sentences) in enumerate(found):
                if str(p.id) == position.get("passage_id"):
                    weights[n] = top * _CONTINUITY
        if found and getattr(found[0][0], "file", None):
            add(found[0][0].file)
        return found, weights, in_full

    def _sibling_sentences(self, candidates):
        seen = {str(p.id) for p, _found in candidates}
        files = dict.fromkeys(getattr(p, "file", None) for p, _found in candidates[:3])
        return [(sibling, s) for file in files if file for sibling in self._passages_of(file)
                if str(sibling.id) not in seen for s in passage_sentences(sibling)]

    def _passages_of(self, file):
        if not self.passages_of or not file:
            return []
        try:
            return [p for p in self.passages_of(file) if p is not None]
        except Exception:
            log.exception("passages_of(%r) failed", file)
            return []

    def _computed(self, ctx, query, resolved, passage, sentences, chosen, candidates):
        """The caller's own figure worked out from a rate in the notes, as
        (sentences to say, (passage, sentence) it came from), or None."""
        # Worked out when the caller asks for a figure, or gives theirs; not again for
        # "what if I want it faster" after it.
        asked = kind_of(resolved.said) if resolved.follow_up else query.kind
        earlier = [turn[0] for turn in reversed(list(ctx.history or ())) if turn and turn[0]]
        figures = caller_figures(ctx.question, *earlier)
        # "I walk thirty minutes five days a week, is that enough?" is answered by adding up.
        weekly = asked == "ok" and caller_figures(ctx.question).weekly_minutes is not None
        if asked not in (*QUANTITIES, "what_is", None) and resolved.follow_up != "figures" \
                and not weekly:
            return None
        if resolved.follow_up not in (None, "figures", "reference") and asked is None:
            return None
        if not figures.any():
            return None
        # The answer's own sentences first, then the rest of its passage, then
        # the other passages' sentences that share the question's words.
        ordered = [(passage, sentences[i])
                   for i in sorted(chosen, key=lambda i: -sentences[i].score)]
        ordered += [(passage, s) for s in sorted(sentences, key=lambda s: -s.score)
                    if s.index not in chosen]
        ordered += [(other, s) for other, found in candidates if other is not passage
                    for s in sorted(found, key=lambda s: -s.score) if s.score >= 1.0]
        # Last, the other sections of the retrieved files: "what heart rate on easy runs"
        # finds the formula in one section and the easy range in another.
        ordered += self._sibling_sentences(candidates)
        found = compute(query.text, [(n, pair[1].text) for n, pair in enumerate(ordered)],
                        figures)
        if found is None:
            return None
        source = ordered[found.sentence]
        line = self.lines.say(f"answering.{found.line}", **found.fields)
        last = _last_reply(ctx)
        if last and normalise(with_digits(line)) in normalise(with_digits(last)):
            return None  # said just before: "how fast can I lose it?" wants the rate itself
        spoken = [line]
        # The rate it came from, unless that has a worked example of its own
        # ("so a 40 year old would have ...") that would muddle the caller's.
        if not found.standalone and words_said(line) + source[1].words <= self.max_words + 5 \
                and not _WORKED_EXAMPLE.search(with_digits(source[1].text)):
            spoken.append(source[1].text)
        return spoken, source

    def _speak_passage(self, ctx, passage, sentences, chosen, spoken, used, resolved):
        chosen, spoken = list(chosen), list(spoken)
        text = fit(spoken, self.max_words)
        chosen = [i for i in chosen if _said(sentences[i].text, text)]
        rest = self._rest(sentences, chosen)
        # Tell the caller how to get the rest: once a call, and whenever the rest
        # still answers the question.
        offer = bool(rest) and (any(s.score >= 1.0 for s in rest)
                                or not ctx.state.get("more_hint_given"))
        if offer and len(sentences_of(text)) >= self.max_sentences and len(chosen) > 1:
            # "Want to hear more?" is the third sentence: the passage's weakest one
            # (never the answer itself) waits for it.
            best = max(chosen, key=lambda i: sentences[i].score)
            weakest = min((i for i in chosen if i != best), key=lambda i: sentences[i].score)
            spoken = [part for part in spoken if part != sentences[weakest].text]
            chosen.remove(weakest)
            text = fit(spoken, self.max_words)
        used = [pid for pid in used if pid == str(passage.id)] + [
            pid for pid, part in zip(used[1:], spoken[len(chosen):], strict=False)
            if _said(part, text)]
        position = {"passage_id": str(passage.id), "file": getattr(passage, "file", None),
                    "sentences": [s.text for s in sentences], "spoken": chosen,
                    "offered": offer, "reply": None, "question": resolved.question,
                    "topic": resolved.topic or _title(passage), "title": _title(passage)}
        if offer:
            text += " " + self._line("more_hint")
            ctx.state["more_hint_given"] = True
        position["reply"] = text
        ctx.state["grounded"] = position
        return LLMAnswer(text=text, source=self.source, passages_used=used)

    @staticmethod
    def _rest(sentences, chosen):
        """The sentences not said yet, those after the answer first."""
        start = min(chosen, default=-1)
        return [s for s in sentences if s.index not in chosen and s.index > start] or \
            [s for s in sentences if s.index not in chosen]

    # -- honest misses -----------------------------------------------------------

    def _miss(self, ctx, resolved, passages):
        """Nothing retrieval trusts: answer anyway when the nearest passage has every
        word of the question ("is create in safe" heard for creatine), else say so
        and give the nearest useful thing."""
        ctx.state.pop("grounded", None)
        name = (ctx.profile or {}).get("name")
        candidates = [(passage, found) for passage in passages[:4]
                      if (found := passage_sentences(passage))]
        if not candidates:
            return self._reply(self._named("not_found", name))
        query = self._query(ctx, resolved, None)
        passage, sentences, _steps = best_passage(query, candidates)
        nearest = max(sentences, key=lambda s: (s.score, -s.index))
        have = nearest.terms | frozenset(terms(getattr(passage, "heading", "")))
        if len(query.own) >= 2 and all(_near(t, have) for t in query.own):
            return self._answer_question(ctx, resolved, passages, None)
        topic = set(own_terms(self._clean(resolved.said)))
        score = getattr(passage, "score", None)
        far = isinstance(score, int | float) and 0 < score < _NEAREST_FLOOR
        if far or not any(_near(t, have) for t in topic) or nearest.words > self.max_words:
            return self._reply(self._named("not_found", name))
        text = self.lines.say("answering.not_found_nearest", nearest=nearest.text)
        ctx.state["grounded"] = {
            "passage_id": str(passage.id), "file": getattr(passage, "file", None),
            "sentences": [s.text for s in sentences], "spoken": [nearest.index],
            "offered": False, "reply": text, "question": resolved.question,
            "topic": _title(passage), "title": _title(passage)}
        return LLMAnswer(text=text, source=self.source, passages_used=[str(passage.id)])


# Follow-ups with no topic of their own, and how much more the last answer's
# passage counts for them.
_CONTINUING = ("bare", "reference")
_CONTINUITY = 1.15
# Below this retrieval similarity, the nearest passage is too far to offer.
_NEAREST_FLOOR = 0.25
# "a 40 year old", "for a 70 kilogram person": an example figure in the notes.
_WORKED_EXAMPLE = re.compile(r"\b(?:a|an) \d+(?:\.\d+)? (?:year old|years old|kilogram|"
                             r"kilograms|kilo|kg|pound|pounds)\b")


def _verdict_first(query, sentences):
    """ "Can I still lift at sixty-eight?" wants the verdict the section opens with
    ("Strength training is safe and valuable for most older adults") before the how."""
    return query.kind == "ok" and bool(sentences) and fits("ok", sentences[0].text) and \
        sentences[0].score > 0.3


def _said(sentence, text):
    """Whether `sentence` was said in `text`, whole or cut short at a clause."""
    head = " ".join(sentence.split()[:6])
    return sentence in text or (len(head.split()) == 6 and head in text)


def _near(term, have):
    """Whether `have` holds `term`, a synonym, or a word it was likely misheard
    from: a stem of five letters or more that begins another ("creat", "creatin")."""
    if term in have or synonyms(term) & have:
        return True
    return len(term) >= 5 and any(len(t) > len(term) and t.startswith(term) for t in have)
