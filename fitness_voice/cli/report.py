"""`fitness-voice report`: a month's minutes, calls and cost beside the seed's estimate."""

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("report")
@click.option("--month", default=None, help="YYYY-MM; the current month by default.")
@with_appcontext
def report_command(month):
    """Minutes, calls and cost by service for a month, beside the seed's estimate."""
    from ..models import utcnow
    from ..usage import report
    from ..usage.prices import Prices
    try:
        prices = Prices.from_config(current_app.config)
        found = report.month_report(month or utcnow().date(), prices)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--month") from None
    for line in report.format_report(found):
        click.echo(line)
