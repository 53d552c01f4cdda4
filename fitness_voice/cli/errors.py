"""Operator mistakes in one line: the reason and the variable to fix, not a traceback.

A mistake is an error the settings or the environment cause (the app's own errors,
which name the setting; a database that does not answer or a URL it cannot use; a
file that cannot be read). Anything else is a bug and keeps its traceback, as does
every error with --verbose (or FITNESS_VOICE_VERBOSE=1).
"""

import contextlib
import os
import re
import sys

import click

VERBOSE = "fitness_voice.verbose"
VERBOSE_VARIABLE = "FITNESS_VOICE_VERBOSE"
# An error whose message names a setting (TTS_ENGINE, AUDIO_BUCKET, ...) is about the settings.
SETTING = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b")
CLICK_OWN = (click.ClickException, click.exceptions.Exit, click.Abort)


def _remember_verbose(ctx, _param, value):
    if value:
        ctx.meta[VERBOSE] = True
    return value


verbose_option = click.option(
    "--verbose", is_flag=True, expose_value=False, is_eager=True, callback=_remember_verbose,
    envvar=VERBOSE_VARIABLE, help="Show the traceback of an error, not only its reason.")


def operator_reason(error):
    """One line for an operator's mistake, or None for anything else."""
    kinds = type(error).__mro__
    first = _first_line(error)
    if any(kind.__module__.startswith("fitness_voice") for kind in kinds):
        return first
    if type(error).__module__.startswith("sqlalchemy"):
        return _database_reason(error)
    if isinstance(error, OSError) and error.filename:
        return f"{error.strerror or first}: {error.filename}"
    if isinstance(error, ValueError | RuntimeError | ImportError) and SETTING.search(first):
        return first
    return None


def _database_reason(error):
    name = type(error).__name__
    detail = _first_line(getattr(error, "orig", None) or error)
    if name == "OperationalError":
        return f"the database does not answer ({detail}): check DATABASE_URL"
    if name in ("ArgumentError", "NoSuchModuleError"):
        return f"DATABASE_URL is not a database URL this app can use ({detail})"
    if name == "ProgrammingError":
        return (f"the database is not set up for this app ({detail}): "
                "run `fitness-voice release` (or `db upgrade`)")
    return None


def _first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextlib.contextmanager
def operator_errors(verbose):
    """Turn an operator's mistake raised inside into a one-line ClickException."""
    try:
        yield
    except CLICK_OWN:
        raise
    except Exception as error:
        reason = operator_reason(error)
        if reason is None or verbose() or _verbose_environment():
            raise
        raise click.ClickException(f"{reason} (--verbose for the traceback)") from None


@contextlib.contextmanager
def exit_on_operator_error(what):
    """For wsgi.py: an operator's mistake at start exits with one line on stderr."""
    try:
        yield
    except Exception as error:
        reason = operator_reason(error)
        if reason is None or _verbose_environment():
            raise
        print(f"{what}: {reason} ({VERBOSE_VARIABLE}=1 for the traceback)", file=sys.stderr)
        raise SystemExit(1) from None


def _verbose_environment():
    return os.environ.get(VERBOSE_VARIABLE, "").strip().lower() in ("1", "true", "yes", "on")
