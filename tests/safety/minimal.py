"""A small, valid rules file (as parsed YAML), for tests that break one part of it."""

import copy

from fitness_voice.safety.rules import REPLY_CHECKS

MINIMAL = {
    "categories": {
        "red_flag": {"cues": "general", "stop_workout": True},
        "crisis": {"cues": "general", "stop_workout": True},
        "eating_disorder": {"cues": "general"},
        "injection": {"cues": "none"},
        "medical": {"cues": "general"},
        "off_topic": {"cues": "general", "unless_text": [r"\b{IN_SCOPE}\b"]},
    },
    "rules": [
        {"category": "red_flag", "reason": "chest_pain", "patterns": ["chest {PAIN}"]},
        {"category": "red_flag", "reason": "heart_rhythm", "patterns": ["heart racing"],
         "guard": "heart"},
        {"category": "medical", "reason": "medication", "patterns": ["ibuprofen"],
         "unless_before": r"\bno $"},
        {"category": "medical", "reason": "pregnancy", "patterns": ["bleeding"],
         "require_text": ["pregnant"]},
        {"category": "injection", "reason": "chat_markup", "text": "raw",
         "pattern": r"(?i)<\|system\|>"},
        {"category": "off_topic", "reason": "weather", "patterns": ["weather"],
         "unless_after": r"^ (?:app)\b"},
        {"category": "red_flag", "reason": "allergic_reaction", "patterns": ["wheezing"],
         "with_text": ["ate", "wheezing"]},
    ],
    "fragments": {"PAIN": ["pain", "hurts"], "IN_SCOPE": ["run", "gym"]},
    "guards": {"heart": {"companion": ["dizzy"], "irregular": ["racing"]}},
    "cues": {
        "boundary": r"(?:^| )(?:\.|but)(?= |$)",
        "fillers": ["the"],
        "list_joiners": ["or"],
        "list_breakers": ["and"],
        "patterns": {"negation": ["no", "not"]},
        "modes": {"general": {"negation": 2}, "strict": {"negation": 1}},
    },
    "reply_check": {name: [name] for name in REPLY_CHECKS},
}


def minimal_rules():
    """A fresh copy of MINIMAL, safe to change."""
    return copy.deepcopy(MINIMAL)
