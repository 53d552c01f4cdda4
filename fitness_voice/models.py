"""Callers, their calls, and every turn of every call."""

from datetime import UTC, datetime

from sqlalchemy import JSON
from sqlalchemy.ext.mutable import MutableDict

from .extensions import db


def utcnow():
    return datetime.now(UTC).replace(tzinfo=None)


class Caller(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    phone_number = db.Column(db.String(32), unique=True, nullable=False)
    name = db.Column(db.String(80))
    profile = db.Column(MutableDict.as_mutable(JSON), nullable=False, default=dict)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    sessions = db.relationship(
        "CallSession", back_populates="caller", cascade="all, delete-orphan"
    )


class CallSession(db.Model):
    __tablename__ = "call_session"

    id = db.Column(db.Integer, primary_key=True)
    call_sid = db.Column(db.String(64), unique=True, nullable=False)
    caller_id = db.Column(
        db.Integer, db.ForeignKey("caller.id", ondelete="CASCADE"), nullable=False, index=True
    )
    started_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    ended_at = db.Column(db.DateTime)
    status = db.Column(db.String(20), nullable=False, default="in-progress")
    duration_seconds = db.Column(db.Integer)
    state = db.Column(MutableDict.as_mutable(JSON), nullable=False, default=dict)

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
