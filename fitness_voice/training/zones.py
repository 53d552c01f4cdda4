"""Whose clock says what day it is: the caller's time zone, for "today" in the
weekly plan and "earlier today" in the training log.

The caller's profile may name a zone ("timezone", an IANA name such as
"Europe/London"); otherwise their number's country code gives it when the
country keeps one zone; otherwise the server's own zone is used. Countries
spanning several zones (+1, +7, +55, +61...) are left to the profile or the server.
"""

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# E.164 country calling codes of single-zone countries, longest codes first when read.
COUNTRY_ZONES = {
    "20": "Africa/Cairo", "27": "Africa/Johannesburg", "30": "Europe/Athens",
    "31": "Europe/Amsterdam", "32": "Europe/Brussels", "33": "Europe/Paris",
    "34": "Europe/Madrid", "36": "Europe/Budapest", "39": "Europe/Rome",
    "40": "Europe/Bucharest", "41": "Europe/Zurich", "43": "Europe/Vienna",
    "44": "Europe/London", "45": "Europe/Copenhagen", "46": "Europe/Stockholm",
    "47": "Europe/Oslo", "48": "Europe/Warsaw", "49": "Europe/Berlin",
    "60": "Asia/Kuala_Lumpur", "63": "Asia/Manila", "64": "Pacific/Auckland",
    "65": "Asia/Singapore", "66": "Asia/Bangkok", "81": "Asia/Tokyo", "82": "Asia/Seoul",
    "84": "Asia/Ho_Chi_Minh", "86": "Asia/Shanghai", "90": "Europe/Istanbul",
    "91": "Asia/Kolkata", "92": "Asia/Karachi", "94": "Asia/Colombo",
    "212": "Africa/Casablanca", "233": "Africa/Accra", "234": "Africa/Lagos",
    "254": "Africa/Nairobi", "351": "Europe/Lisbon", "353": "Europe/Dublin",
    "354": "Atlantic/Reykjavik", "358": "Europe/Helsinki", "420": "Europe/Prague",
    "421": "Europe/Bratislava", "852": "Asia/Hong_Kong", "880": "Asia/Dhaka",
    "886": "Asia/Taipei", "966": "Asia/Riyadh", "971": "Asia/Dubai", "972": "Asia/Jerusalem",
    "974": "Asia/Qatar",
}
PROFILE_KEYS = ("timezone", "time_zone")


def caller_zone(phone_number, profile=None) -> tzinfo:
    """The caller's zone: profile, then country code, then the server's."""
    for key in PROFILE_KEYS:
        zone = _zone((profile or {}).get(key))
        if zone is not None:
            return zone
    zone = _zone(country_zone(phone_number))
    return zone if zone is not None else server_zone()


def country_zone(phone_number) -> str | None:
    """The zone name of a single-zone country's +E.164 number, else None."""
    digits = str(phone_number or "")
    if not digits.startswith("+"):
        return None
    digits = digits[1:]
    for length in (3, 2):
        zone = COUNTRY_ZONES.get(digits[:length])
        if zone:
            return zone
    return None


def server_zone() -> tzinfo:
    return datetime.now().astimezone().tzinfo


def local(moment: datetime, zone: tzinfo) -> datetime:
    """`moment` (naive means UTC, as the database stores it) on the caller's clock."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def _zone(name):
    if not isinstance(name, str) or not name.strip():
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None
