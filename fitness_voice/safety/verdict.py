"""What `classify` decides about one utterance: a category and what to say."""

from dataclasses import dataclass
from enum import Enum


class Category(str, Enum):  # noqa: UP042 - the agreed contract; compares equal to its value
    RED_FLAG = "red_flag"
    CRISIS = "crisis"
    EATING_DISORDER = "eating_disorder"
    MEDICAL = "medical"
    INJECTION = "injection"
    OFF_TOPIC = "off_topic"
    SAFE = "safe"


@dataclass
class Verdict:
    category: Category
    reason: str            # short machine-readable label, e.g. "chest_pain"
    reply: str | None      # what the coach says (None for SAFE)
    stop_workout: bool     # True for RED_FLAG and CRISIS
    end_call: bool = False  # the caller can keep talking; the caller of classify decides
