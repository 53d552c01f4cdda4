"""The local audio cache, served over HTTP: GET /audio/<key>.mp3 or .wav.

Files are named by the hash of what they say, so a name never changes its
content: they are served with a year-long immutable Cache-Control, an ETag,
conditional GET and Range support (Twilio's media fetchers honour all of it),
and the words in `X-Audio-Text` (URL-quoted UTF-8) for the call simulator.
"""

import os
import re
from urllib.parse import quote

from flask import Blueprint, abort, current_app, send_from_directory

CONTENT_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav"}
ONE_YEAR = 31_536_000
CACHE_CONTROL = f"public, max-age={ONE_YEAR}, immutable"
NAME = re.compile(r"^([0-9a-f]{64})\.(mp3|wav)$")
SAFE = ",.!?'"  # left readable; everything else (spaces too) is %-quoted
TEXT_LIMIT = 1500  # bytes of quoted text in a header or S3 metadata (S3 allows 2 KB)

bp = Blueprint("speech_audio", __name__)


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


@bp.get("/audio/<name>")
def audio(name):
    match = NAME.match(name)
    if not match:
        abort(404)
    directory = local_audio_dir(current_app.config, current_app.instance_path)
    response = send_from_directory(directory, name, mimetype=CONTENT_TYPES[match.group(2)],
                                   conditional=True, etag=True, max_age=ONE_YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    try:
        with open(text_path(directory, name), encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        text = ""
    if text:
        response.headers["X-Audio-Text"] = quote_text(text)
    return response
