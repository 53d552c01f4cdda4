"""The pipeline's last stage: an answer grounded in the knowledge base.

It always answers: with the responder's answer to the passages retrieval found
(none, if it failed), checked by the safety filter and made fit for the ear. What
the line told us about the caller is learned on the way (profile_updates) and
acknowledged in a few words at most; it never replaces the answer.
"""

import logging
import time
from dataclasses import dataclass

from .. import answering, lang, safety
from ..contract import Reply, TurnTimings
from ..text import speakable
from ..text.clean import clean_reply
from ..text.sentences import split_sentences
from . import memory
from .first_sentence import FirstSentence

log = logging.getLogger(__name__)


@dataclass
class Found:
    passages: list
    relevant: bool


NOTHING_FOUND = Found([], False)
MAX_SENTENCES = 3  # a phone answer is one to three sentences


def grounded_answer(providers, turn, text):
    """Answer from the knowledge base; mid-workout, then carry on with the workout."""
    first = FirstSentence.for_turn(turn)  # None unless the call can speak it first
    reply = _answer(providers, turn, text, first)
    if providers.workouts.active(turn.state):
        reply.text = f"{reply.text} {providers.workouts.reminder(turn.state)}"
    return first.split(reply) if first else reply


def _answer(providers, turn, text, first=None):
    learned = side_facts(text, turn.caller)
    started = time.perf_counter()
    found = _search(providers, answering.standalone_question(text, turn.history, turn.state))
    timings = TurnTimings(retrieval_ms=_ms(started))
    profile = {**turn.caller.profile, **learned}
    profile.pop("name", None)
    name = turn.caller.name or learned.get("name")
    if name:
        profile.setdefault("name", name)
    context = answering.CoachContext(question=text, passages=found.passages,
                                     relevant=found.relevant, history=turn.history,
                                     profile=profile, state=turn.state,
                                     first_sentence=first.from_model if first else None)
    answer = providers.responder.answer(context)
    timings.add(answer.timings)
    said = speakable.for_speech(clean_reply(_checked(answer) or answer.text))
    updates = {**learned, **_model_updates(answer.profile_updates, turn.caller)}
    if answer.source == "grounded":
        said = acknowledged(said, learned)
        caution = providers.workouts.caution(profile.get("injuries"),
                                             [p.file for p in found.passages[:1]])
        if caution and found.relevant:
            said = cautioned(said, caution)
    return Reply(said, kind="answer", profile_updates=updates, timings=timings, details={
        "source": answer.source, "usage": answer.usage,
        "passages": answer.passages_used, "relevant": found.relevant,
        **({"llm_error": answer.error} if answer.error else {})})


def general_note(providers, turn, text):
    """One sentence the notes give on what the caller asked about, for a reply that
    cannot diagnose: what is commonly true, never what the caller has. None when
    the notes hold nothing relevant or the sentence would not pass the safety check."""
    found = _search(providers, answering.standalone_question(text, turn.history, turn.state))
    if not found.relevant:
        return None
    context = answering.CoachContext(question=text, passages=found.passages, relevant=True,
                                     history=turn.history, profile=dict(turn.caller.profile),
                                     state=turn.state)
    answer = answering.notes_responder(providers.responder).answer(context)
    said = speakable.for_speech(clean_reply(answer.text))
    statements = [s for s in split_sentences(said) if not s.endswith("?")]
    if not statements or safety.check_reply(statements[0]) \
            or not _same_subject(text, statements[0]):
        return None
    return statements[0]


def _same_subject(question, sentence):
    """Whether the sentence names something the question names, beyond the pain
    itself: a note on shoulder pain is no answer about an elbow."""
    return bool(set(answering.subject_terms(question)) & set(answering.subject_terms(sentence)))


def cautioned(said, caution):
    """The answer with the injury caution after it, still at most three sentences: the
    answer's last sentences (its "want to hear more?" first) make room."""
    sentences = split_sentences(said)
    room = max(1, MAX_SENTENCES - len(split_sentences(caution)))
    return " ".join([*sentences[:room], caution])


def _checked(answer):
    """The safety check of what is about to be said. Echoing the instructions can
    only happen to a model: grounded text comes from our own notes, and its honest
    "nothing on that" shares words with the prompt."""
    instructions = answering.system_prompt() if answer.source != "grounded" else None
    return safety.check_reply(answer.text, instructions=instructions)


def side_facts(text, caller):
    """What the line told us about the caller, learned on the way to the answer. A
    known caller's name is never changed in passing (caller_facts asks first)."""
    learned = new_facts(memory.extract(text), caller)
    if caller.name:
        learned.pop("name", None)
    return learned


def acknowledged(said, learned):
    """A few words for what we learned, before the answer. A name is always greeted
    (the answer gives up its last sentence if it must); other facts only when the
    answer leaves room."""
    lines = lang.catalogue()
    if not learned:
        return said
    sentences = split_sentences(said)
    if "name" in learned:
        if len(sentences) >= MAX_SENTENCES:
            said = " ".join(sentences[:MAX_SENTENCES - 1])
        return f"{lines.say('dialogue.nice_to_meet_you', name=learned['name'])} {said}"
    if len(sentences) >= MAX_SENTENCES:
        return said
    if "injuries" in learned:
        return f"{lines.say('dialogue.noted_injury', injuries=learned['injuries'])} {said}"
    return f"{lines['dialogue.noted']} {said}"


def _search(providers, text):
    try:
        return providers.knowledge.search(text, k=providers.k)
    except Exception:  # the retrieval provider's failure must not cost the answer
        log.exception("retrieval failed; answering as if nothing was relevant")
        return NOTHING_FOUND


def new_facts(facts, caller):
    """The facts that differ from what we know about the caller."""
    known = {"name": caller.name, **caller.profile}
    return {key: value for key, value in facts.items() if known.get(key) != value}


def _model_updates(updates, caller):
    """What the model's profile tool call learned, limited to the profile keys; a name
    only for a caller who has none, and only one that looks like a name."""
    kept = {key: value for key, value in (updates or {}).items() if key in memory.PROFILE_KEYS}
    name = kept.pop("name", None)
    if name and not caller.name and all(memory.looks_like_name(part)
                                        for part in str(name).split()[:2]):
        kept["name"] = str(name).split()[0].capitalize()
    return kept


def _ms(started):
    return round((time.perf_counter() - started) * 1000, 2)
