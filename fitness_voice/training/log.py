"""The training log in the database: workouts, their sets, weekly plans.

The coach never writes here itself. It returns effects with its reply, and
calls.py applies them in the transaction that stores the turn, so a retried
webhook can never log a set twice.
"""

from datetime import timedelta

from ..extensions import db
from ..models import Caller, WeeklyPlan, Workout, WorkoutSet, utcnow
from . import zones

OPEN = ("in-progress", "dropped")
# How a set ended: finished, passed over, or stopped because it hurt.
OUTCOMES = ("done", "skipped", "pain", "red-flag")


def apply(session, effects):
    for effect in effects or ():
        handler = HANDLERS[effect["type"]]
        handler(session, effect)


def _started(session, effect):
    db.session.add(Workout(
        key=effect["key"], caller_id=session.caller_id, call_session_id=session.id,
        focus=effect["focus"], minutes_planned=effect["minutes"], plan=effect["plan"],
        position=0, status="in-progress"))
    db.session.flush()


def _workout(key):
    return db.session.execute(db.select(Workout).filter_by(key=key)).scalar_one_or_none()


def _progress(session, effect):
    workout = _workout(effect["key"])
    if workout is not None:
        workout.position = effect["position"]
        workout.updated_at = utcnow()


def _logged_set(workout, step_index):
    return db.session.execute(db.select(WorkoutSet).filter_by(
        workout_id=workout.id, step_index=step_index)).scalar_one_or_none()


def _set_logged(session, effect):
    workout = _workout(effect["key"])
    if workout is None:
        return
    existing = _logged_set(workout, effect["step_index"])
    fields = {name: effect.get(name) for name in
              ("exercise", "block", "set_number", "reps", "seconds", "effort", "outcome")}
    if existing is None:
        db.session.add(WorkoutSet(workout_id=workout.id, step_index=effect["step_index"],
                                  **fields))
    else:  # the caller went back to a step ("repeat") and did it again
        for name, value in fields.items():
            setattr(existing, name, value)


def _effort(session, effect):
    workout = _workout(effect["key"])
    if workout is None:
        return
    done = _logged_set(workout, effect["step_index"])
    if done is not None:
        done.effort = effect["effort"]


def _ended(session, effect):
    workout = _workout(effect["key"])
    if workout is not None:
        workout.status = effect["status"]
        workout.ended_at = utcnow()


def _replanned(session, effect):
    """The plan changed mid-workout (a swap, an injury): the log keeps the plan led."""
    workout = _workout(effect["key"])
    if workout is not None:
        workout.plan = effect["plan"]
        workout.updated_at = utcnow()


def _resumed(session, effect):
    workout = _workout(effect["key"])
    if workout is not None:
        workout.status = "in-progress"
        workout.call_session_id = session.id
        workout.updated_at = utcnow()


def _weekly_plan(session, effect):
    db.session.add(WeeklyPlan(caller_id=session.caller_id, days=effect["days"]))


HANDLERS = {
    "workout_started": _started, "workout_progress": _progress, "set_logged": _set_logged,
    "set_effort": _effort, "workout_ended": _ended, "workout_resumed": _resumed,
    "workout_replanned": _replanned, "weekly_plan": _weekly_plan,
}


def mark_dropped(session):
    """The call ended: a workout still running in it can be resumed by the next call."""
    db.session.execute(db.update(Workout).where(
        Workout.call_session_id == session.id, Workout.status == "in-progress"
    ).values(status="dropped", updated_at=utcnow()))


def summary(caller_id, session_id, resume_window_minutes, now=None):
    """What the coach should know about the caller's training, as plain data.

    Days are the caller's: their profile's time zone, else their number's
    country's, else the server's (see zones.py).
    """
    now = now or utcnow()
    caller = db.session.get(Caller, caller_id)
    zone = zones.caller_zone(caller.phone_number if caller else None,
                             (caller.profile or {}) if caller else {})
    local_now = zones.local(now, zone)
    return {
        "today": local_now.strftime("%A"),
        "last_workout": _last_workout(caller_id, session_id, local_now, zone),
        "resumable": _resumable(caller_id, session_id, now - timedelta(
            minutes=resume_window_minutes)),
        "weekly_plan": _weekly(caller_id),
    }


def _last_workout(caller_id, session_id, local_now, zone):
    """The caller's latest workout with something done, or one from this very call
    (stopped a few turns ago), whatever it holds."""
    workout = db.session.execute(
        db.select(Workout).filter(Workout.caller_id == caller_id,
                                  db.or_(Workout.position > 0,
                                         Workout.call_session_id == session_id),
                                  db.or_(Workout.call_session_id.is_distinct_from(session_id),
                                         Workout.status != "in-progress"))
        .order_by(Workout.started_at.desc(), Workout.id.desc()).limit(1)).scalar_one_or_none()
    if workout is None:
        return None
    done = [s for s in workout.sets if s.outcome == "done"]
    efforts = [s.effort for s in done if s.effort]
    main = list(dict.fromkeys(title_of(workout.plan, s.exercise) for s in done
                              if s.block == "main"))
    started = zones.local(workout.started_at, zone)
    days_ago = (local_now.date() - started.date()).days
    return {
        "day": _day_word(started, days_ago), "weekday": started.strftime("%A"),
        "days_ago": days_ago, "focus": workout.focus,
        "minutes": workout.minutes_planned, "status": workout.status,
        "sets_done": len(done), "exercises": main,
        "average_effort": round(sum(efforts) / len(efforts)) if efforts else None,
    }


def _day_word(started, days_ago):
    """The day of a past workout as "<day>'s session" can say it: "today",
    "yesterday", a weekday within the week, "last <weekday>" the week before."""
    if days_ago <= 0:
        return "today"
    if days_ago == 1:
        return "yesterday"
    weekday = started.strftime("%A")
    return weekday if days_ago < 7 else f"last {weekday}"


def title_of(plan, slug):
    """The exercise's name as the plan led it; never the slug itself."""
    for step in (plan or {}).get("steps") or []:
        if step.get("slug") == slug and step.get("title"):
            return step["title"]
    return str(slug).replace("-", " ").capitalize()


def _resumable(caller_id, session_id, since):
    workout = db.session.execute(
        db.select(Workout).filter(Workout.caller_id == caller_id, Workout.status.in_(OPEN),
                                  Workout.call_session_id.is_distinct_from(session_id),
                                  Workout.updated_at >= since)
        .order_by(Workout.updated_at.desc()).limit(1)).scalar_one_or_none()
    if workout is None:
        return None
    return {"key": workout.key, "plan": workout.plan, "position": workout.position,
            "focus": workout.focus, "minutes": workout.minutes_planned,
            "sets_done": sum(1 for s in workout.sets if s.outcome == "done"),
            "main_missed": sum(1 for s in workout.sets
                               if s.block == "main" and s.outcome != "done")}


def _weekly(caller_id):
    plan = db.session.execute(
        db.select(WeeklyPlan).filter_by(caller_id=caller_id)
        .order_by(WeeklyPlan.created_at.desc(), WeeklyPlan.id.desc()).limit(1)
    ).scalar_one_or_none()
    return plan.days if plan else None
