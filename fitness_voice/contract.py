"""The turn contract every layer shares: what the caller said and who they are
(TurnInput, CallerInfo), and what the coach answers (Reply).

It sits at the bottom of the package, beside models and config, so that the call
loop, the dialogue and the workout coach all speak it without importing each other.
"""

from dataclasses import dataclass, field


@dataclass
class CallerInfo:
    phone_number: str
    name: str | None = None
    profile: dict = field(default_factory=dict)
    returning: bool = False
    # From the training log: today, last_workout, resumable, weekly_plan.
    training: dict = field(default_factory=dict)


@dataclass
class TurnInput:
    """One thing the caller said (or did not say) and what the coach knows so far."""

    speech: str
    confidence: float | None
    caller: CallerInfo
    state: dict
    history: list = field(default_factory=list)  # [(caller said, coach replied), ...]


@dataclass
class Reply:
    text: str
    kind: str = "answer"
    end_call: bool = False
    # What to play, in order: words (str) and seconds of silence (int), e.g. a
    # timed hold in a workout. None means just `text`.
    segments: list | None = None
    # Something the call must do besides speaking: "forget" deletes the caller's data.
    action: str | None = None
    profile_updates: dict = field(default_factory=dict)
    # Training-log writes (see training/log.py), stored with the turn, exactly once.
    effects: list = field(default_factory=list)
    details: dict = field(default_factory=dict)


def spoken(*segments, kind="answer", **fields):
    """A Reply made of words and pauses: spoken("Hold it.", 25, "Five more seconds.")."""
    text = " ".join(part for part in segments if isinstance(part, str))
    return Reply(text, kind=kind, segments=list(segments), **fields)
