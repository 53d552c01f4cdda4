"""The safety rules of a language: lang/<code>/safety/rules.yaml, checked and
compiled when first used, so a typo stops the app at its first turn with a
message naming the rule, not with a silent miss mid-call.

The file's sections (its header comment says how to write each):

- `categories`: every category but SAFE, highest priority first, each with the
  defaults its rules inherit (`cues`, `stop_workout`, `end_call`, `unless_text`).
- `rules`: applied in order; the first rule of a category that stands gives the
  category's reason.
- `fragments`: named pieces of patterns, used anywhere as `{NAME}`.
- `guards`: the patterns each guard in guards.py reads, by guard name.
- `cues`: the words of the negation engine (cues.py) and its modes.
- `reply_check`: the patterns of the output check (output.py), by name.

A pattern field holds a regex string, or a list meaning "any of these, as whole
words" (the list is joined and wrapped in word boundaries). A fragment holds a
regex string, or a list meaning "any of these" (a group, without boundaries).
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from .. import lang
from .cues import Cue, Cues
from .guards import GUARDS
from .verdict import Category

SECTIONS = ("categories", "rules", "fragments", "guards", "cues", "reply_check")
CATEGORY_KEYS = ("cues", "stop_workout", "end_call", "unless_text")
RULE_KEYS = ("category", "reason", "pattern", "patterns", "cues", "text", "guard",
             "unless_before", "unless_after", "unless_text", "require_text", "with_text",
             "stop_workout", "end_call")
CONDITION_KEYS = ("unless_before", "unless_after", "unless_text", "require_text", "with_text")
CUE_KEYS = ("boundary", "fillers", "list_joiners", "list_breakers", "patterns", "modes")
REPLY_CHECKS = ("leak", "echo_start", "diagnosis", "unsure_before", "dose", "supplement",
                "drug", "recommend_drug", "clinician", "calories", "target_before",
                "not_target_before", "not_target_after", "daily_after")
RULE_CATEGORIES = tuple(c for c in Category if c is not Category.SAFE)
NO_CUES = "none"
REPLY_CHECK_CUES = "strict"  # the mode whose cues turn drug advice into a warning ("do not take")
TEXTS = ("normalised", "raw")  # what a rule reads: the normalised words, or the text as given
_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
_REFERENCE = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_REASON = re.compile(r"[a-z][a-z_]*")


class RulesError(lang.LanguageDataError):
    """The rules file is malformed: the message names the place and the problem."""


@dataclass(frozen=True)
class Rule:
    category: Category
    reason: str
    pattern: re.Pattern
    cues: str | None                           # a mode of the negation engine, or None
    raw_text: bool = False                     # read the text as given, not normalised
    unless_before: re.Pattern | None = None    # searched in the text before the match
    unless_after: re.Pattern | None = None     # matched at the start of the text after it
    unless_text: re.Pattern | None = None      # searched in the whole utterance
    require_text: re.Pattern | None = None     # must be found in the whole utterance
    with_text: re.Pattern | None = None        # must be found in the utterance outside the match
    guard: Callable | None = None              # guard(text, match): see guards.py
    stop_workout: bool = False
    end_call: bool = False


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    priority: tuple[Category, ...]
    flags: dict[Category, tuple[bool, bool]]  # (stop_workout, end_call) by category
    cues: Cues
    reply_check: SimpleNamespace              # compiled patterns, by REPLY_CHECKS name


def rule_set(language=None):
    """The compiled rules of `language` (default: the active language), loaded once."""
    return _rule_set(language or lang.active_language())


@functools.cache
def _rule_set(language):
    return compile_rules(lang.data("safety/rules", language), f"{language}/safety/rules.yaml")


def compile_rules(data, source="rules.yaml"):
    """Check the parsed rules file `data` and compile it; RulesError says what is wrong."""
    _check_mapping(data, source, allowed=SECTIONS, required=SECTIONS)
    patterns = _Patterns(data["fragments"], source)
    cues = _cues(data["cues"], patterns, f"{source}: cues")
    categories = _categories(data["categories"], cues, patterns, f"{source}: categories")
    guards = _guards(data["guards"], patterns, f"{source}: guards")
    rules = _rules(data["rules"], categories, cues, guards, patterns, source)
    reply_check = _named(data["reply_check"], REPLY_CHECKS, patterns, f"{source}: reply_check")
    patterns.check_all_used()
    flags = {category: (defaults["stop_workout"], defaults["end_call"])
             for category, defaults in categories.items()}
    return RuleSet(rules, tuple(categories), flags, cues, SimpleNamespace(**reply_check))


class _Patterns:
    """The fragments of a rules file, and the compiling of pattern fields that use them."""

    def __init__(self, fragments, source):
        self.where = f"{source}: fragments"
        _check_mapping(fragments, self.where)
        self._raw, self._expanded, self._used = dict(fragments), {}, set()
        for name in self._raw:
            if not _NAME.fullmatch(str(name)):
                raise RulesError(f"{self.where}: {name!r} is not a NAME in capitals")
            _compile(self.fragment(name, ()), f"{self.where}: {name}")

    def fragment(self, name, chain):
        """The regex text of fragment `name`, its own references filled in."""
        if name in chain:
            raise RulesError(f"{self.where}: {' -> '.join((*chain, name))} refers to itself")
        if name not in self._expanded:
            value = self._raw[name]
            where = f"{self.where}: {name}"
            if isinstance(value, list):
                value = "(?:" + "|".join(_strings(value, where)) + ")"
            elif not isinstance(value, str) or not value:
                raise RulesError(f"{where}: must be a regex or a list of regexes")
            self._expanded[name] = self.expand(value, where, (*chain, name))
        return self._expanded[name]

    def expand(self, text, where, chain=()):
        def one(reference):
            name = reference.group(1)
            if name not in self._raw:
                raise RulesError(f"{where}: no fragment {{{name}}}")
            self._used.add(name)
            return self.fragment(name, chain)
        return _REFERENCE.sub(one, text)

    def compile(self, value, where, words=True):
        """A pattern field: a regex string, or (if `words`) a list of whole-word regexes."""
        if isinstance(value, list) and words:
            text = r"\b(?:" + "|".join(_strings(value, where)) + r")\b"
        elif isinstance(value, str) and value:
            text = value
        else:
            kind = "a regex or a list of regexes" if words else "a regex"
            raise RulesError(f"{where}: must be {kind}")
        return _compile(self.expand(text, where), where)

    def check_all_used(self):
        unused = sorted(set(self._raw) - self._used)
        if unused:
            raise RulesError(f"{self.where}: never used: {', '.join(unused)}")


def _categories(spec, cues, patterns, where):
    _check_mapping(spec, where)
    names = [str(name) for name in spec]
    if sorted(names) != sorted(c.value for c in RULE_CATEGORIES):
        raise RulesError(f"{where}: must list each of {', '.join(RULE_CATEGORIES)} once "
                         f"(highest priority first), not {', '.join(names)}")
    categories = {}
    for name, defaults in spec.items():
        here = f"{where}: {name}"
        defaults = {} if defaults is None else defaults
        _check_mapping(defaults, here, allowed=CATEGORY_KEYS, required=("cues",))
        categories[Category(name)] = {
            "cues": _cue_mode(defaults["cues"], cues, here),
            "stop_workout": _flag(defaults, "stop_workout", False, here),
            "end_call": _flag(defaults, "end_call", False, here),
            "unless_text": (patterns.compile(defaults["unless_text"], f"{here}: unless_text")
                            if "unless_text" in defaults else None)}
    return categories


def _guards(spec, patterns, where):
    _check_mapping(spec, where)
    bound = {}
    for name, named in spec.items():
        if name not in GUARDS:
            raise RulesError(f"{where}: no guard {name!r} (known: {', '.join(sorted(GUARDS))})")
        compiled = _named(named, GUARDS[name].patterns, patterns, f"{where}: {name}")
        bound[name] = functools.partial(GUARDS[name].check, patterns=SimpleNamespace(**compiled))
    return bound


def _rules(specs, categories, cues, guards, patterns, source):
    if not isinstance(specs, list) or not specs:
        raise RulesError(f"{source}: rules must be a list of rules")
    return tuple(_rule(spec, f"{source}: rule {number}", categories, cues, guards, patterns)
                 for number, spec in enumerate(specs, 1))


def _rule(spec, where, categories, cues, guards, patterns):
    _check_mapping(spec, where, allowed=RULE_KEYS, required=("category", "reason"))
    category, reason = spec["category"], spec["reason"]
    if category not in {c.value for c in categories}:
        raise RulesError(f"{where}: unknown category {category!r}")
    if not isinstance(reason, str) or not _REASON.fullmatch(reason):
        raise RulesError(f"{where}: reason must be a lowercase_name, not {reason!r}")
    where = f"{where} ({category}/{reason})"
    defaults = categories[Category(category)]
    mode = _cue_mode(spec["cues"], cues, where) if "cues" in spec else defaults["cues"]
    text = spec.get("text", "normalised")
    if text not in TEXTS:
        raise RulesError(f"{where}: text must be one of {', '.join(TEXTS)}, not {text!r}")
    conditions = {key: patterns.compile(spec[key], f"{where}: {key}")
                  for key in CONDITION_KEYS if key in spec}
    conditions.setdefault("unless_text", defaults["unless_text"])
    return Rule(
        Category(category), reason, _rule_pattern(spec, where, patterns),
        cues=mode, raw_text=text == "raw",
        guard=_rule_guard(spec, where, guards), **conditions,
        stop_workout=_flag(spec, "stop_workout", defaults["stop_workout"], where),
        end_call=_flag(spec, "end_call", defaults["end_call"], where))


def _rule_pattern(spec, where, patterns):
    if ("pattern" in spec) == ("patterns" in spec):
        raise RulesError(f"{where}: needs either pattern (a regex) or patterns (a list)")
    if "pattern" in spec:
        return patterns.compile(spec["pattern"], f"{where}: pattern", words=False)
    if not isinstance(spec["patterns"], list):
        raise RulesError(f"{where}: patterns must be a list; use pattern for one regex")
    return patterns.compile(spec["patterns"], f"{where}: patterns")


def _rule_guard(spec, where, guards):
    if "guard" not in spec:
        return None
    if spec["guard"] not in guards:
        raise RulesError(f"{where}: guard {spec['guard']!r} has no patterns in the guards "
                         f"section (guards: {', '.join(sorted(GUARDS))})")
    return guards[spec["guard"]]


def _cues(spec, patterns, where):
    _check_mapping(spec, where, allowed=CUE_KEYS, required=CUE_KEYS)
    named = _mapping_of_patterns(spec["patterns"], patterns, f"{where}: patterns")
    _check_mapping(spec["modes"], f"{where}: modes")
    modes = {}
    for mode, gaps in spec["modes"].items():
        here = f"{where}: modes: {mode}"
        if mode == NO_CUES:
            raise RulesError(f"{here}: {NO_CUES!r} means no cues; name the mode otherwise")
        _check_mapping(gaps, here, allowed=tuple(named))
        for cue, gap in gaps.items():
            if not isinstance(gap, int) or isinstance(gap, bool) or gap < 0:
                raise RulesError(f"{here}: {cue} must be a number of words, not {gap!r}")
        modes[mode] = tuple(Cue(named[cue], gap) for cue, gap in gaps.items())
    if REPLY_CHECK_CUES not in modes:
        raise RulesError(f"{where}: modes: missing {REPLY_CHECK_CUES} (the reply check uses it)")
    return Cues(patterns.compile(spec["boundary"], f"{where}: boundary", words=False),
                *(frozenset(_strings(spec[key], f"{where}: {key}"))
                  for key in ("fillers", "list_joiners", "list_breakers")),
                modes=modes)


def _cue_mode(mode, cues, where):
    """The cue mode `mode` names (None for no cues)."""
    if mode == NO_CUES:
        return None
    if not isinstance(mode, str) or mode not in cues.modes:
        known = ", ".join((*cues.modes, NO_CUES))
        raise RulesError(f"{where}: cues must be one of {known}, not {mode!r}")
    return mode


def _named(spec, names, patterns, where):
    """The compiled patterns of a section that must define exactly `names`."""
    _check_mapping(spec, where, allowed=names, required=names)
    return _mapping_of_patterns(spec, patterns, where)


def _mapping_of_patterns(spec, patterns, where):
    _check_mapping(spec, where)
    return {name: patterns.compile(value, f"{where}: {name}") for name, value in spec.items()}


def _check_mapping(value, where, allowed=None, required=()):
    if not isinstance(value, dict):
        raise RulesError(f"{where}: must be a mapping")
    unknown = [str(key) for key in value if allowed is not None and key not in allowed]
    if unknown:
        raise RulesError(f"{where}: unknown key {', '.join(unknown)} "
                         f"(known: {', '.join(allowed)})")
    missing = [key for key in required if key not in value]
    if missing:
        raise RulesError(f"{where}: missing {', '.join(missing)}")


def _strings(values, where):
    if (not isinstance(values, list) or not values
            or not all(isinstance(v, str) and v for v in values)):
        raise RulesError(f"{where}: must be a list of strings (quote yes, no, on and off)")
    return values


def _flag(spec, key, default, where):
    value = spec.get(key, default)
    if not isinstance(value, bool):
        raise RulesError(f"{where}: {key} must be true or false, not {value!r}")
    return value


def _compile(text, where):
    try:
        return re.compile(text)
    except re.error as error:
        raise RulesError(f"{where}: does not compile: {error}") from None
