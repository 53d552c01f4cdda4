"""Query repair: a caller's line as speech recognition heard it → what they meant.

Phone speech recognition turns fitness words into everyday ones ("squads"
for squats, "create in" for creatine, "hit" for HIIT) and callers talk in
run-on sentences ("so um is that like normal"). :func:`repair_speech` fixes
both in the caller's line before it is routed and answered; it keeps the
line's case and punctuation and never changes its meaning. The question for
the knowledge base (:func:`normalize_query`) is that line folded to lower case,
with the gym's abbreviations explained.

The vocabulary is language data, ``lang/<code>/retrieval/misheard.yaml``; it
is checked when first used, so a broken pattern fails loudly rather than
matching nothing. The same file gives the words Twilio's speech recognition
should expect (:func:`gather_hints`).
"""

import functools
import re
from dataclasses import dataclass

from .. import lang
from ..config import MAX_HINT_CHARACTERS, MAX_HINTS
from ..lang import LanguageDataError
from ..text.normalise import KEEP, normalise

DATA_NAME = "retrieval/misheard"
# A hint is words separated by single spaces (Twilio's warning 13330).
_HINT = re.compile(r"[A-Za-z0-9']+(?: [A-Za-z0-9']+)*")
_GROUP_REFERENCE = re.compile(r"\\(\d+)|\\g<(\d+)>")
_SPACE_BEFORE_MARK = re.compile(r"\s+([,.?!;:])")
_REPEATED_MARK = re.compile(r"([,;:])(?:\s*[,;:])+")
_LOOSE_ENDS = re.compile(r"^[\s,;:.]+|[\s,;:]+$")


@dataclass(frozen=True)
class QueryRepair:
    """The compiled vocabulary of one language."""

    fillers: re.Pattern
    tidy: tuple[tuple[re.Pattern, str], ...]
    slips: tuple[tuple[re.Pattern, str], ...]
    abbreviations: dict[str, str]
    abbreviation: re.Pattern
    hints: tuple[str, ...] = ()

    def __call__(self, text):
        """The knowledge-base query: the repaired line, lower-cased, abbreviations explained."""
        query = self.repaired(normalise(text, punctuation=KEEP)).lower()
        query = self.abbreviation.sub(self._explained, query)
        return " ".join(query.split())

    def speech(self, text):
        """The caller's line with fillers dropped and slips undone, case kept.

        A line that would be left empty (only "um") stays as it was.
        """
        line = " ".join(str(text or "").split())
        return self.repaired(line) or line

    def repaired(self, line):
        line = self.fillers.sub(" ", line)
        for pattern, meant in (*self.tidy, *self.slips):
            line = pattern.sub(functools.partial(_replacement, meant), line)
        line = _SPACE_BEFORE_MARK.sub(r"\1", " ".join(line.split()))
        return _LOOSE_ENDS.sub("", _REPEATED_MARK.sub(r"\1", line))

    def _explained(self, match):
        return f"{match.group(1)} ({self.abbreviations[match.group(1)]})"


def _replacement(meant, match):
    """`meant` for `match`, in capitals or capitalised when what was heard was."""
    said = match.expand(meant)
    heard = match.group(0)
    if len(heard) > 1 and heard.isupper():
        return said.upper()
    if said and said[0].islower() and heard[:1].isupper() and not said.startswith(heard[:1]):
        return said[0].upper() + said[1:]
    return said


def repair_speech(text):
    """The caller's line with speech-recognition slips undone and run-on speech tidied.

    "so um is create in like safe" → "is creatine safe". Case and punctuation
    stay; a line whose words are all fine comes back as it was (with single
    spaces). For routing and answering; safety also reads the words as heard.
    """
    return query_repair(lang.active_language()).speech(text)


def normalize_query(text):
    """The question for the knowledge base: the repaired line, lower-cased, abbreviations
    explained."""
    return query_repair(lang.active_language())(text)


def gather_hints(language=None):
    """The words Twilio should expect, comma-separated, for the <Gather hints> default."""
    return ", ".join(query_repair(language or lang.active_language()).hints)


@functools.cache
def query_repair(language):
    """The query repair of `language`, compiled from its data file."""
    return compile_query_repair(lang.data(DATA_NAME, language), f"{language}/{DATA_NAME}.yaml")


def compile_query_repair(data, where="query repair data"):
    """Check and compile a vocabulary shaped like misheard.yaml; `where` names it in errors."""
    if not isinstance(data, dict):
        raise LanguageDataError(f"{where}: expected a mapping at the top level")
    fillers = _fillers(data.get("fillers"), where)
    abbreviations = _abbreviations(data.get("abbreviations"), where)
    slip_rules = _rules(data.get("slips"), "slips", where)
    tidy_rules = _rules(data.get("tidy", []), "tidy", where, required=False)
    return QueryRepair(
        fillers=_compiled(r",?\s*(?<!-)\b(?:" + "|".join(fillers) + r")\b(?!-)[,.]?\s*", where),
        tidy=tuple(_rule(rule, where, may_drop=True)[:2] for rule in tidy_rules),
        slips=tuple(_rule(rule, where)[:2] for rule in slip_rules),
        abbreviations=abbreviations,
        abbreviation=_compiled(r"\b(" + "|".join(abbreviations) + r")\b", where),
        hints=_hints(data.get("hints", []), [_rule(rule, where)[2] for rule in slip_rules],
                     where))


def _fillers(values, where):
    if not (isinstance(values, list) and values
            and all(isinstance(v, str) and v.strip() for v in values)):
        raise LanguageDataError(f"{where}: 'fillers' must be a list of patterns")
    return values


def _rules(rules, name, where, required=True):
    if not isinstance(rules, list) or (required and not rules):
        raise LanguageDataError(f"{where}: '{name}' must be a list of {{heard, meant}}")
    return rules


def _rule(rule, where, may_drop=False):
    """(pattern, meant, hints) of one {heard, meant[, hints]}; `may_drop`: meant may be ''."""
    if not (isinstance(rule, dict) and {"heard", "meant"} <= set(rule)
            and set(rule) <= {"heard", "meant", "hints"}
            and isinstance(rule["heard"], str) and rule["heard"]
            and isinstance(rule["meant"], str) and (rule["meant"] or may_drop)):
        kind = "tidy rule" if may_drop else "slip"
        raise LanguageDataError(f"{where}: a {kind} must be {{heard: pattern, meant: text}}"
                                f"{'' if may_drop else ' (hints optional)'}, not {rule!r}")
    if may_drop and "hints" in rule:
        raise LanguageDataError(f"{where}: a tidy rule has no hints: {rule!r}")
    pattern = _compiled(rule["heard"], where)
    for number in _GROUP_REFERENCE.findall(rule["meant"]):
        if int(number[0] or number[1]) > pattern.groups:
            raise LanguageDataError(f"{where}: {rule['meant']!r} names a group that "
                                    f"{rule['heard']!r} does not have")
    hints = rule.get("hints")
    if hints is None:
        hints = [_GROUP_REFERENCE.sub("", rule["meant"]).replace("-", " ")]
    elif not (isinstance(hints, list) and all(isinstance(h, str) for h in hints)):
        raise LanguageDataError(f"{where}: 'hints' of {rule['heard']!r} must be a list of words")
    return pattern, rule["meant"], [" ".join(h.split()) for h in hints]


def _hints(extra, from_slips, where):
    """The slips' words and the extra hints, each once, checked against Twilio's limits."""
    if not (isinstance(extra, list) and all(isinstance(h, str) for h in extra)):
        raise LanguageDataError(f"{where}: 'hints' must be a list of words")
    found = {}
    for hint in [*extra, *(h for hints in from_slips for h in hints)]:
        hint = " ".join(hint.split())
        if not (_HINT.fullmatch(hint) and len(hint) <= MAX_HINT_CHARACTERS):
            raise LanguageDataError(f"{where}: the hint {hint!r} must be words (letters, "
                                    f"digits, apostrophes) of at most {MAX_HINT_CHARACTERS} "
                                    "characters")
        found.setdefault(hint.lower(), hint)
    if len(found) > MAX_HINTS:
        raise LanguageDataError(f"{where}: {len(found)} hints; Twilio takes at most {MAX_HINTS}")
    return tuple(found.values())


def _abbreviations(table, where):
    if not (isinstance(table, dict) and table and all(
            isinstance(short, str) and re.fullmatch(r"[a-z0-9]+", short)
            and isinstance(long, str) and long.strip() for short, long in table.items())):
        raise LanguageDataError(f"{where}: 'abbreviations' must map lower-case "
                                "abbreviations to what they stand for")
    return dict(table)


def _compiled(pattern, where):
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise LanguageDataError(f"{where}: {pattern!r} is not a valid pattern: {error}") from None
