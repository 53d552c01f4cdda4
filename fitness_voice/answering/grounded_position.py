"""Where the grounded responder's last answer left off, and what it does with
that: "tell me more" says the rest of the passage, then the next section of its
file; "why?" says the reason sentence of the last answer's passage.

The position lives in the call's JSON-safe state under "grounded": the
passage's id, file and sentences, which were spoken, whether more was offered,
the reply said, the question and its topic.
"""

from .contract import LLMAnswer
from .numbers import words_said
from .plain_text import normalise
from .question import fits, kind_of
from .scoring import passage_sentences
from .terms import stopwords, terms, words


class PositionMixin:
    """GroundedResponder's follow-ups on its last answer ("tell me more", "why?").

    Needs `source`, `max_words`, `max_sentences`, `_line`, `_reply` and
    `_passages_of` from the class it is mixed into.
    """

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
        return self._say_passage(ctx, following, position.get("question"), position.get("topic"))

    def _take(self, indexes, sentences):
        chosen, words_taken = [], 0
        for i in indexes:
            size = words_said(sentences[i])
            if chosen and (len(chosen) >= self.max_sentences
                           or words_taken + size > self.max_words):
                break
            chosen.append(i)
            words_taken += size
        return chosen

    def _next_passage(self, position):
        passages = self._passages_of(position.get("file"))
        if not passages:
            return None
        ids = [str(p.id) for p in passages]
        if position["passage_id"] not in ids:
            return None
        for passage in passages[ids.index(position["passage_id"]) + 1:]:
            if passage_sentences(passage):
                return passage
        return None

    def _reason(self, ctx, position, query, resolved):
        """ "Why?": the section of the last answer's file that says why, or else the
        reason sentence of the last answer's passage; never a repeat."""
        section = self._why_section(position, query)
        if section is not None:
            return self._say_passage(ctx, section, resolved.question, resolved.topic)
        sentences = position["sentences"]
        spoken = set(position.get("spoken") or ())
        reasons = [i for i, text in enumerate(sentences)
                   if i not in spoken and fits("why", text)]
        if not reasons:
            # The reason was in the answer already: say just that sentence again.
            reasons = [i for i in spoken if i < len(sentences) and fits("why", sentences[i])]
        if not reasons:
            return None
        wanted = set(query.weights)
        best = max(reasons, key=lambda i: (len(wanted & set(terms(sentences[i]))), -i))
        chosen = [best]
        after = best + 1
        if after < len(sentences) and after not in spoken and fits("why", sentences[after]) \
                and words_said(f"{sentences[best]} {sentences[after]}") <= self.max_words:
            chosen.append(after)
        text = " ".join(sentences[i] for i in chosen)
        position["spoken"] = sorted(spoken | set(chosen))
        position["reply"] = text
        position["question"] = resolved.question
        return LLMAnswer(text=text, source=self.source, passages_used=[position["passage_id"]])


    def _why_section(self, position, query):
        """A "Why ..." section of the last answer's file about what was asked ("Why
        protein helps build muscle" for "how much protein ... why?"), not the one
        just said."""
        wanted = set(query.weights)
        best = None
        for passage in self._passages_of(position.get("file")):
            heading = getattr(passage, "heading", "") or ""
            if str(passage.id) == position.get("passage_id") or kind_of(heading) != "why":
                continue
            shared = len(wanted & set(terms(heading)))
            if shared and (best is None or shared > best[0]):
                best = (shared, passage)
        return None if best is None else best[1]

    def _say_passage(self, ctx, passage, question, topic):
        """The opening of `passage`, remembered as where the next "more" picks up."""
        found = passage_sentences(passage)
        chosen = self._take(list(range(len(found))), [s.text for s in found])
        text = " ".join(found[i].text for i in chosen)
        ctx.state["grounded"] = {
            "passage_id": str(passage.id), "file": getattr(passage, "file", None),
            "sentences": [s.text for s in found], "spoken": chosen, "offered": False,
            "reply": text, "question": question,
            "topic": topic or _title(passage), "title": _title(passage)}
        return LLMAnswer(text=text, source=self.source, passages_used=[str(passage.id)])


def _title(passage):
    """What a passage is about, to lean a follow-up on: its title, lower-cased."""
    title = normalise(getattr(passage, "title", "") or getattr(passage, "heading", ""))
    return title or None


def _same_words(a, b):
    """Whether b is (nearly) a, allowing for spoken-number rewrites by the output filter."""
    mine = set(words(a)) - stopwords()
    if not mine:
        return normalise(a) == normalise(b)
    return len(mine & set(words(b))) >= 0.6 * len(mine)
