"""Cached audio files: their names, content types, HTTP caching, and the words
they say. Shared by the stores and by the route that serves the local folder.

A file is named by the hash of what it says and how, so a name never changes
its content: it can be cached for a year, immutable.
"""

import hashlib
import os
import re
from urllib.parse import quote

from ..text.speakable import fold

CONTENT_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav"}
FORMATS = tuple(CONTENT_TYPES)
ONE_YEAR = 31_536_000
CACHE_CONTROL = f"public, max-age={ONE_YEAR}, immutable"
NAME = re.compile(r"^([0-9a-f]{64})\.(mp3|wav)$")
SAFE = ",.!?'"  # left readable; everything else (spaces too) is %-quoted
TEXT_LIMIT = 1500  # bytes of quoted text in a header or S3 metadata (S3 allows 2 KB)


def cache_name(engine, voice, fmt, spoken):
    """The file name of speakable text: <sha256 of engine, voice, format, words>.<format>.

    The words are folded first, so texts that sound the same share a file."""
    material = "\n".join((engine, voice, fmt, fold(spoken)))
    return hashlib.sha256(material.encode("utf-8")).hexdigest() + "." + fmt


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
