"""The operator console at /console: calls, transcripts with their audio, waits,
cost, safety events and callers, as server-rendered pages (Jinja, SVG charts, no
JavaScript build and nothing from a CDN).

    auth      operator accounts, sessions, CSRF on every form, sign-in throttling
    pages     calls, a call, callers, a caller (and forgetting them), the overview
    exports   a call's transcript as text or JSON, calls as CSV, a turn's audio
    charts    the overview's SVG charts (no Flask)
    views     what a page shows of a call, gathered from the stored rows (no Flask)
    cli       `flask console create-user`, `flask console demo`

The console is private: nothing under /console answers without an operator's
session, and in production it is off unless CONSOLE_ENABLED is set.
"""

from flask import Blueprint

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")


def init_app(app):
    from . import cli
    cli.init_app(app)
    if not app.config["CONSOLE_ENABLED"]:
        return
    from . import auth, exports, pages  # noqa: F401  (their routes join the blueprint)
    app.permanent_session_lifetime = app.config["CONSOLE_SESSION_HOURS"] * 3600
    app.register_blueprint(bp)
