"""`fitness-voice call`: a phone call with the coach from this terminal."""

import logging
import os

import click

from ..config import DEVELOPMENT_AUTH_TOKEN
from .errors import verbose_option

# The interactive demo's caller; scripted calls (make demo SCRIPT=...) call from
# another number so that they never rename the interactive caller's profile.
INTERACTIVE_NUMBER = "+15555550100"


@click.command("call")
@click.option("--url", help="Base URL of a running app (an HTTP client only: the app is "
                            "not built here); by default the app runs in-process.")
@click.option("--script", "script_path", type=click.Path(exists=True, dir_okay=False),
              help="Caller lines, one a line: blank = silence, '(0.2) words' sets Confidence.")
@click.option("--skip-pauses", is_flag=True, help="Do not wait out <Pause>.")
@click.option("--record", "record_path", type=click.Path(dir_okay=False),
              help="Save the requests and TwiML answers as a test fixture.")
@click.option("--from", "from_number", default=INTERACTIVE_NUMBER, show_default=True,
              help="The caller's number: the coach remembers a caller by it.")
@click.option("--to", "to_number", default="+15555550199", show_default=True)
@click.option("--token", envvar="TWILIO_AUTH_TOKEN",
              help="Auth token to sign with (default: the app's).")
@verbose_option
def call_command(url, script_path, skip_pauses, record_path, from_number, to_number, token):
    """Hold a phone call with the coach from this terminal."""
    from .. import simulator

    if url is None:
        app = _app_in_process()
        url, _server = simulator.serve_in_process(app)
        token = app.config["TWILIO_AUTH_TOKEN"]
    token = token or DEVELOPMENT_AUTH_TOKEN
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


def _app_in_process():
    from flask_migrate import upgrade

    from .. import create_app

    app = create_app()
    with app.app_context():
        upgrade()
    if "LOG_LEVEL" not in os.environ:  # the conversation, not the server's log
        logging.getLogger().setLevel(logging.WARNING)
    return app
