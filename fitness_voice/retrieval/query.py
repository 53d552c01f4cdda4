"""Query repair: a caller's question as speech recognition heard it → what they meant.

Phone speech recognition turns fitness words into everyday ones ("squads"
for squats, "creating" for creatine). Before a question is embedded, filler
sounds are dropped, known slips undone and gym abbreviations explained. The
vocabulary is language data, ``lang/<code>/retrieval/misheard.yaml``; it is
checked when first used, so a broken pattern fails loudly rather than
matching nothing.
"""

import functools
import re
from dataclasses import dataclass

from .. import lang
from ..lang import LanguageDataError

DATA_NAME = "retrieval/misheard"
_GROUP_REFERENCE = re.compile(r"\\(\d+)|\\g<(\d+)>")


@dataclass(frozen=True)
class QueryRepair:
    """The compiled vocabulary of one language."""

    fillers: re.Pattern
    slips: tuple[tuple[re.Pattern, str], ...]
    abbreviations: dict[str, str]
    abbreviation: re.Pattern

    def __call__(self, text):
        query = " ".join(str(text).lower().split())
        query = self.fillers.sub("", query)
        for pattern, meant in self.slips:
            query = pattern.sub(meant, query)
        query = self.abbreviation.sub(self._explained, query)
        return " ".join(query.split())

    def _explained(self, match):
        return f"{match.group(1)} ({self.abbreviations[match.group(1)]})"


def normalize_query(text):
    """Undo common speech-recognition slips and drop filler sounds."""
    return query_repair(lang.active_language())(text)


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
    return QueryRepair(
        fillers=_compiled(r"\b(?:" + "|".join(fillers) + r")\b[,.]?\s*", where),
        slips=tuple(_slip(rule, where) for rule in _rules(data.get("slips"), where)),
        abbreviations=abbreviations,
        abbreviation=_compiled(r"\b(" + "|".join(abbreviations) + r")\b", where))


def _fillers(values, where):
    if not (isinstance(values, list) and values
            and all(isinstance(v, str) and v.strip() for v in values)):
        raise LanguageDataError(f"{where}: 'fillers' must be a list of patterns")
    return values


def _rules(rules, where):
    if not isinstance(rules, list) or not rules:
        raise LanguageDataError(f"{where}: 'slips' must be a list of {{heard, meant}}")
    return rules


def _slip(rule, where):
    if not (isinstance(rule, dict) and set(rule) == {"heard", "meant"}
            and all(isinstance(rule[key], str) and rule[key] for key in rule)):
        raise LanguageDataError(f"{where}: a slip must be {{heard: pattern, meant: text}}, "
                                f"not {rule!r}")
    pattern = _compiled(rule["heard"], where)
    for number in _GROUP_REFERENCE.findall(rule["meant"]):
        if int(number[0] or number[1]) > pattern.groups:
            raise LanguageDataError(f"{where}: {rule['meant']!r} names a group that "
                                    f"{rule['heard']!r} does not have")
    return pattern, rule["meant"]


def _abbreviations(table, where):
    if not (isinstance(table, dict) and table and all(
            isinstance(short, str) and re.fullmatch(r"[a-z0-9]+", short)
            and isinstance(long, str) and long.strip() for short, long in table.items())):
        raise LanguageDataError(f"{where}: 'abbreviations' must map lower-case "
                                "abbreviations to what they stand for")
    return dict(table)


def _compiled(pattern, where):
    try:
        return re.compile(pattern)
    except re.error as error:
        raise LanguageDataError(f"{where}: {pattern!r} is not a valid pattern: {error}") from None
