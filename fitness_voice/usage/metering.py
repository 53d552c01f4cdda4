"""One call's usage, from what was stored, and its cost at a price table.

- Minutes: the status callback's CallDuration, rounded up to whole minutes as
  Twilio bills them; a call with no callback yet is timed from its first to its
  last turn (and marked estimated).
- Recognition: each caller turn is one <Gather> Twilio listened to, billed per
  15 seconds of speech. We are not told how long the caller spoke, so it is
  estimated from the words (about 2.5 spoken words a second), at least one block.
- Synthesis: the characters our engine rendered (cache hits are free), and the
  characters Twilio's <Say> spoke when there was no audio of our own.
- Tokens: what the LLM reported for each answer.
"""

import math
from dataclasses import asdict, dataclass, field

WORDS_PER_SECOND = 2.5
RECOGNITION_BLOCK_SECONDS = 15


@dataclass
class CallUsage:
    seconds: int = 0
    estimated_duration: bool = False
    recognition_blocks: int = 0
    synthesized: dict = field(default_factory=dict)  # engine -> characters rendered
    cached_characters: int = 0
    said_characters: int = 0   # spoken by Twilio's <Say>
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def minutes(self):
        """Billed minutes: every started minute counts."""
        return math.ceil(self.seconds / 60) if self.seconds else 0

    def to_json(self):
        return {**asdict(self), "minutes": self.minutes}


def call_usage(session, turns):
    """The usage of one call (a CallSession and its Turn rows)."""
    usage = CallUsage()
    usage.seconds, usage.estimated_duration = _duration(session, turns)
    for turn in turns:
        details = turn.details or {}
        if turn.index:
            usage.recognition_blocks += recognition_blocks(turn.speech)
        speech = details.get("speech") or {}
        if speech.get("synthesized"):
            engine = speech.get("engine") or "local"
            usage.synthesized[engine] = usage.synthesized.get(engine, 0) + speech["synthesized"]
        usage.cached_characters += speech.get("cached", 0)
        usage.said_characters += speech.get("said", 0)
        tokens = details.get("usage") or {}
        usage.prompt_tokens += int(tokens.get("prompt_tokens") or 0)
        usage.completion_tokens += int(tokens.get("completion_tokens") or 0)
    return usage


def recognition_blocks(speech):
    """15-second blocks of recognition for one caller turn (silence: one block listened)."""
    seconds = len((speech or "").split()) / WORDS_PER_SECOND
    return max(1, math.ceil(seconds / RECOGNITION_BLOCK_SECONDS))


def cost(usage, prices):
    """Dollars by service: telephony, recognition, synthesis, llm."""
    synthesis = sum(characters * prices.synthesis_per_char.get(engine, 0.0)
                    for engine, characters in usage.synthesized.items())
    return {
        "telephony": usage.minutes * prices.voice_per_minute,
        "recognition": usage.recognition_blocks * prices.speech_per_15s,
        "synthesis": synthesis + usage.said_characters * prices.say_per_char,
        "llm": prices.tokens(usage.prompt_tokens, usage.completion_tokens),
    }


def add(total, more):
    """Sum two cost-by-service dicts."""
    return {key: total.get(key, 0.0) + more.get(key, 0.0) for key in {*total, *more}}


def _duration(session, turns):
    if session.duration_seconds is not None:
        return session.duration_seconds, False
    if not turns:
        return 0, True
    last = max(turn.created_at for turn in turns)
    return max(0, round((last - session.started_at).total_seconds())), True
