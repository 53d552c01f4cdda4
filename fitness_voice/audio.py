"""How the audio cache names and describes its files, shared by the local store
(speech.py) and the route that serves it (web/audio.py).

Files are named by the hash of what they say, so a name never changes its
content: they are served with a year-long immutable Cache-Control, and the
words go in `X-Audio-Text` (URL-quoted UTF-8) for the call simulator.
"""

import os
from urllib.parse import quote

CONTENT_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav"}
ONE_YEAR = 31_536_000
CACHE_CONTROL = f"public, max-age={ONE_YEAR}, immutable"
SAFE = ",.!?'"  # left readable; everything else (spaces too) is %-quoted
TEXT_LIMIT = 1500  # bytes of quoted text in a header or S3 metadata (S3 allows 2 KB)


def local_audio_dir(config, instance_path):
    """Where the local store keeps audio: AUDIO_DIR, or <instance>/audio."""
    return config.get("AUDIO_DIR") or os.path.join(instance_path, "audio")


def text_path(directory, name):
    """The sidecar file holding the words of `name`: <key>.txt."""
    return os.path.join(directory, name.rsplit(".", 1)[0] + ".txt")


def quote_text(text, limit=TEXT_LIMIT):
    """URL-quote `text` as UTF-8, cut at a character boundary to `limit` bytes."""
    quoted = quote(text, safe=SAFE)
    if len(quoted) <= limit:
        return quoted
    pieces, size = [], 0
    for char in text:
        piece = quote(char, safe=SAFE)
        if size + len(piece) > limit:
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces)
