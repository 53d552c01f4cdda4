"""gunicorn settings for I/O-bound webhooks: a few processes, many threads each.

A turn mostly waits on the LLM, speech engine and database, so threads keep
requests flowing while one waits. The app is loaded before forking so the
embedding model is read once and shared copy-on-write by the workers.
"""

import os
import sys

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# Twilio gives a webhook 15 s; a worker stuck longer than that is no use to anyone.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "20"))
graceful_timeout = 20
keepalive = 5
preload_app = True
accesslog = "-"
errorlog = "-"


def post_fork(server, worker):
    from fitness_voice.extensions import db

    # A thread back from the database waits for the GIL while another thread
    # embeds or composes; Python's default 5 ms slice, paid at every statement,
    # is most of a turn's own time under load.
    sys.setswitchinterval(float(os.environ.get("GIL_SWITCH_MS", "1")) / 1000)

    app = worker.app.wsgi()
    with app.app_context():
        # Connections opened before the fork must not be shared between processes.
        db.engine.dispose(close=False)
    # Open Chroma here, in the worker, never in the master: a store opened
    # before a fork hangs the children. Warming also spares the first caller.
    app.extensions["knowledge"].warm()
    # Start the local speech engine now rather than on the first caller's reply.
    app.extensions["fitness_voice"].speaker.prepare()
