"""The local audio cache, served over HTTP: GET /audio/<key>.mp3 or .wav.

Names never change their content (see fitness_voice/speech/files.py), so files are
served with a year-long immutable Cache-Control, an ETag, conditional GET and
Range support (Twilio's media fetchers honour all of it), and their words in
`X-Audio-Text` for the call simulator.
"""

from flask import Blueprint, abort, current_app, send_from_directory

from ..speech.files import CONTENT_TYPES, NAME, ONE_YEAR, local_audio_dir, quote_text, text_path

bp = Blueprint("speech_audio", __name__)


def init_app(app):
    """Serve the local audio cache at /audio/<name>."""
    if bp.name not in app.blueprints:
        app.register_blueprint(bp)


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
