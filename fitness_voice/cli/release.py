"""`fitness-voice release`: a deploy's one-off steps, in one process, skipped when unchanged.

    1. the database: Flask-Migrate's upgrade, on the database part of the app only
    2. the knowledge index: the sync by content hash; a local store whose stamp matches
       kb/ is not even opened, and the embedder loads only if a passage changed
    3. the audio cache: the fixed phrases rendered, but only when a fingerprint of
       what they are made of (the coach's lines and code, the speech settings) has no
       marker in the audio store yet; only then is the whole app built

Each step prints one line with its time. It is the Procfile's `release:` and the
Dockerfile's one-off (`docker run IMAGE release`).

`fitness-voice build` is what a build (the Dockerfile, Heroku's bin/post_compile) can
do ahead, with no database: the knowledge index in the local store and the example
vectors of intent routing and the safety check, both in the instance folder that the
image or slug ships, so that a new process finds them made.
"""

import hashlib
import json
import time

import click

from ..config import PROJECT_ROOT
from .errors import verbose_option

PACKAGE = PROJECT_ROOT / "fitness_voice"
# What the fixed phrases and their audio are made of, besides the package's files.
AUDIO_SETTINGS = ("LANGUAGE", "TTS_ENGINE", "AUDIO_FORMAT", "AUDIO_STORE", "AUDIO_BUCKET",
                  "AUDIO_PREFIX", "AUDIO_DIR", "POLLY_VOICE", "POLLY_ENGINE", "PIPER_MODEL",
                  "PIPER_CONFIG", "EMERGENCY_NUMBER", "CRISIS_LINE", "KB_PATH")


@click.command("release")
@click.option("--force", is_flag=True, help="Render every fixed phrase's audio check again.")
@verbose_option
def release_command(force):
    """Migrate the database, sync the knowledge index, warm the audio cache."""
    from .. import create_database_app

    started = time.perf_counter()
    app = create_database_app()
    _step("database", lambda: _migrate(app))
    _step("knowledge index", lambda: _sync_index(app))
    _step("audio cache", lambda: _warm_audio(app, force))
    click.echo(f"release done in {time.perf_counter() - started:.1f} s")


@click.command("build")
@verbose_option
def build_command():
    """Build the local knowledge index and the example vectors into the instance folder."""
    from .. import create_app

    started = time.perf_counter()
    # A build has neither the database nor the secrets: the production guards are for
    # the processes that serve calls (the defaults still follow APP_ENV's).
    app = create_app({"APP_ENV": "build"})  # syncs the index and embeds the examples
    knowledge = app.extensions["knowledge"]
    click.echo(f"knowledge index: {knowledge.count() if not knowledge.chroma_host else 'a server'}"
               f" passages, example vectors in {app.instance_path}/vectors "
               f"({time.perf_counter() - started:.1f} s)")


def _step(name, run):
    started = time.perf_counter()
    outcome = run()
    click.echo(f"{name}: {outcome} ({time.perf_counter() - started:.1f} s)")


def _migrate(app):
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    from ..extensions import db

    def revision():
        with db.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    with app.app_context():
        before = revision()
        upgrade()
        after = revision()
    return f"at {after}" if before == after else f"upgraded from {before} to {after}"


def _sync_index(app):
    from ..retrieval.index import KnowledgeBase

    knowledge = KnowledgeBase.from_config(app.config, app.instance_path)
    counts = knowledge.sync_at_start()
    if counts["added"] + counts["updated"] + counts["removed"] == 0:
        return f"unchanged, {counts['unchanged']} passages"
    return ", ".join(f"{key} {value}" for key, value in counts.items())


def _warm_audio(app, force):
    if (app.config.get("TTS_ENGINE") or "say") == "say":
        return "TTS_ENGINE=say: Twilio speaks, nothing to render"
    from ..speech import build_speaker

    marker = f"warmed-{audio_fingerprint(app.config)[:24]}.txt"
    store = build_speaker(app.config, app.instance_path).store
    if store.exists(marker) and not force:
        return "unchanged (the fixed phrases are in the store)"

    from .. import create_app

    # The knowledge index was just synced: the app need not look at it again.
    full = create_app({"KB_SYNC_ON_START": False})
    services = full.extensions["fitness_voice"]
    phrases = services.coach.fixed_phrases()
    result = services.speaker.warm(phrases)
    if not result.failed:
        store.put(marker, b"warmed\n", "text/plain", f"{len(phrases)} fixed phrases")
    return (f"{len(phrases)} fixed phrases: {result.rendered} rendered, "
            f"{result.cached} already cached, {result.failed} failed")


def audio_fingerprint(config):
    """A digest of the speech settings and of every file of the package (lines and code):
    reading them costs milliseconds, building the coach to list its phrases seconds."""
    digest = hashlib.sha256(json.dumps(
        {name: str(config.get(name)) for name in AUDIO_SETTINGS}, sort_keys=True).encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".yaml") and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
