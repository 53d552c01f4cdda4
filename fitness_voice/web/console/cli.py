"""`flask console create-user` adds an operator; `flask console demo` prepares a
local console with a development login and a scripted call to look at."""

import click
import requests
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
# Two more callers beside the scripted one, so the overview has a red flag and a
# question the knowledge base has nothing on.
MORE_DEMO_CALLS = (
    ("+15555550124", ["hi I'm Alex", "I want to get fitter",
                      "how do I wax a snowboard", "how long should I rest between sets",
                      "bye"]),
    ("+15555550125", ["my chest hurts and my left arm feels numb"]),
)


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
    """Development only: the development login, and demo calls to look at."""
    if current_app.config["APP_ENV"] != "development":
        raise click.ClickException("the development login is for APP_ENV=development only")
    from flask_migrate import upgrade
    upgrade()
    create_user(DEVELOPMENT_USER, DEVELOPMENT_PASSWORD)
    calls = [("+15555550123", simulator.ScriptedCaller.from_file(script_path)),
             *((number, simulator.ScriptedCaller(lines)) for number, lines in MORE_DEMO_CALLS)]
    # The first reply must not also wait for the speech engine to load.
    current_app.extensions["fitness_voice"].speaker.audio_url("Welcome to the console demo.")
    url, server = simulator.serve_in_process(current_app._get_current_object())
    try:
        for number, caller in calls:
            phone = simulator.Phone(url, current_app.config["TWILIO_AUTH_TOKEN"], caller,
                                    number, "+15555550199", skip_pauses=True,
                                    out=lambda *_: None)
            try:
                result = phone.call()
            except (simulator.CallFailed, requests.RequestException) as error:
                click.echo(f"the demo call from {number} broke off: {error}", err=True)
                continue
            click.echo(f"placed a demo call from {number}: {len(result.turns)} requests")
    finally:
        server.shutdown()
    click.echo(f"sign in at /console as {DEVELOPMENT_USER} / {DEVELOPMENT_PASSWORD}")
