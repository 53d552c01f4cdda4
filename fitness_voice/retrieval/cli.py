"""`fitness-voice kb ingest` and `kb search` (also `flask --app wsgi kb ...`): the
knowledge base from the command line.

Under `fitness-voice` these build the index and the embedder from the settings and
nothing else (no app, no coach); under `flask` they use the app's knowledge base.
"""

import time

import click
from flask import Flask
from flask.cli import ScriptInfo

from .passages import KnowledgeError
from .query import normalize_query

# Set by the `fitness-voice` command group: build from the settings, not the app.
LIGHT = "fitness_voice.light"

kb_cli = click.Group("kb", help="The knowledge base: ingest kb/ into Chroma, search it.")


def _knowledge():
    ctx = click.get_current_context()
    if ctx.meta.get(LIGHT):
        return _from_settings()
    app = ctx.ensure_object(ScriptInfo).load_app()
    knowledge = app.extensions.get("knowledge")
    if knowledge is None:
        # The package imports this module to register the commands; import it back late.
        from . import init_app

        with app.app_context():
            knowledge = init_app(app)
    return knowledge


def _from_settings():
    from .. import config as settings
    from .index import KnowledgeBase

    # The instance folder the app would use (Flask finds it from the package's place).
    instance_path = Flask("fitness_voice", instance_relative_config=True).instance_path
    return KnowledgeBase.from_config(settings.from_environment(), instance_path)


@kb_cli.command("ingest")
@click.option("--rebuild", is_flag=True, help="Drop the index and embed everything again.")
def ingest_command(rebuild):
    """Bring the index up to date with kb/ (only new or changed passages are embedded)."""
    knowledge = _knowledge()
    if knowledge.last_sync and not rebuild:
        click.echo("at start: " + _counts(knowledge.last_sync))
    started = time.perf_counter()
    try:
        counts = knowledge.sync(rebuild=rebuild)
    except KnowledgeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{_counts(counts)} ({time.perf_counter() - started:.1f} s); "
               f"{knowledge.count()} passages in {knowledge!r}")


@kb_cli.command("search")
@click.argument("text")
@click.option("-k", default=3, show_default=True, help="How many passages.")
@click.option("--file", "file_", help="Only passages of this file (relative to kb/).")
@click.option("--tag", help="Only passages of files with this tag.")
def search_command(text, k, file_, tag):
    """Show the passages that answer TEXT, with their scores."""
    knowledge = _knowledge()
    filters = {key: value for key, value in (("file", file_), ("tags", tag)) if value}
    started = time.perf_counter()
    try:
        result = knowledge.search(text, k=k, filters=filters or None)
    except KnowledgeError as error:
        raise click.ClickException(str(error)) from None
    elapsed = (time.perf_counter() - started) * 1000
    query = normalize_query(text)
    if query != " ".join(text.lower().split()):
        click.echo(f"heard as: {query}")
    verdict = "relevant" if result.relevant else "nothing relevant"
    click.echo(f"{verdict} (threshold {knowledge.min_score:.2f}, {elapsed:.0f} ms)")
    for passage in result.passages:
        click.echo(f"\n{passage.score:.3f}  {passage.file} — {passage.heading or passage.title}")
        click.echo("       " + passage.text.replace("\n\n", "\n       "))


def _counts(counts):
    return ", ".join(f"{key} {value}" for key, value in counts.items())
