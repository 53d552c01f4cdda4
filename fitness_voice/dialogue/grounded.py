"""The pipeline's last stage: an answer grounded in the knowledge base.

It always answers: with what the caller just told us about themselves, or with
the responder's answer to the passages retrieval found (none, if it failed),
checked by the safety filter and made fit for the ear.
"""

import logging
import time
from dataclasses import dataclass

from .. import answering, lang, safety
from ..contract import Reply, TurnTimings
from ..text import speakable
from ..text.clean import clean_reply
from . import memory
from .intents import QUESTION

log = logging.getLogger(__name__)


@dataclass
class Found:
    passages: list
    relevant: bool


NOTHING_FOUND = Found([], False)


def grounded_answer(providers, turn, text):
    """Answer from the knowledge base; mid-workout, then carry on with the workout."""
    reply = _answer(providers, turn, text)
    if providers.workouts.active(turn.state):
        reply.text = f"{reply.text} {providers.workouts.reminder(turn.state)}"
    return reply


def _answer(providers, turn, text):
    learned = _new_facts(memory.extract(text), turn.caller)
    if learned and not QUESTION.search(text):
        follow_up = lang.catalogue()["dialogue.follow_up"]
        return Reply(f"{memory.describe(learned)} {follow_up}", kind="memory",
                     profile_updates=learned)
    started = time.perf_counter()
    found = _search(providers, _query(text, turn.history))
    timings = TurnTimings(retrieval_ms=_ms(started))
    profile = {**turn.caller.profile, **learned}
    if turn.caller.name:
        profile.setdefault("name", turn.caller.name)
    context = answering.CoachContext(question=text, passages=found.passages,
                                     relevant=found.relevant, history=turn.history,
                                     profile=profile, state=turn.state)
    answer = providers.responder.answer(context)
    timings.add(answer.timings)
    instructions = answering.system_prompt()
    said = speakable.for_speech(
        clean_reply(safety.check_reply(answer.text, instructions=instructions)
                    or answer.text))
    updates = {**learned, **_known_keys(answer.profile_updates)}
    if answer.source == "grounded":
        if learned:
            said = f"{memory.describe(learned)} {said}"
        caution = providers.workouts.caution(profile.get("injuries"),
                                             [p.file for p in found.passages[:1]])
        if caution and found.relevant:
            said = f"{said} {caution}"
    return Reply(said, kind="answer", profile_updates=updates, timings=timings, details={
        "source": answer.source, "usage": answer.usage,
        "passages": answer.passages_used, "relevant": found.relevant,
        **({"llm_error": answer.error} if answer.error else {})})


def _search(providers, text):
    try:
        return providers.knowledge.search(text, k=providers.k)
    except Exception:  # the retrieval provider's failure must not cost the answer
        log.exception("retrieval failed; answering as if nothing was relevant")
        return NOTHING_FOUND


def _new_facts(facts, caller):
    known = {"name": caller.name, **caller.profile}
    return {key: value for key, value in facts.items() if known.get(key) != value}


def _known_keys(updates):
    return {key: value for key, value in (updates or {}).items() if key in memory.PROFILE_KEYS}


def _query(text, history):
    """Short follow-ups ("what about for beginners?") lean on the previous question."""
    if len(text.split()) < 5 and history:
        return f"{history[-1][0]} {text}"
    return text


def _ms(started):
    return round((time.perf_counter() - started) * 1000, 2)
