"""The speech package's imports run downward: no Flask in providers, nothing from web."""

import ast
from pathlib import Path

import pytest

import fitness_voice.speech

PACKAGE = "fitness_voice.speech"
MODULES = sorted(Path(fitness_voice.speech.__file__).parent.glob("*.py"))
# What speech may use of the app: itself, and the layers below it.
BELOW = ("fitness_voice.speech", "fitness_voice.text",
         "fitness_voice.lang", "fitness_voice.config")
MAY_IMPORT_FLASK = {"cli.py"}


def imported_modules(path):
    """Absolute names of the modules `path` imports."""
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = PACKAGE.rsplit(".", node.level - 1)[0]
                yield f"{base}.{node.module}" if node.module else base
            else:
                yield node.module


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_only_the_cli_imports_flask(path):
    flask = [name for name in imported_modules(path) if name.split(".")[0] in ("flask",
                                                                              "werkzeug")]
    assert not flask or path.name in MAY_IMPORT_FLASK, flask


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_speech_imports_nothing_above_it(path):
    app_modules = [name for name in imported_modules(path) if name.startswith("fitness_voice")]
    assert all(name.startswith(BELOW) for name in app_modules), app_modules


def test_the_layout_check_sees_relative_imports():
    names = set(imported_modules(Path(fitness_voice.speech.__file__).parent / "speaker.py"))
    assert {"fitness_voice.text.speakable", "fitness_voice.speech.base"} <= names
