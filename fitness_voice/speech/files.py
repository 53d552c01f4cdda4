"""Cached audio files: their names, content types, HTTP caching, and the words
they say. Shared by the stores and by the route that serves the local folder.

A file is named by a keyed hash (HMAC-SHA256 with a secret) of what it says
and how, so a name never changes its content (it can be cached for a year,
immutable) and nobody without the secret can tell from a name, or find by
guessing, what a file says. Lines spoken for one caller live in that caller's
folder, itself a keyed hash of the caller's key, so erasing the caller
removes the folder.
"""

import hashlib
import hmac
import os
import re
from urllib.parse import quote

from ..text.speakable import fold

CONTENT_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav"}
FORMATS = tuple(CONTENT_TYPES)
ONE_YEAR = 31_536_000
CACHE_CONTROL = f"public, max-age={ONE_YEAR}, immutable"
NAME = re.compile(r"^([0-9a-f]{64})\.(mp3|wav)$")
FOLDER = re.compile(r"^c[0-9a-f]{32}$")
SAFE = ",.!?'"  # left readable; everything else (spaces too) is %-quoted
TEXT_LIMIT = 1500  # bytes of quoted text in a header


class AudioKeys:
    """Names of audio files and of callers' folders, keyed with a secret."""

    def __init__(self, secret):
        if not secret:
            raise ValueError("audio names need a secret (AUDIO_KEY_SECRET or SECRET_KEY)")
        self._secret = secret.encode("utf-8")

    def name(self, engine, voice, fmt, spoken):
        """<keyed hash of engine, voice, format, words>.<format>.

        The words are folded first, so texts that sound the same share a file."""
        return self._digest("audio", engine, voice, fmt, fold(spoken)) + "." + fmt

    def folder(self, caller_key):
        """The folder of one caller's lines: c<32 hex digits>."""
        return "c" + self._digest("caller", str(caller_key))[:32]

    def _digest(self, *fields):
        material = "\n".join(fields).encode("utf-8")
        return hmac.new(self._secret, material, hashlib.sha256).hexdigest()


def split_name(stored):
    """'c…/<hash>.wav' -> ('c…', '<hash>.wav'); '<hash>.wav' -> (None, '<hash>.wav')."""
    folder, _, name = stored.rpartition("/")
    return folder or None, name


def valid_name(stored):
    """Whether `stored` is a cache name, in a caller's folder or not (nothing else
    can reach the file system through the audio route)."""
    folder, name = split_name(stored)
    return bool(NAME.match(name)) and (folder is None or bool(FOLDER.match(folder)))


def local_audio_dir(config, instance_path):
    """Where the local store keeps audio: AUDIO_DIR, or <instance>/audio."""
    return config.get("AUDIO_DIR") or os.path.join(instance_path, "audio")


def text_path(directory, name):
    """The sidecar file holding the words of `name`: <key>.txt, beside it."""
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
