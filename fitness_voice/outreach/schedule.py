"""When check-in calls fall: the moments a weekly schedule names, on the caller's
clock; quiet hours; and the words that say a schedule back. Pure: no database.

Times in the database are naive UTC (models.utcnow); a schedule's days and time
are the caller's own, in their IANA zone, so a call at "seven in the morning"
stays at seven across a daylight-saving change.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..text.numbers import number_words
from .requests import WEEK

LOOK_BACK_DAYS = 8


def parse_clock(text):
    """"07:30" -> time(7, 30)."""
    hour, minute = (int(part) for part in text.split(":"))
    return time(hour, minute)


def latest_slot(days, local_time, zone_name, now):
    """The latest scheduled moment at or before `now` (naive UTC), as naive UTC, or None."""
    zone = ZoneInfo(zone_name)
    local_now = now.replace(tzinfo=UTC).astimezone(zone)
    at = parse_clock(local_time)
    for back in range(LOOK_BACK_DAYS):
        day = (local_now - timedelta(days=back)).date()
        if WEEK[day.weekday()] not in days:
            continue
        moment = datetime.combine(day, at, tzinfo=zone)
        if moment <= local_now:
            return moment.astimezone(UTC).replace(tzinfo=None)
    return None


def next_slot(days, local_time, zone_name, now):
    """The first scheduled moment after `now` (naive UTC), as naive UTC, or None."""
    zone = ZoneInfo(zone_name)
    local_now = now.replace(tzinfo=UTC).astimezone(zone)
    at = parse_clock(local_time)
    for ahead in range(LOOK_BACK_DAYS):
        day = (local_now + timedelta(days=ahead)).date()
        moment = datetime.combine(day, at, tzinfo=zone)
        if WEEK[day.weekday()] in days and moment > local_now:
            return moment.astimezone(UTC).replace(tzinfo=None)
    return None


def local(moment, zone_name):
    """`moment` (naive UTC) on the caller's clock."""
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone_name))


def quiet_hours(setting):
    """"21:00-07:00" -> (time(21), time(7)); an empty setting -> None (no quiet hours)."""
    if not setting:
        return None
    start, end = (parse_clock(part.strip()) for part in setting.split("-"))
    return start, end


def is_quiet(clock, quiet):
    """Whether `clock` (a time of day) falls in the quiet hours `quiet`."""
    if quiet is None:
        return False
    start, end = quiet
    if start <= end:
        return start <= clock < end
    return clock >= start or clock < end  # overnight, e.g. 21:00-07:00


def spoken_days(days):
    """["Monday", "Thursday"] -> "Mondays and Thursdays"; all seven -> "every day"."""
    days = [day for day in WEEK if day in days]
    if len(days) == 7:
        return "every day"
    if days == list(WEEK[:5]):
        return "on weekdays"
    names = [f"{day}s" for day in days]
    if len(names) == 1:
        return f"on {names[0]}"
    return "on " + ", ".join(names[:-1]) + f" and {names[-1]}"


def spoken_time(clock):
    """time(7, 0) -> "seven in the morning"; time(18, 30) -> "six thirty in the evening"."""
    if (clock.hour, clock.minute) == (12, 0):
        return "noon"
    hour = clock.hour % 12 or 12
    said = number_words(hour)
    if clock.minute:
        said += " oh " + number_words(clock.minute) if clock.minute < 10 else (
            " " + number_words(clock.minute))
    if clock.hour < 12:
        return f"{said} in the morning"
    return f"{said} in the {'afternoon' if clock.hour < 17 else 'evening'}"


def spoken_zone(zone_name):
    """"America/New_York" -> "New York"."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")
