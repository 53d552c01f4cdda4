"""The turn contract every layer shares: what the caller said and who they are
(TurnInput, CallerInfo), what the coach answers (Reply), what a call remembers
between turns (CallState) and how long a turn took (TurnTimings).

It sits at the bottom of the package, beside models and config, so that the call
loop, the dialogue and the workout coach all speak it without importing each other.
"""

from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, field, fields

_UNSET = object()


@dataclass
class CallerInfo:
    phone_number: str
    name: str | None = None
    profile: dict = field(default_factory=dict)
    returning: bool = False
    # From the training log: today, last_workout, resumable, weekly_plan.
    training: dict = field(default_factory=dict)
    # From outreach.store.summary: the check-in schedule, and the check-in this call is.
    outreach: dict = field(default_factory=dict)


@dataclass(slots=True)
class CallState:
    """What one call remembers between its turns, stored in CallSession.state.

    Every key has one owner, the only module that writes it. A field at its
    default is not stored and reads as absent (``"workout" in state`` is False).
    """

    # dialogue/flow.py: silent turns in a row, and whether an unclear line was asked again.
    missed: int = 0
    asked_again: bool = False
    # dialogue/stages.py (intake): "name" or "goal" while a new caller is being asked.
    intake: str | None = None
    # dialogue/stages.py (memory commands): "forget me" waits for a yes or no.
    confirm_forget: bool = False
    # dialogue/stages.py (caller facts): a name a known caller gave that differs from
    # the one stored, waiting for "yes" to "Should I call you Sam from now on?".
    pending_name: str | None = None
    # dialogue/stages.py (safety): every safety verdict this call, and the last red flag.
    safety_events: list = field(default_factory=list)
    red_flag: str | None = None
    # dialogue/pipeline.py: the coach's last words, for "say that again".
    last_reply: str | None = None
    # llm.py (grounded responder): where its last answer left off, for "tell me more".
    grounded: dict | None = None
    more_hint_given: bool = False
    # workouts.py (workout coach): the workout being led, and a dropped one offered back.
    workout: dict | None = None
    offer_resume: dict | None = None
    # training (advice): the session offered after suggesting exercises, for one turn.
    offer_session: dict | None = None
    # calls/records.py: what the call read of its caller on its first turn (name,
    # profile, whether they called before, training summary), so later turns do not
    # read it again; "training" is None once a turn wrote to the training log.
    caller: dict | None = None
    # calls/erasure.py: the caller said "forget me"; the rest of the call keeps no words.
    erased: bool = False
    # dialogue/outreach.py and dialogue/checkin.py: a scheduling or check-in question
    # waiting for its answer, "that's not what I asked" counted, the keypad told.
    outreach: dict | None = None

    # Written by older code and never read: accepted and dropped, so a writer not yet
    # updated keeps working.
    RETIRED = frozenset({"slow"})

    @classmethod
    def from_json(cls, stored):
        """The state stored as JSON; unknown and retired keys are left behind."""
        names = {spec.name for spec in fields(cls)}
        return cls(**{key: value for key, value in (stored or {}).items() if key in names})

    def to_json(self):
        """The JSON stored for this state: only what differs from the defaults."""
        return {spec.name: getattr(self, spec.name) for spec in fields(self)
                if self._is_set(spec.name)}

    # Dict-style access, for the modules (llm.py, workouts.py) that still index the
    # state by key; only declared keys are accepted.

    def __contains__(self, key):
        return self._is_set(self._declared(key))

    def __getitem__(self, key):
        return getattr(self, self._declared(key))

    def __setitem__(self, key, value):
        if key in self.RETIRED:
            return
        setattr(self, self._declared(key), value)

    def get(self, key, default=None):
        if key not in self:
            return default
        return self[key]

    def pop(self, key, default=_UNSET):
        if key in self:
            value = self[key]
            setattr(self, key, _default_of(key))
            return value
        if default is _UNSET:
            raise KeyError(key)
        return default

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def _declared(self, key):
        if key not in _FIELD_DEFAULTS:
            raise KeyError(f"{key!r} is not a declared CallState key")
        return key

    def _is_set(self, name):
        return getattr(self, name) != _default_of(name)


def _default_of(name):
    spec = _FIELD_DEFAULTS[name]
    return spec.default_factory() if spec.default is MISSING else spec.default


_FIELD_DEFAULTS = {spec.name: spec for spec in fields(CallState)}


@dataclass
class TurnTimings:
    """Milliseconds one turn spent where, stored in Turn.timings. A stage that did
    not run (no retrieval for a reprompt) stays None and is not stored."""

    db_ms: float | None = None         # calls: finding the call and its caller
    coach_ms: float | None = None      # calls: the dialogue's whole decision
    speech_ms: float | None = None     # calls: speech synthesis of the reply
    retrieval_ms: float | None = None  # dialogue (grounded answer): the knowledge-base search
    llm_ms: float | None = None        # answering: the responder, its fallback included
    primary_ms: float | None = None    # answering: the primary responder, before a fallback
    total_ms: float | None = None      # calls: from the request to the stored turn

    @classmethod
    def from_json(cls, stored):
        """Timings stored as JSON; unknown keys are left behind."""
        names = {spec.name for spec in fields(cls)}
        return cls(**{key: value for key, value in (stored or {}).items() if key in names})

    def add(self, measured):
        """Take the timings a provider measured ({"llm_ms": ...}); each must be declared."""
        for key, value in measured.items():
            if key not in _TIMING_NAMES:
                raise KeyError(f"{key!r} is not a declared TurnTimings key")
            setattr(self, key, value)
        return self

    def to_json(self):
        return {key: value for key, value in asdict(self).items() if value is not None}


_TIMING_NAMES = {spec.name for spec in fields(TurnTimings)}


@dataclass
class TurnInput:
    """One thing the caller said (or did not say) and what the coach knows so far."""

    speech: str
    confidence: float | None
    caller: CallerInfo
    state: CallState
    history: list = field(default_factory=list)  # [(caller said, coach replied), ...]
    # calls/first_words.py: speaks a reply's first sentence before the rest is ready;
    # returns whether the caller hears it now. None: the whole reply is awaited.
    first_words: Callable[[str], bool] | None = None


@dataclass
class Reply:
    text: str
    kind: str = "answer"
    end_call: bool = False
    # What to play, in order: words (str) and seconds of silence (int), e.g. a
    # timed hold in a workout. None means just `text`.
    segments: list | None = None
    # Something the call must do besides speaking: "forget" deletes the caller's data.
    action: str | None = None
    profile_updates: dict = field(default_factory=dict)
    # Training-log writes (see training/log.py), stored with the turn, exactly once.
    effects: list = field(default_factory=list)
    details: dict = field(default_factory=dict)
    # What the dialogue measured (retrieval, the responder); the call adds its own.
    timings: TurnTimings = field(default_factory=TurnTimings)


def spoken(*segments, kind="answer", **fields):
    """A Reply made of words and pauses: spoken("Hold it.", 25, "Five more seconds.")."""
    text = " ".join(part for part in segments if isinstance(part, str))
    return Reply(text, kind=kind, segments=list(segments), **fields)
