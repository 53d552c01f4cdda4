"""A planned session: its steps in order, and how long each takes.

Plans travel as plain dicts (in the call's state and the training log), so they
round-trip through ``Plan.to_dict`` / ``Plan.from_dict``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

SECONDS_PER_REP = 3
TRANSITION_SECONDS = 10


@dataclass
class Step:
    slug: str
    title: str
    block: str  # "warmup" | "main" | "cooldown"
    set_number: int  # this set of this exercise (== round in the circuit)
    sets: int  # how many sets of this exercise the plan has
    reps: int | None
    seconds: int | None  # exactly one of reps / seconds is set
    per_side: bool
    rest_seconds: int  # rest after this step
    cues: list[str] = field(default_factory=list)
    round: int = 1


@dataclass
class Plan:
    steps: list[Step]
    minutes: int  # estimated total minutes, rounded
    focus: str
    avoided: list[str]  # limitations that were applied
    equipment: list[str]  # the caller's equipment the plan was built for

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Plan:
        step_keys = {f.name for f in fields(Step)}
        steps = [Step(**{k: v for k, v in step.items() if k in step_keys})
                 for step in data.get("steps") or []]
        return cls(steps=steps, minutes=int(data.get("minutes") or 0),
                   focus=data.get("focus") or "full body",
                   avoided=list(data.get("avoided") or []),
                   equipment=list(data.get("equipment") or []))

    def total_seconds(self) -> int:
        return sum(estimate_seconds(step) for step in self.steps)


def estimate_seconds(step: Step) -> int:
    """Time a step takes: reps x 3 s or its seconds (doubled per side), a 10 s transition,
    and the rest after it. The plan's total is the sum over its steps."""
    work = (step.reps or 0) * SECONDS_PER_REP if step.reps else (step.seconds or 0)
    if step.per_side:
        work *= 2
    return int(work + TRANSITION_SECONDS + (step.rest_seconds or 0))
