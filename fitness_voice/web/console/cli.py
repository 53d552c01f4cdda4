"""`flask console create-user` adds an operator; `flask console demo` prepares a
local console with a development login and a scripted call to look at."""

import click
from flask import current_app
from flask.cli import AppGroup

from ... import simulator
from ...config import PROJECT_ROOT
from .auth import AccountError, create_user

console = AppGroup("console", help="The operator console at /console.")

# `make console` signs in with these; they are refused outside development.
DEVELOPMENT_USER = "operator"
DEVELOPMENT_PASSWORD = "console-development"
DEMO_SCRIPT = PROJECT_ROOT / "tests" / "fixtures" / "ten_turns.script"


def init_app(app):
    app.cli.add_command(console)


@console.command("create-user")
@click.argument("username")
@click.password_option(help="Asked for when not given (and typed twice).")
def create_user_command(username, password):
    """Add an operator (or set a new password for one)."""
    try:
        create_user(username, password)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"operator {username!r} can sign in at /console")


@console.command("demo")
@click.option("--script", "script_path", type=click.Path(exists=True, dir_okay=False),
              default=str(DEMO_SCRIPT), show_default=True)
def demo_command(script_path):
    """Development only: the development login, and one scripted call to look at."""
    if current_app.config["APP_ENV"] != "development":
        raise click.ClickException("the development login is for APP_ENV=development only")
    from flask_migrate import upgrade
    upgrade()
    create_user(DEVELOPMENT_USER, DEVELOPMENT_PASSWORD)
    url, server = simulator.serve_in_process(current_app._get_current_object())
    try:
        phone = simulator.Phone(url, current_app.config["TWILIO_AUTH_TOKEN"],
                                simulator.ScriptedCaller.from_file(script_path),
                                "+15555550123", "+15555550199", skip_pauses=True,
                                out=lambda *_: None)
        result = phone.call()
    finally:
        server.shutdown()
    click.echo(f"placed a demo call ({len(result.turns)} requests, call {result.call_sid})")
    click.echo(f"sign in at /console as {DEVELOPMENT_USER} / {DEVELOPMENT_PASSWORD}")
