"""What a webhook tells the call loop, and what the call loop answers."""

from dataclasses import dataclass


@dataclass
class CallEvent:
    """What one webhook told us about a call."""

    call_sid: str
    from_number: str
    to_number: str = ""
    speech: str = ""
    confidence: float | None = None
    index: int | None = None
    status: str | None = None
    duration_seconds: int | None = None
    # Twilio's I-Twilio-Idempotency-Token: the same on every retry of one request.
    idempotency_token: str | None = None
    # calls/outage.py: when the database went away for a turn that is posted again.
    held_since: float | None = None
    # Set when this request runs its turn again after a database blip (in the same
    # request, or posted again after a hold): a claim on the turn is its own, not a copy's.
    owns_claim: bool = False


@dataclass
class Spoken:
    """Words to speak, with the URL of their audio when it was rendered."""

    text: str
    audio_url: str | None = None


@dataclass
class Silence:
    seconds: int


@dataclass
class Answer:
    parts: list  # Spoken and Silence, in order
    end_call: bool
    next_index: int
    # Besides speaking: "handoff" puts the caller through to a person (<Dial>).
    action: str | None = None


# What a turn request gets instead of an Answer.

@dataclass
class Pending:
    """Another copy of this request claimed turn `index`; its answer is coming."""

    index: int


@dataclass
class Held:
    """The answer to turn `index` is still being worked out: a filler, then wait."""

    index: int


@dataclass
class AskAgain:
    """The answer did not come in time (or was overtaken): ask again as turn `index`."""

    index: int


@dataclass
class Busy:
    """Too many turns are being worked out: the caller is asked to say turn `index` again."""

    index: int


@dataclass
class Ended:
    """The call has ended: nobody is listening for an answer."""
