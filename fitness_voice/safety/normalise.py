"""Caller text as the safety rules read it: lowercase words, contractions
expanded ("can't" and speech recognition's "cant" both become "can not"),
sentence ends as " . ", and number words such as "eight hundred" as digits.

The normaliser itself is the shared one (fitness_voice/text/normalise.py);
this is the setting the rules are written against."""

from ..text import normalise as _text


def normalise(text):
    """Lowercase words separated by single spaces; sentence ends become ' . '."""
    return _text.normalise(text, punctuation=_text.SENTENCES, contractions=True, numbers=True)
