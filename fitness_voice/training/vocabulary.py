"""Reading a language's vocabulary files (lang/<code>/training/*.yaml): sections of
named lists of regular-expression alternatives, refused when loaded if the code
could not use them, so a typo stops the app at start and not mid-call.
"""

import re

from .. import lang

WHOLE_WORDS = r"\b(?:{})\b"
AS_WRITTEN = "{}"


class VocabularyFile:
    def __init__(self, name, language):
        self.source = f"{language}/{name}.yaml"
        self.data = lang.data(name, language)

    def names(self, section, expected):
        """The names in `section`, in file order; they must be exactly `expected`."""
        found = self._entry(section)
        if not isinstance(found, dict) or set(found) != set(expected):
            raise lang.LanguageDataError(
                f"{self.source}: {section!r} must name exactly {', '.join(expected)}")
        return list(found)

    def pattern(self, path, template=WHOLE_WORDS, flags=0):
        """The alternatives at `path` ("section" or "section.name") joined with "|",
        put into `template` and compiled."""
        alternatives = self._entry(path)
        if not isinstance(alternatives, list) or not alternatives or not all(
                isinstance(item, str) and item for item in alternatives):
            raise lang.LanguageDataError(f"{self.source}: {path!r} must be a list of patterns")
        try:
            return re.compile(template.format("|".join(alternatives)), flags)
        except re.error as error:
            raise lang.LanguageDataError(f"{self.source}: {path!r}: {error}") from None

    def mapping(self, path):
        """The mapping at `path` of names to phrases (strings), checked."""
        found = self._entry(path)
        if not isinstance(found, dict) or not all(
                isinstance(key, str) and isinstance(value, str) and value
                for key, value in found.items()):
            raise lang.LanguageDataError(f"{self.source}: {path!r} must map names to phrases")
        return dict(found)

    def _entry(self, path):
        value = self.data
        for part in path.split(".", 1):
            if not isinstance(value, dict) or part not in value:
                raise lang.LanguageDataError(f"{self.source}: missing {path!r}")
            value = value[part]
        return value
