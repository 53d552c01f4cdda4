"""Language data: every line the coach speaks word for word, and the data files
(rules, vocabularies, labelled examples) a language needs.

A language is a folder, ``lang/<code>/``. Its spoken lines live in
``lines/<concern>.yaml``, one file per concern, each a mapping of key to a line
(or to a list of lines, for variants such as successive reprompts); a line is
looked up as ``"<concern>.<key>"``. Lines may hold ``{placeholders}`` filled by
``Catalogue.say``. Everything is validated when loaded, so a typo in a data file
stops the app at start, not mid-call.

The language is a setting (``LANGUAGE``): ``activate()`` chooses it once per
process, and ``catalogue()`` returns the active one.
"""

import functools
import string
from pathlib import Path

import yaml

LANG_ROOT = Path(__file__).resolve().parent
DEFAULT_LANGUAGE = "en"
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_active = DEFAULT_LANGUAGE


class LanguageDataError(ValueError):
    """A language data file is missing or malformed."""


class Catalogue:
    """The spoken lines of one language, by key."""

    def __init__(self, language, lines):
        self.language = language
        self._lines = lines

    def __contains__(self, key):
        return key in self._lines

    def __getitem__(self, key):
        value = self._value(key)
        if not isinstance(value, str):
            raise LanguageDataError(f"{self.language}: line {key!r} is a list; use choices()")
        return value

    def say(self, key, **fields):
        """The line `key` with its placeholders filled."""
        return self[key].format(**fields)

    def choices(self, key):
        """The variants of `key`, in order (a single line is one variant)."""
        value = self._value(key)
        return (value,) if isinstance(value, str) else tuple(value)

    def templates(self):
        """Every line, placeholders and all, each variant once."""
        found = []
        for value in self._lines.values():
            found.extend((value,) if isinstance(value, str) else value)
        return list(dict.fromkeys(found))

    def fixed_phrases(self):
        """Every line without placeholders: what can be rendered ahead of a call."""
        found = []
        for value in self._lines.values():
            variants = (value,) if isinstance(value, str) else value
            found.extend(line for line in variants if not _fields(line))
        return list(dict.fromkeys(found))

    def _value(self, key):
        try:
            return self._lines[key]
        except KeyError:
            raise LanguageDataError(f"{self.language}: no line {key!r}") from None


def activate(language):
    """Choose the language this process speaks (from the LANGUAGE setting)."""
    global _active
    if not (LANG_ROOT / language).is_dir():
        raise LanguageDataError(f"no language folder {language!r} under {LANG_ROOT}")
    _active = language


def active_language():
    return _active


def catalogue(language=None):
    """The spoken-line catalogue of `language` (default: the active language)."""
    return _catalogue(language or _active)


def data(name, language=None):
    """Load the data file `<name>.yaml` of a language (e.g. "safety/rules")."""
    return _data(name, language or _active)


@functools.cache
def _catalogue(language):
    folder = LANG_ROOT / language / "lines"
    if not folder.is_dir():
        raise LanguageDataError(f"{language}: no lines folder at {folder}")
    lines = {}
    for path in sorted(folder.glob("*.yaml")):
        for key, value in _load(path).items():
            lines[f"{path.stem}.{key}"] = _checked_line(path, key, value)
    return Catalogue(language, lines)


@functools.cache
def _data(name, language):
    return _load(LANG_ROOT / language / f"{name}.yaml")


def _load(path):
    try:
        with open(path, encoding="utf-8") as handle:
            loaded = yaml.load(handle, Loader=_Loader)
    except FileNotFoundError:
        raise LanguageDataError(f"missing language data file {path}") from None
    except yaml.YAMLError as error:
        raise LanguageDataError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(loaded, dict):
        raise LanguageDataError(f"{path}: expected a mapping at the top level")
    return loaded


def _checked_line(path, key, value):
    variants = value if isinstance(value, list) else [value]
    if not variants or not all(isinstance(line, str) and line.strip() for line in variants):
        raise LanguageDataError(f"{path}: {key!r} must be a line or a list of lines")
    for line in variants:
        try:
            _fields(line)
        except ValueError as error:
            raise LanguageDataError(f"{path}: {key!r} has a broken placeholder: {error}") from None
    return value if isinstance(value, str) else tuple(value)


def _fields(line):
    return [name for _, name, _, _ in string.Formatter().parse(line) if name is not None]
