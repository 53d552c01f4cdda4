"""What a console page shows of a call, gathered from the stored rows. No Flask:
the pages and the exports both read through these."""

from dataclasses import dataclass, field

from ...extensions import db
from ...models import HoldEvent, Workout, WorkoutSet
from ...speech.files import FOLDER, NAME
from ...text.speakable import for_speech
from ...usage.activity import answer_source

# The stage timings a turn can hold, in the order they happen, with their labels.
STAGES = (("db_ms", "database"), ("retrieval_ms", "retrieval"), ("llm_ms", "LLM"),
          ("coach_ms", "coach (all)"), ("speech_ms", "synthesis"), ("total_ms", "total"))


@dataclass
class Segment:
    text: str | None = None
    seconds: int | None = None   # a pause
    audio: str | None = None     # the cache name of its audio, when there is some


@dataclass
class TurnView:
    index: int
    kind: str
    heard: str | None
    confidence: float | None
    said: str
    segments: list
    timings: dict
    source: str | None
    tokens: dict
    safety: str | None
    holds: list
    end_call: bool
    speech: dict = field(default_factory=dict)


def turn_views(session, speaker):
    holds = {}
    for event in db.session.execute(db.select(HoldEvent).filter_by(session_id=session.id)
                                    .order_by(HoldEvent.id)).scalars():
        holds.setdefault(event.turn_index, []).append(event.kind)
    caller = str(session.caller_id)
    return [_view(turn, speaker, holds.get(turn.index, []), caller) for turn in session.turns]


def _view(turn, speaker, holds, caller):
    details = turn.details or {}
    return TurnView(
        index=turn.index, kind=turn.kind, heard=turn.speech if turn.index else None,
        confidence=turn.confidence if turn.index else None, said=turn.reply,
        segments=segments(details.get("segments") or [turn.reply], speaker, caller),
        timings=dict(turn.timings or {}), source=answer_source(turn),
        tokens=details.get("usage") or {}, safety=details.get("safety"), holds=holds,
        end_call=turn.end_call, speech=details.get("speech") or {})


def segments(parts, speaker, caller=None):
    """Words and pauses, each spoken part with its cached audio's name if it is stored
    (lines said to `caller` are in their folder)."""
    found = []
    for part in parts:
        if isinstance(part, int):
            found.append(Segment(seconds=part))
        else:
            found.append(Segment(text=part, audio=audio_name(part, speaker, caller)))
    return found


def audio_name(text, speaker, caller=None):
    """The cache name of the audio the caller heard for `text`, or None (Twilio's <Say>)."""
    if not hasattr(speaker, "name_for"):
        return None
    spoken = for_speech(text)
    name = speaker.name_for(spoken, caller)
    try:
        return name if speaker.store.exists(name) else None
    except Exception:  # an unreachable store: the page shows the words without audio
        return None


def is_audio_name(name):
    """<hash>.<format>, or <caller's folder>/<hash>.<format>."""
    folder, _, file = name.rpartition("/")
    return NAME.match(file) is not None and (not folder or FOLDER.match(folder) is not None)


def sets_logged(session):
    """The workout sets done or skipped during this call."""
    return db.session.execute(
        db.select(WorkoutSet).join(Workout).filter(Workout.call_session_id == session.id)
        .order_by(WorkoutSet.id)).scalars().all()


def transcript_lines(session):
    """The call as plain text lines: who said what, turn by turn."""
    lines = [f"Call {session.call_sid}, {session.started_at:%Y-%m-%d %H:%M} UTC"]
    for turn in session.turns:
        if turn.index:
            heard = turn.speech or "(silence)"
            confidence = f" [{turn.confidence:.2f}]" if turn.confidence is not None else ""
            lines.append(f"caller: {heard}{confidence}")
        lines.append(f"coach: {turn.reply}")
    return lines


def transcript_json(session, summary):
    return {
        "call_sid": session.call_sid,
        "started_at": session.started_at.isoformat(),
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
        "status": session.status, "outcome": summary.outcome,
        "duration_seconds": session.duration_seconds,
        "usage": summary.usage.to_json(), "cost": summary.cost,
        "turns": [{"index": turn.index, "kind": turn.kind,
                   "heard": turn.speech if turn.index else None,
                   "confidence": turn.confidence, "said": turn.reply,
                   "timings": turn.timings or {}, "source": answer_source(turn),
                   "tokens": (turn.details or {}).get("usage") or {},
                   "safety": (turn.details or {}).get("safety")}
                  for turn in session.turns],
    }
