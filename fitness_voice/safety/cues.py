"""The negation engine: is a match reported, or denied ("no chest pain") or
asked about ("what are the signs of heat stroke")?

A cue counts when it stands in the same clause as the match and close before it:
at most `max_gap` words between them, not counting filler words ("no real chest
pain"). A list of denied things ("no chest pain or dizziness") may run
`LIST_EXTRA_WORDS` longer. The words themselves (cues, fillers, clause
boundaries, list joiners) are language data, in the `cues` section of
lang/<code>/safety/rules.yaml.
"""

import re
from dataclasses import dataclass

LIST_EXTRA_WORDS = 4


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern
    max_gap: int  # words allowed between the cue and the match


@dataclass(frozen=True)
class Cues:
    boundary: re.Pattern  # where a clause starts: ".", "but", "just"...
    fillers: frozenset[str]  # words that do not count in the gap ("a", "the", "real")
    list_joiners: frozenset[str]  # words that join a list of denied things ("or")
    list_breakers: frozenset[str]  # words that end such a list ("and")
    modes: dict[str, tuple[Cue, ...]]  # a rule's cue mode -> the cues that cancel its matches

    def cancel(self, text, start, mode):
        """Whether a cue of `mode` cancels the match that starts at `start` in `text`."""
        clause = self.clause_before(text, start)
        return any(self._governs(cue, clause) for cue in self.modes[mode])

    def clause_before(self, text, start):
        """The text between the last clause boundary before `start` and `start`."""
        before = text[:start]
        boundary = _last(self.boundary, before)
        return before[boundary.end():] if boundary else before

    def _governs(self, cue, clause):
        last = _last(cue.pattern, clause)
        if last is None:
            return False
        gap = [word for word in clause[last.end():].split() if word not in self.fillers]
        if len(gap) <= cue.max_gap:
            return True
        words = set(gap)
        listed = bool(words & self.list_joiners) and not words & self.list_breakers
        return listed and len(gap) <= cue.max_gap + LIST_EXTRA_WORDS


def _last(pattern, text):
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - keep the last match
        pass
    return found
