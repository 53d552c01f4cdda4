"""Command-line entry points: `fitness-voice call`, and the app's flask commands."""

import logging
import os

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from . import simulator


def init_app(app):
    app.cli.add_command(call_command)
    app.cli.add_command(report_command)


@click.command("call")
@click.option("--url", help="Base URL of a running app; by default the app runs in-process.")
@click.option("--script", "script_path", type=click.Path(exists=True, dir_okay=False),
              help="Caller lines, one a line: blank = silence, '(0.2) words' sets Confidence.")
@click.option("--skip-pauses", is_flag=True, help="Do not wait out <Pause>.")
@click.option("--record", "record_path", type=click.Path(dir_okay=False),
              help="Save the requests and TwiML answers as a test fixture.")
@click.option("--from", "from_number", default="+15555550100", show_default=True)
@click.option("--to", "to_number", default="+15555550199", show_default=True)
@click.option("--token", envvar="TWILIO_AUTH_TOKEN",
              help="Auth token to sign with (default: the app's).")
@with_appcontext
def call_command(url, script_path, skip_pauses, record_path, from_number, to_number, token):
    """Hold a phone call with the coach from this terminal."""
    if url is None:
        from flask_migrate import upgrade
        upgrade()
        if "LOG_LEVEL" not in os.environ:  # the conversation, not the server's log
            logging.getLogger().setLevel(logging.WARNING)
        url, _server = simulator.serve_in_process(current_app._get_current_object())
        token = current_app.config["TWILIO_AUTH_TOKEN"]
    token = token or current_app.config["TWILIO_AUTH_TOKEN"]
    caller = (simulator.ScriptedCaller.from_file(script_path) if script_path
              else simulator.TerminalCaller())
    phone = simulator.Phone(url, token, caller, from_number, to_number, skip_pauses=skip_pauses)
    click.echo(f"Calling {url} from {from_number}. Blank line = silence; Ctrl-D hangs up.")
    try:
        result = phone.call()
    except simulator.CallFailed as error:
        raise click.ClickException(str(error)) from None
    simulator.print_summary(result, click.echo)
    if record_path:
        simulator.save_recording(result, record_path)
        click.echo(f"recorded to {record_path}")


@click.command("report")
@click.option("--month", default=None, help="YYYY-MM; the current month by default.")
@with_appcontext
def report_command(month):
    """Minutes, calls and cost by service for a month, beside the seed's estimate."""
    from .models import utcnow
    from .usage import report
    from .usage.prices import Prices
    try:
        prices = Prices.from_config(current_app.config)
        found = report.month_report(month or utcnow().date(), prices)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--month") from None
    for line in report.format_report(found):
        click.echo(line)


def _create_app():
    from . import create_app
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main():
    """fitness-voice: the phone coach's commands (run, call, db, kb, speech)."""
    os.environ.setdefault("FLASK_APP", "wsgi")
