"""The console's pages: calls, a call, callers, a caller, the overview."""

from datetime import date
from xml.dom import minidom

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from ...calls import Silence, Spoken, erasure
from ...extensions import db
from ...models import Caller, CallSession, WeeklyPlan, Workout, utcnow
from ...usage import activity, report
from ...usage import calls as summaries
from ...usage.prices import SERVICES, Prices
from .. import twiml
from . import bp, charts, views


def prices():
    return Prices.from_config(current_app.config)


def speaker():
    return current_app.extensions["fitness_voice"].speaker


def filters():
    """The calls list's filters from the query string (bad dates are ignored)."""
    def day(name):
        try:
            return date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None
    outcome = request.args.get("outcome", "")
    return {"query": request.args.get("q", "").strip(), "day_from": day("from"),
            "day_to": day("to"), "outcome_is": outcome if outcome in summaries.OUTCOMES else None}


@bp.get("/")
def home():
    return redirect(url_for("console.calls"))


@bp.get("/calls")
def calls():
    found = summaries.find_calls(prices(), **filters())
    return render_template("console/calls.html", calls=found, outcomes=summaries.OUTCOMES,
                           args=request.args)


@bp.get("/calls/<int:call_id>")
def call(call_id):
    session = call_or_404(call_id)
    summary = summaries.summarise(
        session, prices(), summaries.hold_counts([session.id]).get(session.id, 0))
    turns = views.turn_views(session, speaker())
    longest = max((turn.timings.get("total_ms") or 0 for turn in turns), default=0)
    bars = [Markup(charts.stage_bar(turn.timings, longest)) for turn in turns]
    return render_template("console/call.html", call=session, summary=summary, turns=turns,
                           stages=views.STAGES, sets=views.sets_logged(session),
                           twiml=[_twiml(turn) for turn in turns], services=SERVICES,
                           bars=bars, legend=Markup(charts.stage_legend()))


@bp.get("/callers")
def callers():
    query = request.args.get("q", "").strip()
    select = db.select(Caller).order_by(Caller.updated_at.desc())
    if query:
        pattern = f"%{query}%"
        select = select.filter(db.or_(Caller.phone_number.ilike(pattern),
                                      Caller.name.ilike(pattern)))
    found = db.session.execute(select.limit(200)).scalars().all()
    counts = dict(db.session.execute(
        db.select(CallSession.caller_id, db.func.count(CallSession.id))
        .group_by(CallSession.caller_id)).all())
    return render_template("console/callers.html", callers=found, counts=counts, query=query)


@bp.get("/callers/<int:caller_id>")
def caller(caller_id):
    person = db.session.get(Caller, caller_id) or abort(404)
    workouts = db.session.execute(db.select(Workout).filter_by(caller_id=caller_id)
                                  .order_by(Workout.started_at.desc())).scalars().all()
    plan = db.session.execute(db.select(WeeklyPlan).filter_by(caller_id=caller_id)
                              .order_by(WeeklyPlan.created_at.desc())).scalars().first()
    history = summaries.find_calls(prices(), caller_id=caller_id)
    return render_template("console/caller.html", caller=person, workouts=workouts, plan=plan,
                           history=history)


@bp.post("/callers/<int:caller_id>/forget")
def forget(caller_id):
    person = db.session.get(Caller, caller_id) or abort(404)
    if request.form.get("confirm") != "forget":
        flash("Nothing was deleted: tick the box to confirm.")
        return redirect(url_for("console.caller", caller_id=caller_id))
    _forget(person)
    flash("Everything the coach knew about this caller was deleted.")
    return redirect(url_for("console.callers"))


def _forget(person):
    """The same erasure as "forget me" on the phone: the caller, every call and turn,
    the workout log and plans, and the audio said to them."""
    erasure.erase_person(person, speaker())
    db.session.commit()


@bp.get("/overview")
def overview():
    table = prices()
    seen = activity.activity(table, days=_days(request.args.get("days", "")))
    month = report.month_report(utcnow().date(), table)
    labels = [day.day.strftime("%m-%d") for day in seen.days]

    def per_day(field):
        return [(day.day.strftime("%m-%d"), getattr(day, field)) for day in seen.days]

    dollars = "${:.2f}".format
    pictures = {
        "calls": charts.bars("Calls per day", per_day("calls")),
        "minutes": charts.bars("Minutes per day", per_day("minutes")),
        "waits": charts.lines("Turn wait (ms), p50 and p95 per day", labels,
                              [("p50", [day.wait_p50 for day in seen.days]),
                               ("p95", [day.wait_p95 for day in seen.days])],
                              fmt="{:,.0f}".format),
        "cost": charts.bars("Cost per day (USD)", per_day("cost"), fmt=dollars),
        "months": charts.bars("Cost per month (USD)", sorted(seen.months.items()), fmt=dollars),
        "sources": charts.counts("Answers by source", seen.sources.items()),
        "safety": charts.counts("Safety events", seen.safety.items()),
        "seed": charts.counts("Dollars per 1,000 minutes", _against_the_seed(month),
                              fmt=dollars, keep_order=True),
    }
    return render_template("console/overview.html", seen=seen, month=month,
                           report_lines=report.format_report(month),
                           charts={key: Markup(svg) for key, svg in pictures.items()})


def _days(text, default=30, most=366):
    """How many days the overview covers: ?days=N, within reason."""
    return min(most, max(1, int(text))) if text.isdigit() else default


def _against_the_seed(month):
    low, high = report.SEED_ESTIMATE_PER_1000_MINUTES
    measured = [("measured, this month", month.per_1000_minutes)] if month.minutes else []
    return [("seed's estimate, low", low), ("seed's estimate, high", high), *measured]


def call_or_404(call_id):
    return db.session.get(CallSession, call_id) or abort(404)


def _twiml(turn):
    """The TwiML for this turn, rebuilt from what was stored (audio as cached now)."""
    parts = [Silence(segment.seconds) if segment.seconds is not None
             else Spoken(segment.text, _audio_url(segment.audio)) for segment in turn.segments]
    config = current_app.config
    voice = twiml.Voice(config["SAY_VOICE"], config["SAY_LANGUAGE"])
    if turn.end_call:
        document = twiml.hang_up(parts, voice)
    else:
        document = twiml.listen(parts, url_for("voice.turn", n=turn.index + 1),
                                twiml.GatherSettings.from_config(config), voice)
    return minidom.parseString(str(document)).toprettyxml(indent="  ")


def _audio_url(name):
    return speaker().store.url(name) if name else None
