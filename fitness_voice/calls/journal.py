"""What an operator reads about calls: one structured log line per turn and one per
call at its end, what a turn's speech cost, and the turns a caller waited on.

Log lines carry ids, kinds, timings and counts, never a phone number or the words
said: the call id (Twilio's CallSid) is enough to find the call in the console.
"""

import logging

from ..extensions import db
from ..models import CallSession, HoldEvent, Turn
from ..usage.stats import percentile
from .events import Spoken

log = logging.getLogger("fitness_voice.journal")


def speech_usage(speaker, meter, parts):
    """What this turn's speech cost: characters our engine synthesized or found
    cached, and characters left to Twilio's <Say> (no audio of our own)."""
    said = sum(len(part.text) for part in parts if isinstance(part, Spoken) and not part.audio_url)
    return {"engine": getattr(speaker, "engine_name", "say"), **meter.to_json(), "said": said}


def turn_stored(call_sid, index, reply, timings):
    """The turn's log line: call id, turn, kind, stage timings, answer source, cache."""
    details = reply.details
    speech = details.get("speech") or {}
    fields = {"event": "turn", "call": call_sid, "turn": index, "kind": reply.kind,
              **timings.to_json(),
              "source": details.get("source"),
              "audio_cached": _all_cached(speech),
              "tokens": (details.get("usage") or {}).get("total_tokens")}
    _emit(fields)


def call_ended(session):
    """The call's log line at its end: status, duration, turns, waits and flags."""
    turns = db.session.execute(db.select(Turn).filter_by(session_id=session.id)
                               .order_by(Turn.index)).scalars().all()
    waits = sorted(t.timings["total_ms"] for t in turns
                   if t.index and (t.timings or {}).get("total_ms") is not None)
    fields = {"event": "call-end", "call": session.call_sid, "status": session.status,
              "duration_s": session.duration_seconds, "turns": len(turns),
              "wait_p50_ms": percentile(waits, 50), "wait_p95_ms": percentile(waits, 95),
              "safety": sum(1 for t in turns if t.kind.startswith("safety-")),
              "fillers": _holds(session.id)}
    _emit(fields)


def held(call_sid, turn_index, kind):
    """The caller heard a filler (kind "filler") or was asked again ("gave-up")."""
    session = db.session.execute(db.select(CallSession).filter_by(call_sid=call_sid)
                                 ).scalar_one_or_none()
    if session is None:
        return
    db.session.add(HoldEvent(session_id=session.id, turn_index=turn_index, kind=kind))
    db.session.commit()
    _emit({"event": "hold", "call": call_sid, "turn": turn_index, "kind": kind})


def _holds(session_id):
    return db.session.execute(db.select(db.func.count(HoldEvent.id))
                              .filter_by(session_id=session_id)).scalar_one()


def _all_cached(speech):
    if not speech or speech.get("engine") == "say":
        return None
    return speech.get("synthesized", 0) == 0 and speech.get("said", 0) == 0


def _emit(fields):
    """One line: "turn call=CA… turn=2 …" as text; the same fields as JSON keys
    when LOG_FORMAT=json (the formatter reads record.fields)."""
    fields = {key: value for key, value in fields.items() if value is not None}
    text = " ".join(f"{key}={value}" for key, value in fields.items() if key != "event")
    log.info("%s %s", fields["event"], text, extra={"fields": fields})
