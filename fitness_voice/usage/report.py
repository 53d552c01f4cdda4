"""A month's usage and cost, a projection to the month's end, and the seed's estimate.

The seed estimated $35–45 a month for 1,000 minutes of calls (Twilio voice and
speech recognition, Polly, OpenAI; hosting aside). It gives no breakdown, so the
report sets its own total for the same minutes beside that range.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..models import utcnow
from . import metering
from .activity import sessions_between
from .prices import SERVICES

SEED_ESTIMATE_PER_1000_MINUTES = (35.0, 45.0)


@dataclass
class MonthReport:
    month: str
    calls: int
    minutes: int
    cost: dict          # service -> dollars
    days_counted: int   # days of the month elapsed (all of them for a past month)
    days_in_month: int

    @property
    def total(self):
        return sum(self.cost.values())

    @property
    def complete(self):
        return self.days_counted >= self.days_in_month

    def projected(self, amount):
        """`amount` so far, carried on at the same daily rate to the month's end."""
        if not self.days_counted:
            return 0.0
        return amount * self.days_in_month / self.days_counted

    @property
    def projected_minutes(self):
        return round(self.projected(self.minutes))

    @property
    def projected_total(self):
        return self.projected(self.total)

    def seed_estimate(self, minutes):
        low, high = SEED_ESTIMATE_PER_1000_MINUTES
        return low * minutes / 1000, high * minutes / 1000

    @property
    def per_1000_minutes(self):
        return self.total * 1000 / self.minutes if self.minutes else None


def parse_month(text):
    """"2026-12" -> date(2026, 12, 1); ValueError otherwise."""
    try:
        parsed = datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise ValueError(f"month must look like 2026-12, not {text!r}") from None
    return parsed.replace(day=1)


def month_report(month, prices, today=None):
    first = parse_month(month) if isinstance(month, str) else month.replace(day=1)
    days = calendar.monthrange(first.year, first.month)[1]
    after = first + timedelta(days=days)
    today = today or utcnow().date()
    counted = days if today >= after else max(0, (today - first).days + 1)
    calls, minutes, cost = 0, 0, dict.fromkeys(SERVICES, 0.0)
    for session in sessions_between(_midnight(first), _midnight(after)):
        usage = metering.call_usage(session, list(session.turns))
        calls += 1
        minutes += usage.minutes
        cost = metering.add(cost, metering.cost(usage, prices))
    return MonthReport(first.strftime("%Y-%m"), calls, minutes, cost, counted, days)


def format_report(report):
    """The report as the lines `fitness-voice report` prints."""
    lines = [f"fitness-voice usage for {report.month}"
             + ("" if report.complete else
                f" (day {report.days_counted} of {report.days_in_month})"),
             f"  calls    {report.calls}",
             f"  minutes  {report.minutes} (billed, rounded up per call)",
             "  cost by service"]
    lines += [f"    {service:<12} {_dollars(report.cost.get(service, 0.0))}"
              for service in SERVICES]
    lines.append(f"    {'total':<12} {_dollars(report.total)}")
    if report.per_1000_minutes is not None:
        lines.append(f"  per 1,000 minutes  {_dollars(report.per_1000_minutes)}")
    minutes = report.minutes if report.complete else report.projected_minutes
    if not report.complete:
        lines.append(f"  projection to the month's end: {report.projected_minutes} minutes, "
                     f"{_dollars(report.projected_total)}")
    total = report.total if report.complete else report.projected_total
    low, high = report.seed_estimate(minutes)
    seed_low, seed_high = SEED_ESTIMATE_PER_1000_MINUTES
    lines.append(f"  the seed's estimate for {minutes} minutes "
                 f"(${seed_low:.0f}-{seed_high:.0f} per 1,000): "
                 f"{_dollars(low)}-{_dollars(high)}")
    lines.append(f"  {'measured' if report.complete else 'projected'} for the same minutes: "
                 f"{_dollars(total)}")
    return lines


def _dollars(amount):
    return f"${amount:,.4f}" if amount < 1 else f"${amount:,.2f}"


def _midnight(day: date):
    return datetime.combine(day, datetime.min.time())
