"""The `fitness-voice` command (also `python -m fitness_voice.cli`, for a host that
runs the app from its source folder without installing it, such as Heroku).

    call      a phone call with the coach from this terminal (cli/call.py)
    release   migrations, the knowledge index and the audio cache (cli/release.py)
    build     the local index and example vectors, ahead, for an image or slug
    report    a month's minutes, calls and cost beside the seed's estimate (cli/report.py)
    kb        ingest kb/ into the index, search it (retrieval/cli.py)
    db        Flask-Migrate's commands, on the database part of the app only
    speech    render fixed phrases or one phrase (speech/cli.py; builds the app)
    run, shell, routes   Flask's own

Each command imports what it uses when it runs: `call --url` is an HTTP client and
never builds the app, `kb search` loads the embedder and the index only. An
operator's mistake (a setting missing or wrong, a database that does not answer)
ends in one line naming the reason and the variable; --verbose shows the traceback.
"""

import importlib
import os

import click
from flask.cli import FlaskGroup, ScriptInfo

from .errors import VERBOSE, operator_errors, verbose_option

# Read by the kb commands (retrieval/cli.py): build the index from the settings alone.
LIGHT = "fitness_voice.light"

LAZY_COMMANDS = {
    "call": "fitness_voice.cli.call:call_command",
    "release": "fitness_voice.cli.release:release_command",
    "build": "fitness_voice.cli.release:build_command",
    "report": "fitness_voice.cli.report:report_command",
    "kb": "fitness_voice.retrieval.cli:kb_cli",
    "speech": "fitness_voice.speech.cli:speech_cli",
    "db": "flask_migrate.cli:db",
}


class CommandGroup(FlaskGroup):
    """Flask's command group, lighter: listing or finding a command never builds the
    app, and `db` builds only its database part (create_database_app)."""

    def list_commands(self, ctx):
        self._load_plugin_commands()
        return sorted(set(self.commands) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name):
        self._load_plugin_commands()
        if name == "db":
            ctx.ensure_object(ScriptInfo).create_app = _create_database_app
        if name in LAZY_COMMANDS:
            module, attribute = LAZY_COMMANDS[name].split(":")
            return getattr(importlib.import_module(module), attribute)
        return self.commands.get(name) or super().get_command(ctx, name)

    def invoke(self, ctx):
        ctx.meta[LIGHT] = True
        with operator_errors(lambda: ctx.meta.get(VERBOSE)):
            return super().invoke(ctx)


def _create_app():
    from .. import create_app
    return create_app()


def _create_database_app():
    from .. import create_database_app
    return create_database_app()


@click.group(cls=CommandGroup, create_app=_create_app)
@verbose_option
def main():
    """fitness-voice: the phone coach's commands (call, release, kb, db, speech, run)."""
    os.environ.setdefault("FLASK_APP", "wsgi")
