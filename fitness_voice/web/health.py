"""Health for the platform and the operator.

    GET /healthz   liveness: the process answers HTTP (no dependency is touched)
    GET /readyz    readiness: the database answers a query and the knowledge index
                   holds passages; 503 and which part is down otherwise

A load balancer or uptime check should watch /readyz: with the database down every
caller hears the apology, which /healthz cannot see.
"""

from flask import Blueprint, current_app
from sqlalchemy import text

from ..extensions import db

bp = Blueprint("health", __name__)
REASON_LENGTH = 200


@bp.get("/healthz")
def liveness():
    return {"status": "ok"}


@bp.get("/readyz")
def readiness():
    parts = {"database": _database(), "index": _index()}
    ready = all(state.startswith("ok") for state in parts.values())
    return {"status": "ready" if ready else "not ready", **parts}, 200 if ready else 503


def _database():
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        return f"down: {_reason(error)}"
    return "ok"


def _index():
    knowledge = current_app.extensions.get("knowledge")
    if knowledge is None:
        return "down: the app has no knowledge base"
    try:
        count = knowledge.count()
    except Exception as error:
        return f"down: {_reason(error)}"
    if not count:
        return "down: the index is empty (run `fitness-voice release` or `kb ingest`)"
    return f"ok: {count} passages"


def _reason(error):
    """The first line of the error, short: enough to say which part and why."""
    first = (str(error).strip().splitlines() or [""])[0]
    return f"{type(error).__name__}: {first}"[:REASON_LENGTH]
