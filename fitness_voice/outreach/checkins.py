"""Placing check-in calls: `fitness-voice checkins run`, every few minutes.

A run (1) writes down each schedule's latest due moment as a check-in row (the
unique (schedule, slot, attempt) constraint means two runners write it once),
(2) claims due check-ins one at a time, and (3) places each through Twilio's
Calls API with answering-machine detection. A claim is a row lock taken with
FOR UPDATE SKIP LOCKED on Postgres, so a second runner passes over a row the
first holds; SQLite has no row locks, and the app's BEGIN IMMEDIATE transactions
(see the factory) give each claim the whole database instead. Either way the
claim and the status change commit together, so no check-in is placed twice.

What Twilio reports back (status callbacks, the AMD result) comes in through
web/outreach.py to the functions at the bottom.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Caller, Checkin, CheckinSchedule, utcnow
from . import schedule as timing

log = logging.getLogger(__name__)

# Statuses of a check-in whose call was placed (they count towards the daily cap).
PLACED = ("dialing", "queued", "initiated", "ringing", "in-progress", "completed", "voicemail",
          "no-answer", "busy", "failed", "canceled")
MISSED = ("no-answer", "busy", "failed", "canceled")
MACHINE_ENDS = ("machine_end_beep", "machine_end_silence", "machine_end_other")


@dataclass(frozen=True)
class CheckinSettings:
    quiet: tuple | None  # (start, end) times of day on the caller's clock
    daily_cap: int  # calls placed to one caller per (their) day
    retry_minutes: int  # a missed call is tried once more this much later
    grace_minutes: int  # a moment missed by longer than this is not called late
    ring_seconds: int  # how long Twilio lets the phone ring
    max_per_run: int

    @classmethod
    def from_config(cls, config):
        return cls(timing.quiet_hours(config["CHECKIN_QUIET_HOURS"]),
                   config["CHECKIN_DAILY_CAP"], config["CHECKIN_RETRY_MINUTES"],
                   config["CHECKIN_GRACE_MINUTES"], config["CHECKIN_RING_SECONDS"],
                   config["CHECKIN_MAX_PER_RUN"])


@dataclass
class RunReport:
    written: int = 0  # check-ins this run found due and wrote down
    placed: list = field(default_factory=list)  # call SIDs
    held: dict = field(default_factory=dict)  # check-in id -> why it was not placed


def run(client, rest, settings, now=None):
    """Write down due check-ins, then claim and place them; what happened."""
    now = now or utcnow()
    report = RunReport(written=write_due(now, settings))
    for _ in range(settings.max_per_run):
        claimed = claim_next(now, settings, report)
        if claimed is None:
            break
        if claimed is not False:
            place(client, rest, settings, claimed, now, report)
    return report


def write_due(now, settings):
    """One check-in row for each active schedule's latest moment, if it is recent."""
    written = 0
    schedules = db.session.execute(db.select(CheckinSchedule).filter_by(active=True)).scalars()
    for schedule in schedules.all():
        slot = timing.latest_slot(schedule.days, schedule.local_time, schedule.timezone, now)
        if slot is None or slot < schedule.consent_at or slot < now - timedelta(
                minutes=settings.grace_minutes):
            continue
        try:
            with db.session.begin_nested():
                db.session.add(Checkin(schedule_id=schedule.id, caller_id=schedule.caller_id,
                                       slot=slot, attempt=1, due_at=slot, status="due"))
            written += 1
        except IntegrityError:
            pass  # written already, by an earlier run or one running now
    db.session.commit()
    return written


def claim_next(now, settings, report):
    """Claim the next due check-in: the Checkin to call, False when it was held
    back (quiet hours, the daily cap, a stopped schedule), None when none is due."""
    checkin = db.session.execute(
        db.select(Checkin).filter(Checkin.status == "due", Checkin.due_at <= now)
        .order_by(Checkin.due_at, Checkin.id).limit(1).with_for_update(skip_locked=True)
    ).scalar_one_or_none()
    if checkin is None:
        db.session.commit()
        return None
    held = _held_back(checkin, now, settings)
    checkin.status = held or "dialing"
    if held:
        report.held[checkin.id] = held
    else:
        checkin.placed_at = now
    db.session.commit()
    return False if held else checkin


def _held_back(checkin, now, settings):
    schedule = db.session.get(CheckinSchedule, checkin.schedule_id)
    if schedule is None or not schedule.active:
        return "canceled"
    local_now = timing.local(now, schedule.timezone)
    if timing.is_quiet(local_now.time(), settings.quiet):
        return "quiet-hours"
    if _placed_today(checkin.caller_id, local_now, schedule.timezone) >= settings.daily_cap:
        return "capped"
    return None


def _placed_today(caller_id, local_now, zone):
    since = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    since_utc = since.astimezone(UTC).replace(tzinfo=None)
    return db.session.execute(db.select(db.func.count(Checkin.id)).filter(
        Checkin.caller_id == caller_id, Checkin.status.in_(PLACED),
        Checkin.placed_at >= since_utc)).scalar_one()


def place(client, rest, settings, checkin, now, report):
    """Ask Twilio to call; the claim already holds the check-in as "dialing"."""
    checkin_id = checkin.id
    to_number = db.session.get(Caller, checkin.caller_id).phone_number
    db.session.commit()  # no transaction (on SQLite, no lock) while Twilio is asked
    try:
        call = client.calls.create(
            to=to_number, from_=rest.from_number,
            url=rest.webhook("/outreach/checkin", checkin=checkin_id), method="POST",
            status_callback=rest.webhook("/outreach/checkin/status", checkin=checkin_id),
            status_callback_event=["initiated", "ringing", "answered", "completed"],
            status_callback_method="POST",
            machine_detection="DetectMessageEnd", async_amd="true",
            async_amd_status_callback=rest.webhook("/outreach/checkin/amd", checkin=checkin_id),
            async_amd_status_callback_method="POST", timeout=settings.ring_seconds)
    except Exception as error:  # the REST API refused or could not be reached
        code = getattr(error, "code", None)  # Twilio's error code, when it answered
        checkin = db.session.get(Checkin, checkin_id)
        checkin.status = "failed"
        checkin.error = ((f"Twilio error {code}: " if code else "") + str(error))[:500]
        log.warning("placing check-in %s failed: %s", checkin_id, checkin.error)
        _retry_if_first(checkin, now, settings)
        db.session.commit()
        return
    # The callee may have answered already (the answer webhook then wrote both).
    db.session.execute(db.update(Checkin).where(
        Checkin.id == checkin_id, Checkin.call_sid.is_(None)).values(call_sid=call.sid))
    db.session.execute(db.update(Checkin).where(
        Checkin.id == checkin_id, Checkin.status == "dialing").values(
        status=call.status or "queued", updated_at=utcnow()))
    db.session.commit()
    report.placed.append(call.sid)


def _retry_if_first(checkin, now, settings):
    if checkin.attempt != 1:
        return
    # From when the missed call was placed (the run's clock), not when Twilio said so.
    due = (checkin.placed_at or now) + timedelta(minutes=settings.retry_minutes)
    try:
        with db.session.begin_nested():
            db.session.add(Checkin(schedule_id=checkin.schedule_id, caller_id=checkin.caller_id,
                                   slot=checkin.slot, attempt=2, due_at=due, status="due"))
    except IntegrityError:
        pass  # the retry is written already (a repeated status callback)


# -- what Twilio reports back ---------------------------------------------------

def find(checkin_id, call_sid):
    """The check-in a callback names, locked; None unless its call SID matches."""
    checkin = db.session.execute(db.select(Checkin).filter_by(id=checkin_id)
                                 .with_for_update()).scalar_one_or_none()
    if checkin is None or checkin.call_sid not in (None, call_sid):
        return None
    return checkin


def call_status(checkin, status, settings, now=None):
    """The call's progress; a missed call (no answer, busy, failed) is retried once."""
    now = now or utcnow()
    if checkin.status in ("voicemail", "completed", *MISSED) and status != "completed":
        return
    if status in MISSED:
        checkin.status = status
        _retry_if_first(checkin, now, settings)
    elif status == "completed":
        if checkin.status != "voicemail":
            checkin.status = "completed"
        if checkin.outcome == "machine-no-voicemail":
            _retry_if_first(checkin, now, settings)
    elif status:
        checkin.status = status


def machine_answered(checkin, answered_by):
    """The AMD result: "voicemail" to leave one, "hang-up" to leave none, else None."""
    checkin.answered_by = answered_by
    if answered_by not in MACHINE_ENDS:
        return None
    schedule = db.session.get(CheckinSchedule, checkin.schedule_id)
    if schedule is not None and schedule.voicemail:
        checkin.status, checkin.outcome = "voicemail", "voicemail-left"
        return "voicemail"
    checkin.outcome = "machine-no-voicemail"
    return "hang-up"
