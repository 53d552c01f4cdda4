"""The local audio cache, served over HTTP: GET /audio/<key>.wav (or .mp3),
and /audio/<caller's folder>/<key>.wav for lines said to one caller.

Names never change their content (see fitness_voice/speech/files.py), so files are
served with a year-long immutable Cache-Control, an ETag, conditional GET and
Range support (Twilio's media fetchers honour all of it). Their words are
sent in `X-Audio-Text` for the call simulator only when AUDIO_TEXT_HEADER is on
(not in production): a URL gives away nothing of what a caller was told.
"""

import os

from flask import Blueprint, abort, current_app, send_from_directory

from ..speech.files import (
    CONTENT_TYPES,
    ONE_YEAR,
    local_audio_dir,
    quote_text,
    split_name,
    text_path,
    valid_name,
)

bp = Blueprint("speech_audio", __name__)


def init_app(app):
    """Serve the local audio cache at /audio/<name>."""
    if bp.name not in app.blueprints:
        app.register_blueprint(bp)


@bp.get("/audio/<name>")
@bp.get("/audio/<folder>/<name>")
def audio(name, folder=None):
    stored = f"{folder}/{name}" if folder else name
    if not valid_name(stored):
        abort(404)
    directory = local_audio_dir(current_app.config, current_app.instance_path)
    if folder:
        directory = os.path.join(directory, folder)
    response = send_from_directory(directory, name, mimetype=CONTENT_TYPES[name[-3:]],
                                   conditional=True, etag=True, max_age=ONE_YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    if current_app.config.get("AUDIO_TEXT_HEADER"):
        text = _words(directory, split_name(stored)[1])
        if text:
            response.headers["X-Audio-Text"] = quote_text(text)
    return response


def _words(directory, name):
    try:
        with open(text_path(directory, name), encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return ""
