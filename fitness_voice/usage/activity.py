"""The overview's figures: per day, by answer source, safety, unanswered questions."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import CallSession, utcnow
from . import metering
from .calls import waits
from .stats import percentile

TOP_QUESTIONS = 10


@dataclass
class Day:
    day: object
    calls: int = 0
    minutes: int = 0
    cost: float = 0.0
    waits: list = field(default_factory=list)

    @property
    def wait_p50(self):
        return percentile(self.waits, 50)

    @property
    def wait_p95(self):
        return percentile(self.waits, 95)


@dataclass
class Activity:
    days: list
    sources: Counter
    safety: Counter
    unanswered: list  # [(question, times asked)]
    months: dict      # "2026-12" -> dollars
    cost_by_service: dict


def sessions_between(start, end):
    """Calls started in [start, end), with their turns."""
    return db.session.execute(
        db.select(CallSession).options(selectinload(CallSession.turns))
        .filter(CallSession.started_at >= start, CallSession.started_at < end)
        .order_by(CallSession.started_at)).scalars().all()


def answer_source(turn):
    """llm, grounded or fallback (the LLM failed and the grounded responder answered)."""
    details = turn.details or {}
    source = details.get("source")
    if source is None:
        return None
    if details.get("llm_error"):
        return "fallback"
    return "grounded" if source == "grounded" else "llm"


def activity(prices, days=30, today=None):
    """The last `days` days, ending today (UTC), and the months they touch."""
    today = today or utcnow().date()
    first = today - timedelta(days=days - 1)
    by_day = {first + timedelta(days=n): Day(first + timedelta(days=n)) for n in range(days)}
    sources, safety, unanswered = Counter(), Counter(), Counter()
    months, by_service = defaultdict(float), {}
    start = datetime.combine(first.replace(day=1), datetime.min.time())
    for session in sessions_between(start, datetime.combine(today + timedelta(days=1),
                                                            datetime.min.time())):
        turns = list(session.turns)
        usage = metering.call_usage(session, turns)
        spent = metering.cost(usage, prices)
        months[session.started_at.strftime("%Y-%m")] += sum(spent.values())
        day = by_day.get(session.started_at.date())
        if day is None:
            continue  # earlier in the first month: counted in its month only
        by_service = metering.add(by_service, spent)
        day.calls += 1
        day.minutes += usage.minutes
        day.cost += sum(spent.values())
        day.waits += waits(turns)
        for turn in turns:
            _count_turn(turn, sources, safety, unanswered)
    return Activity(list(by_day.values()), sources, safety,
                    unanswered.most_common(TOP_QUESTIONS), dict(months), by_service)


def _count_turn(turn, sources, safety, unanswered):
    source = answer_source(turn)
    if source:
        sources[source] += 1
        if not (turn.details or {}).get("relevant", True) and turn.speech:
            unanswered[" ".join(turn.speech.lower().split())] += 1
    if turn.kind.startswith("safety-"):
        safety[turn.kind.removeprefix("safety-").replace("_", " ")] += 1
