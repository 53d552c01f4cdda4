"""The week and the log, outside a workout: plan the caller's week, say what today
holds, and read back the last workout.

The training log arrives as plain data (CallerInfo.training, from
training.log.summary); the weekly plan goes out as an effect on the Reply.
"""

from ..contract import Reply
from ..text.speakable import for_speech
from . import planner


def plan_reply(lines, profile, facts):
    """The week planned from `facts` said now (days_per_week, minutes_per_session),
    the profile filling the gaps, and saved."""
    days = facts.get("days_per_week") or profile.get("days_per_week") or 3
    minutes = facts.get("minutes_per_session") or profile.get("minutes_per_session") or 20
    week = planner.plan_week(int(days), int(minutes), profile.get("goal"),
                             profile.get("experience") or "beginner")
    listed = "; ".join(lines.say("week_day", day=day["day"], focus=day["focus"]) for day in week)
    text = for_speech(lines.say("week", days=listed, minutes=minutes))
    return Reply(text, kind="weekly-plan", effects=[{"type": "weekly_plan", "days": week}])


def today_reply(lines, training):
    training = training or {}
    week = training.get("weekly_plan")
    if not week:
        return Reply(lines["no_week"], kind="today")
    todays = todays_plan(training)
    if todays:
        return Reply(for_speech(lines.say("today", focus=todays["focus"],
                                          minutes=todays["minutes"])), kind="today")
    upcoming = _next_planned(week, training.get("today"))
    return Reply(lines.say("rest_day", focus=upcoming["focus"], day=upcoming["day"]),
                 kind="today")


def last_time_reply(lines, training):
    last = (training or {}).get("last_workout")
    if not last:
        return Reply(lines["no_log"], kind="last-time")
    fields = {"day": last["day"], "minutes": last["minutes"], "focus": last["focus"],
              "sets": last["sets_done"]}
    moves = last["exercises"][:3]
    if moves:
        text = lines.say("last_time", exercises=lines.listed(moves).lower(), **fields)
    else:
        text = lines.say("last_time_unnamed", **fields)
    effort = last.get("average_effort")
    if effort:
        text += " " + lines.say("rated_about", effort=effort)
    text += " " + lines[_suggestion(last)]
    return Reply(for_speech(text), kind="last-time")


def _suggestion(last):
    effort = last.get("average_effort")
    if last.get("status") != "completed":
        return "suggest_finishing"
    if effort and effort >= 8:
        return "suggest_repeating"
    if effort and effort <= 5:
        return "suggest_more"
    return "suggest_balance"


def todays_plan(training):
    """Today's day of the weekly plan, or None on a rest day or with no plan."""
    week = (training or {}).get("weekly_plan") or []
    today = (training or {}).get("today")
    return next((day for day in week if day["day"] == today), None)


def _next_planned(week, today):
    order = planner.DAY_NAMES
    start = order.index(today) if today in order else 0
    for offset in range(1, 8):
        day = order[(start + offset) % 7]
        for planned in week:
            if planned["day"] == day:
                return planned
    return week[0]
