"""`fitness-voice checkins run`: place the check-in calls that are due (run it every
few minutes from Heroku Scheduler, cron or a clock process); `checkins callbacks`:
the callers a person promised to call back."""

import click
from flask import current_app
from flask.cli import AppGroup

from . import checkins, handoff, rest

checkins_group = AppGroup("checkins", help="Scheduled check-in calls.")


def init_app(app):
    app.cli.add_command(checkins_group)


@checkins_group.command("run")
def run_command():
    """Place the check-in calls that are due now."""
    settings = rest.RestSettings.from_config(current_app.config)
    missing = settings.missing()
    if missing:
        raise click.ClickException(f"check-in calls need {', '.join(missing)}")
    report = checkins.run(rest.client(settings), settings,
                          checkins.CheckinSettings.from_config(current_app.config))
    click.echo(f"{report.written} due, {len(report.placed)} placed"
               + "".join(f", check-in {key} {why}" for key, why in report.held.items()))


@checkins_group.command("callbacks")
def callbacks_command():
    """Callers promised a call back by a person, oldest first."""
    for number, name, when, reason in handoff.callbacks_owed():
        click.echo(f"{when:%Y-%m-%d %H:%M} UTC  {number}  {name or '-'}  ({reason})")
