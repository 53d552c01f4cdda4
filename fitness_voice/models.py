"""Callers, their calls, and every turn of every call."""

from datetime import UTC, datetime

from sqlalchemy import JSON
from sqlalchemy.ext.mutable import MutableDict

from .extensions import db

# Room for E.164 (16) and a SIP URI such as sip:+15551234567@trunk.pstn.twilio.com;user=phone.
PHONE_NUMBER_LENGTH = 255
CALL_STATUS_LENGTH = 20


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


class Caller(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    phone_number = db.Column(db.String(PHONE_NUMBER_LENGTH), unique=True, nullable=False)
    name = db.Column(db.String(80))
    profile = db.Column(MutableDict.as_mutable(JSON), nullable=False, default=dict)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    sessions = db.relationship(
        "CallSession", back_populates="caller", cascade="all, delete-orphan"
    )
    workouts = db.relationship("Workout", cascade="all, delete-orphan", passive_deletes=True)
    weekly_plans = db.relationship("WeeklyPlan", cascade="all, delete-orphan",
                                   passive_deletes=True)


class CallSession(db.Model):
    __tablename__ = "call_session"

    id = db.Column(db.Integer, primary_key=True)
    call_sid = db.Column(db.String(64), unique=True, nullable=False)
    caller_id = db.Column(
        db.Integer, db.ForeignKey("caller.id", ondelete="CASCADE"), nullable=False, index=True
    )
    started_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    ended_at = db.Column(db.DateTime)
    status = db.Column(db.String(CALL_STATUS_LENGTH), nullable=False, default="in-progress")
    duration_seconds = db.Column(db.Integer)
    state = db.Column(MutableDict.as_mutable(JSON), nullable=False, default=dict)
    # The latest turn a request claimed to answer, when, and the request's key
    # (Twilio's idempotency token, or a digest of what it posted): copies of that
    # request wait for the claimer's answer instead of running the coach again.
    claimed_turn = db.Column(db.Integer)
    claimed_at = db.Column(db.DateTime)
    claimed_key = db.Column(db.String(64))

    caller = db.relationship("Caller", back_populates="sessions")
    turns = db.relationship(
        "Turn", back_populates="session", order_by="Turn.index", cascade="all, delete-orphan"
    )


class Turn(db.Model):
    __table_args__ = (db.UniqueConstraint("session_id", "index", name="uq_turn_session_index"),)

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(
        db.Integer, db.ForeignKey("call_session.id", ondelete="CASCADE"), nullable=False
    )
    index = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(24), nullable=False)
    speech = db.Column(db.Text)
    confidence = db.Column(db.Float)
    reply = db.Column(db.Text, nullable=False)
    end_call = db.Column(db.Boolean, nullable=False, default=False)
    timings = db.Column(JSON, nullable=False, default=dict)
    details = db.Column(JSON, nullable=False, default=dict)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    session = db.relationship("CallSession", back_populates="turns")


class Workout(db.Model):
    """A guided session: its plan, how far the caller got, and how it ended."""

    id = db.Column(db.Integer, primary_key=True)
    # Chosen by the coach when it plans the session, so later turns (and a
    # resumed call) can name the workout before the row exists.
    key = db.Column(db.String(32), unique=True, nullable=False)
    caller_id = db.Column(
        db.Integer, db.ForeignKey("caller.id", ondelete="CASCADE"), nullable=False, index=True
    )
    call_session_id = db.Column(
        db.Integer, db.ForeignKey("call_session.id", ondelete="SET NULL"), index=True
    )
    started_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    ended_at = db.Column(db.DateTime)
    # in-progress, completed, stopped, dropped, red-flag, abandoned
    status = db.Column(db.String(20), nullable=False, default="in-progress")
    focus = db.Column(db.String(40), nullable=False)
    minutes_planned = db.Column(db.Integer, nullable=False)
    plan = db.Column(JSON, nullable=False)
    position = db.Column(db.Integer, nullable=False, default=0)

    sets = db.relationship("WorkoutSet", back_populates="workout", order_by="WorkoutSet.id",
                           cascade="all, delete-orphan")


class WorkoutSet(db.Model):
    """One exercise set (or timed hold) the caller did or skipped."""

    __tablename__ = "workout_set"
    __table_args__ = (db.UniqueConstraint("workout_id", "step_index", name="uq_set_step"),)

    id = db.Column(db.Integer, primary_key=True)
    workout_id = db.Column(
        db.Integer, db.ForeignKey("workout.id", ondelete="CASCADE"), nullable=False
    )
    step_index = db.Column(db.Integer, nullable=False)
    exercise = db.Column(db.String(80), nullable=False)
    block = db.Column(db.String(20), nullable=False)
    set_number = db.Column(db.Integer, nullable=False)
    reps = db.Column(db.Integer)
    seconds = db.Column(db.Integer)
    effort = db.Column(db.Integer)
    outcome = db.Column(db.String(20), nullable=False)  # done, skipped
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    workout = db.relationship("Workout", back_populates="sets")


class WeeklyPlan(db.Model):
    __tablename__ = "weekly_plan"

    id = db.Column(db.Integer, primary_key=True)
    caller_id = db.Column(
        db.Integer, db.ForeignKey("caller.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    days = db.Column(JSON, nullable=False)  # [{"day": "Monday", "focus": ..., "minutes": ...}]


class HoldEvent(db.Model):
    """A turn the caller waited on: a filler and a redirect, or the wait given up."""

    __tablename__ = "hold_event"

    id = db.Column(db.Integer, primary_key=True)
    session_id = db.Column(
        db.Integer, db.ForeignKey("call_session.id", ondelete="CASCADE"), nullable=False,
        index=True)
    turn_index = db.Column(db.Integer, nullable=False)
    kind = db.Column(db.String(20), nullable=False)  # filler, gave-up
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class ConsoleUser(db.Model):
    """An operator who may sign in to the console (password hashed by werkzeug)."""

    __tablename__ = "console_user"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class LoginFailure(db.Model):
    """A failed console sign-in, counted per username and per address for throttling."""

    __tablename__ = "console_login_failure"

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), nullable=False, index=True)
    address = db.Column(db.String(64), nullable=False, index=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class CheckinSchedule(db.Model):
    """A caller's standing check-in calls, with the consent they gave for them."""

    __tablename__ = "checkin_schedule"

    id = db.Column(db.Integer, primary_key=True)
    caller_id = db.Column(db.Integer, db.ForeignKey("caller.id", ondelete="CASCADE"),
                          unique=True, nullable=False)
    days = db.Column(JSON, nullable=False)  # ["Monday", "Thursday"], on the caller's clock
    local_time = db.Column(db.String(5), nullable=False)  # "07:00"
    timezone = db.Column(db.String(64), nullable=False)  # an IANA name
    active = db.Column(db.Boolean, nullable=False, default=True)
    consent_at = db.Column(db.DateTime, nullable=False)
    consent_words = db.Column(db.Text, nullable=False)  # what the caller said, as heard
    voicemail = db.Column(db.Boolean, nullable=False, default=True)
    texts = db.Column(db.Boolean)  # None: not asked yet
    texts_asked_at = db.Column(db.DateTime)
    stopped_at = db.Column(db.DateTime)
    stop_words = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Checkin(db.Model):
    """One check-in call due (or placed) at a scheduled moment; a retry is attempt 2."""

    __tablename__ = "checkin"
    __table_args__ = (db.UniqueConstraint("schedule_id", "slot", "attempt",
                                          name="uq_checkin_slot_attempt"),)

    id = db.Column(db.Integer, primary_key=True)
    schedule_id = db.Column(db.Integer, db.ForeignKey("checkin_schedule.id", ondelete="CASCADE"),
                            nullable=False)
    caller_id = db.Column(db.Integer, db.ForeignKey("caller.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    slot = db.Column(db.DateTime, nullable=False)  # the scheduled moment, UTC
    attempt = db.Column(db.Integer, nullable=False, default=1)
    due_at = db.Column(db.DateTime, nullable=False, index=True)
    # due, dialing, in-progress, completed, voicemail, no-answer, busy, failed,
    # canceled, quiet-hours, capped
    status = db.Column(db.String(20), nullable=False, default="due")
    call_sid = db.Column(db.String(64), unique=True)
    placed_at = db.Column(db.DateTime)
    answered_by = db.Column(db.String(24))  # human, machine_end_beep, ...
    outcome = db.Column(db.String(20))  # now, later, skipped, voicemail-left, ...
    note = db.Column(db.Text)  # why a session was skipped, when it was moved to
    error = db.Column(db.Text)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class TextMessage(db.Model):
    """An SMS the coach sent, and what Twilio last said about its delivery."""

    __tablename__ = "text_message"

    id = db.Column(db.Integer, primary_key=True)
    caller_id = db.Column(db.Integer, db.ForeignKey("caller.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    call_sid = db.Column(db.String(64))  # the call it summarises
    message_sid = db.Column(db.String(64), unique=True)
    kind = db.Column(db.String(20), nullable=False)  # summary
    body = db.Column(db.Text, nullable=False)
    status = db.Column(db.String(20), nullable=False)  # queued, sent, delivered, failed, ...
    error_code = db.Column(db.String(10))
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class Handoff(db.Model):
    """A caller put through to a person, or promised a call back when no one answered."""

    id = db.Column(db.Integer, primary_key=True)
    caller_id = db.Column(db.Integer, db.ForeignKey("caller.id", ondelete="CASCADE"),
                          nullable=False, index=True)
    call_sid = db.Column(db.String(64), nullable=False, index=True)
    reason = db.Column(db.String(40), nullable=False)  # asked, complaints, keypad
    said = db.Column(db.Text)  # the caller's words that asked for it
    status = db.Column(db.String(20), nullable=False, default="dialing")
    callback_promised = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)
