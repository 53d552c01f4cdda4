"""Logs never print a caller's phone number or what they said.

Our own log lines name neither; what can still carry them is text we do not
write: a database error (SQLAlchemy's parameters are hidden by the engine
options, but Postgres' DETAIL quotes key values), a library's message, a
traceback. Every log record is redacted when it is made, its traceback
included, whichever logger or handler it goes to.
"""

import logging
import re

REDACTED = "[redacted]"
PATTERNS = [
    # E.164 and other dialled numbers, with or without separators.
    re.compile(r"\+\d[\d\s().-]{5,20}\d"),
    re.compile(r"(?<![\w.])\d{10,15}(?![\w.])"),
    # SIP, client and tel addresses a Twilio From or To can hold.
    re.compile(r"\b(?:sips?|client|tel):[^\s'\",)\]}]+", re.IGNORECASE),
    # A transcript quoted with its field name (a form dump, a URL).
    re.compile(r"(?<=SpeechResult)(['\"]?\s*[:=]\s*)[^&\n]+", re.IGNORECASE),
]

_installed = False


def redact(text):
    for pattern in PATTERNS:
        text = pattern.sub(_replacement, text)
    return text


def _replacement(match):
    if match.lastindex:  # keep the "=" or ":" that introduces a quoted transcript
        return match.group(1) + REDACTED
    return REDACTED


def install():
    """Redact every log record from now on (once per process)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args, **kwargs):
        record = make_record(*args, **kwargs)
        try:
            record.msg, record.args = redact(record.getMessage()), ()
        except Exception:  # a malformed log call must still be logged, redacted
            record.msg, record.args = redact(f"{record.msg!r} {record.args!r}"), ()
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    logging.setLogRecordFactory(redacted_record)
    _installed = True


_FORMATTER = logging.Formatter()
