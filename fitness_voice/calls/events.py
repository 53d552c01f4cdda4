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
