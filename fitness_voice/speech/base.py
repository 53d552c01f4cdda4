"""What a speech engine and an audio store offer, and the one error they raise.

A provider turns its SDK's or subprocess's failures into SpeechError at its own
boundary, so the speaker handles one kind of failure: it falls back to <Say>.
"""

from typing import Protocol, runtime_checkable


class SpeechError(RuntimeError):
    """Synthesis or storage failed; the reply falls back to <Say>."""


class NotAudio(SpeechError):
    """An engine answered with bytes that are not audio."""


@runtime_checkable
class SpeechEngine(Protocol):
    """Speakable text in, audio file bytes in one format out.

    An engine may also have `close()`, and `start()`, which the speaker calls
    to load the voice before the first reply."""

    name: str  # engine and voice are part of the cache key: audio is never
    voice: str  # reused across them
    fmt: str  # 'mp3' or 'wav': what synthesize returns

    def synthesize(self, text: str) -> bytes:
        """Return the audio for `text`; raise SpeechError if there is none."""


@runtime_checkable
class AudioStore(Protocol):
    """Where rendered audio is kept, by file name, and the URL Twilio plays."""

    name: str
    trust_seconds: float  # how long the speaker may take a stored name as still there

    def exists(self, name: str) -> bool:
        """Tell whether `name` is stored (a whole file, not an empty one)."""

    def put(self, name: str, data: bytes, content_type: str, text: str) -> None:
        """Store the audio `data` of `name`, with the words it says."""

    def url(self, name: str) -> str:
        """Return the URL of `name`, absolute or relative to the webhook's URL."""

    def delete_folder(self, folder: str) -> int:
        """Delete one caller's folder (files.AudioKeys.folder); return how many files went."""
