"""Calls as an operator lists them: outcome, first words, waits, cost and flags."""

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Caller, CallSession, HoldEvent
from . import metering
from .stats import percentile

OUTCOMES = ("completed", "dropped", "red flag", "transferred", "forgot-me", "in progress")
FIRST_WORDS = 8


@dataclass
class CallSummary:
    session: CallSession
    outcome: str
    turns: int
    first_words: str
    wait_p50_ms: float | None
    wait_p95_ms: float | None
    usage: metering.CallUsage
    cost: dict
    flags: list = field(default_factory=list)

    @property
    def total_cost(self):
        return sum(self.cost.values())


def outcome(session, turns):
    """How the call ended, as the console's filter names it."""
    kinds = {turn.kind for turn in turns}
    if "forget" in kinds:
        return "forgot-me"
    if "safety-red_flag" in kinds:
        return "red flag"
    if "transfer" in kinds:  # a hand-off to a person
        return "transferred"
    if session.ended_at is None and session.status not in ("completed", "failed", "canceled"):
        return "in progress"
    if turns and turns[-1].end_call:
        return "completed"
    return "dropped"  # the line went before the coach's goodbye


def waits(turns):
    """Milliseconds the caller waited on each of their turns (the app's share)."""
    return [turn.timings["total_ms"] for turn in turns
            if turn.index and (turn.timings or {}).get("total_ms") is not None]


def flags(turns, holds):
    """Short labels for what an operator should look at."""
    found = []
    safety = sorted({turn.kind.removeprefix("safety-").replace("_", " ")
                     for turn in turns if turn.kind.startswith("safety-")})
    found += safety
    if any(turn.kind == "error" for turn in turns):
        found.append("error")
    if any((turn.details or {}).get("llm_error") for turn in turns):
        found.append("llm fallback")
    if holds:
        found.append(f"{holds} filler" + ("s" if holds > 1 else ""))
    if any(turn.index and turn.kind == "unclear" for turn in turns):
        found.append("unclear speech")
    return found


def summarise(session, prices, holds=0):
    turns = list(session.turns)
    usage = metering.call_usage(session, turns)
    spoken = next((turn.speech for turn in turns if turn.index and turn.speech), "")
    said = " ".join(spoken.split()[:FIRST_WORDS])
    turn_waits = waits(turns)
    return CallSummary(session, outcome(session, turns), len(turns), said,
                       percentile(turn_waits, 50), percentile(turn_waits, 95), usage,
                       metering.cost(usage, prices), flags(turns, holds))


def find_calls(prices, query="", day_from=None, day_to=None, outcome_is=None,
               caller_id=None, limit=200):
    """Call summaries, newest first: by caller number or name, dates and outcome."""
    select = (db.select(CallSession).join(Caller)
              .options(selectinload(CallSession.turns), selectinload(CallSession.caller))
              .order_by(CallSession.started_at.desc(), CallSession.id.desc()))
    if query:
        pattern = f"%{query.strip()}%"
        select = select.filter(db.or_(Caller.phone_number.ilike(pattern),
                                      Caller.name.ilike(pattern)))
    if day_from:
        select = select.filter(CallSession.started_at >= datetime.combine(day_from, time.min))
    if day_to:
        select = select.filter(CallSession.started_at <= datetime.combine(day_to, time.max))
    if caller_id is not None:
        select = select.filter(CallSession.caller_id == caller_id)
    sessions = db.session.execute(select.limit(limit if not outcome_is else None)
                                  ).scalars().all()
    holds = hold_counts([session.id for session in sessions])
    found = [summarise(session, prices, holds.get(session.id, 0)) for session in sessions]
    if outcome_is:
        found = [summary for summary in found if summary.outcome == outcome_is]
    return found[:limit]


def hold_counts(session_ids):
    if not session_ids:
        return {}
    rows = db.session.execute(
        db.select(HoldEvent.session_id, db.func.count(HoldEvent.id))
        .filter(HoldEvent.session_id.in_(session_ids)).group_by(HoldEvent.session_id))
    return dict(rows.all())

