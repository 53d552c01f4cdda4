"""The grounded responder: answers from the retrieved passages alone, without a
model. It says the sentences that answer the question (see extract.py), says
honestly when the notes have nothing, goes on with "tell me more", and handles
the small talk and call control a phone conversation needs (see intents.py).

What it needs between turns lives in the call's JSON-safe state: "grounded"
(where the last answer left off), "more_hint_given", and "slow" when the
caller asked for slower speech.
"""

import logging
import time
from collections.abc import Callable

from .. import lang
from .contract import LLMAnswer, elapsed_ms
from .extract import best_passage, choose, fit, passage_sentences
from .intents import intent_of, question_part
from .plain_text import normalise
from .terms import stopwords, words

log = logging.getLogger(__name__)


class GroundedResponder:
    """Answers from the retrieved passages alone.

    `passages_of(file)` (optional) returns a knowledge-base file's passages in
    order, so "tell me more" can carry on into the next section.
    `normalize(text)` (optional) fixes speech-recognition slips in the question
    before its words are matched ("squads" -> "squats"), as retrieval does.
    """

    source = "grounded"

    def __init__(self, passages_of: Callable[[str], list] | None = None,
                 normalize: Callable[[str], str] | None = None, max_words=60,
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

    def fixed_phrases(self):
        """The replies said word for word, so the speech layer can pre-render them."""
        return [self._line(key) for key in _FIXED_LINES]

    def answer(self, ctx):
        start = time.monotonic()
        reply = self.control_reply(ctx) or self._respond(ctx)
        reply.timings = {"llm_ms": elapsed_ms(start)}
        return reply

    def control_reply(self, ctx):
        """Repeat the last reply (slower, if asked), or None for anything else.

        Cheap, exact and the same audio as before, so the fallback responder
        handles these itself even when a model is configured.
        """
        intent = intent_of(ctx.question)
        if intent not in ("repeat", "slower"):
            return None
        if intent == "slower":
            ctx.state["slow"] = True
        last = _last_reply(ctx)
        if not last:
            return self._reply(self._line("nothing_to_repeat"))
        return LLMAnswer(text=last, source=self.source)

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
        passages = list(ctx.passages or ())
        if not ctx.relevant or not passages:
            ctx.state.pop("grounded", None)
            return self._reply(self._named("not_found", name))
        return self._answer_question(ctx, question, passages)

    def _question_part(self, utterance):
        text = question_part(utterance)
        if text and self.normalize is not None:
            try:
                text = normalise(self.normalize(text))
            except Exception:
                log.exception("normalize(%r) failed", text)
        return text

    # -- answering from passages -----------------------------------------------

    def _answer_question(self, ctx, question, passages):
        candidates = [(passage, found) for passage in passages[:4]
                      if (found := passage_sentences(passage))]
        if not candidates:
            return self._reply(self._named("not_found", (ctx.profile or {}).get("name")))
        passage, sentences, steps = best_passage(question, candidates)
        chosen = choose(sentences, self.max_words, self.max_sentences, steps)
        return self._speak_passage(ctx, passage, sentences, chosen)

    def _speak_passage(self, ctx, passage, sentences, chosen):
        text = fit([sentences[i].text for i in chosen], self.max_words)
        rest = [s for s in sentences if s.index not in chosen and s.index > min(chosen)] or \
            [s for s in sentences if s.index not in chosen]
        position = {"passage_id": str(passage.id), "file": getattr(passage, "file", None),
                    "sentences": [s.text for s in sentences], "spoken": list(chosen),
                    "offered": False, "reply": None}
        if rest and not ctx.state.get("more_hint_given"):
            # Once a call, tell the caller how to get the rest.
            text += " " + self._line("more_hint")
            ctx.state["more_hint_given"] = True
            position["offered"] = True
        position["reply"] = text
        ctx.state["grounded"] = position
        return LLMAnswer(text=text, source=self.source, passages_used=[str(passage.id)])

    # -- "tell me more" --------------------------------------------------------

    def _position(self, ctx):
        """Where the last grounded answer left off, if it was the last thing said."""
        position = ctx.state.get("grounded")
        if not isinstance(position, dict) or not position.get("sentences"):
            return None
        if ctx.history:
            last = ctx.history[-1][1] if len(ctx.history[-1]) > 1 else ""
            if not _same_words(position.get("reply") or "", last or ""):
                return None  # something else was said since (another responder, a redirect)
        return position

    def _more(self, ctx, position):
        if not position:
            return self._reply(self._line("more_about_what"))
        sentences = position["sentences"]
        spoken = set(position.get("spoken") or ())
        after = max(spoken) if spoken else -1
        rest = [i for i in range(len(sentences)) if i not in spoken and i > after] or \
               [i for i in range(len(sentences)) if i not in spoken]
        if rest:
            chosen = self._take(rest, sentences)
            position["spoken"] = sorted(spoken | set(chosen))
            text = " ".join(sentences[i] for i in chosen)
            position["reply"] = text
            return LLMAnswer(text=text, source=self.source,
                             passages_used=[position["passage_id"]])
        following = self._next_passage(position)
        if following is None:
            position["reply"] = self._line("no_more")
            return LLMAnswer(text=self._line("no_more"), source=self.source)
        found = passage_sentences(following)
        chosen = self._take(list(range(len(found))), [s.text for s in found])
        text = " ".join(found[i].text for i in chosen)
        ctx.state["grounded"] = {
            "passage_id": str(following.id), "file": getattr(following, "file", None),
            "sentences": [s.text for s in found], "spoken": chosen, "offered": False,
            "reply": text}
        return LLMAnswer(text=text, source=self.source, passages_used=[str(following.id)])

    def _take(self, indexes, sentences):
        chosen, words_taken = [], 0
        for i in indexes:
            size = len(sentences[i].split())
            if chosen and (len(chosen) >= self.max_sentences
                           or words_taken + size > self.max_words):
                break
            chosen.append(i)
            words_taken += size
        return chosen

    def _next_passage(self, position):
        if not self.passages_of or not position.get("file"):
            return None
        try:
            passages = [p for p in self.passages_of(position["file"]) if p is not None]
        except Exception:
            log.exception("passages_of(%r) failed", position["file"])
            return None
        ids = [str(p.id) for p in passages]
        if position["passage_id"] not in ids:
            return None
        for passage in passages[ids.index(position["passage_id"]) + 1:]:
            if passage_sentences(passage):
                return passage
        return None

    # -- lines said word for word ----------------------------------------------

    def _reply(self, text):
        return LLMAnswer(text=text, source=self.source)

    def _small_talk(self, intent, name, first):
        if intent == "greeting":
            return self._named("greeting", name) if first else self._line("still_here")
        if intent == "thanks":
            return self._named("welcome", name)
        return self._line(_SMALL_TALK.get(intent, "ack"))

    def _line(self, key):
        return self.lines[f"answering.{key}"]

    def _named(self, key, name):
        """The line `key`, addressed to the caller by name when we know it."""
        if name:
            return self.lines.say(f"answering.{key}_by_name", name=name)
        return self._line(key)


_LINES = ("greeting", "greeting_by_name", "still_here", "welcome", "welcome_by_name",
          "capabilities", "not_found", "not_found_by_name", "ack", "declined",
          "nothing_to_repeat", "no_more", "more_about_what", "more_hint")
# Whole replies without the caller's name, in the order they were always listed.
_FIXED_LINES = ("greeting", "still_here", "welcome", "capabilities", "not_found", "ack",
                "declined", "nothing_to_repeat", "no_more", "more_about_what")
# Small talk and the line it gets ("greeting" and "thanks" use the caller's name).
_SMALL_TALK = {"greeting": "greeting", "thanks": "welcome", "capabilities": "capabilities",
               "ack": "ack", "yes": "ack", "no": "declined"}


def _last_reply(ctx):
    for turn in reversed(list(ctx.history or ())):
        if len(turn) > 1 and turn[1]:
            return turn[1]
    if ctx.state.get("last_reply"):
        return ctx.state["last_reply"]
    position = ctx.state.get("grounded")
    return position.get("reply") if isinstance(position, dict) else None


def _same_words(a, b):
    """Whether b is (nearly) a, allowing for spoken-number rewrites by the output filter."""
    mine = set(words(a)) - stopwords()
    if not mine:
        return normalise(a) == normalise(b)
    return len(mine & set(words(b))) >= 0.6 * len(mine)
