"""The week and the log, outside a workout: plan the caller's week, say what today
holds, and read back the last workout.

The training log arrives as plain data (CallerInfo.training, from
training.log.summary); the weekly plan goes out as an effect on the Reply.
"""

from ..contract import Reply
from ..text.speakable import for_speech, number_words
from . import planner
from .requests import parse_days, parse_minutes


def plan_reply(lines, profile, facts, text=""):
    """The week planned from what was said now (`text`, and `facts` read from it:
    days_per_week, minutes_per_session), the profile filling the gaps, and saved.

    The session length the caller chose is kept: said now, else the profile's,
    else twenty minutes; a length said now is remembered with the plan.
    """
    said_days = parse_days(text) or _whole(facts.get("days_per_week"))
    said_minutes = parse_minutes(text) if text else None
    said_minutes = said_minutes or _whole(facts.get("minutes_per_session"))
    days = said_days or _whole(profile.get("days_per_week")) or 3
    minutes = said_minutes or parse_minutes(profile.get("minutes_per_session")) or 20
    week = planner.plan_week(days, minutes, profile.get("goal"),
                             profile.get("experience") or "beginner")
    minutes = week[0]["minutes"] if week else minutes  # as planned (clamped to a call's length)
    listed = "; ".join(lines.say("week_day", day=day["day"], focus=day["focus"]) for day in week)
    spoken = for_speech(lines.say("week", days=listed, minutes=minutes))
    remembered = {key: value for key, value in (("days_per_week", said_days),
                                                ("minutes_per_session", said_minutes and minutes))
                  if value and profile.get(key) != value}
    return Reply(spoken, kind="weekly-plan", profile_updates=remembered,
                 effects=[{"type": "weekly_plan", "days": week}])


def _whole(value):
    try:
        return int(value) if value and int(value) > 0 else None
    except (TypeError, ValueError):
        return None


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
    """The caller's last workout as the log has it: when (on the caller's clock),
    how long, what focus, the sets done and some of their names, and what next."""
    last = (training or {}).get("last_workout")
    if not last:
        return Reply(lines["no_log"], kind="last-time")
    fields = {"when": when(lines, last), "minutes": last["minutes"], "focus": last["focus"],
              "sets": lines.sets(last["sets_done"])}
    finished = last.get("status") == "completed"
    moves = last["exercises"][:3]
    if not last["sets_done"]:
        text = lines.say("last_time_nothing_done", **fields)
    elif moves:
        text = lines.say("last_time" if finished else "last_time_unfinished",
                         exercises=lines.listed(moves).lower(), **fields)
    else:
        text = lines.say("last_time_unnamed" if finished else "last_time_unfinished_unnamed",
                         **fields)
    effort = last.get("average_effort")
    if effort:
        text += " " + lines.say("rated_about", effort=effort)
    text += " " + lines[_suggestion(last)]
    return Reply(for_speech(text), kind="last-time")


def when(lines, last):
    """When a logged workout was, as said to the caller: "earlier today", "yesterday",
    "on Wednesday", or so many days ago."""
    days_ago = last.get("days_ago")
    weekday = last.get("weekday") or last.get("day")
    if days_ago is None:
        return lines.say("when_day", day=weekday)
    if days_ago <= 0:
        return lines["when_today"]
    if days_ago == 1:
        return lines["when_yesterday"]
    if days_ago < 7:
        return lines.say("when_day", day=weekday)
    return lines.say("when_days_ago", days=number_words(days_ago), day=weekday)


def _suggestion(last):
    effort = last.get("average_effort")
    if last.get("status") == "pain":
        return "suggest_after_pain"
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
