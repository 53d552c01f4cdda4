"""The package layout holds: imports run downward only, and only the web layer,
the CLI modules and the factory know Flask.

    web -> calls -> dialogue -> outreach -> (safety, answering, training, speech) -> retrieval
        -> text -> lang, with contract, models, extensions and config at the bottom.

The factory (fitness_voice/__init__.py), cli.py and the simulator are the
composition root and the entry points, so they may import anything.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "fitness_voice"
RANK = {
    "web": 6, "calls": 5, "dialogue": 4,
    # Between the dialogue and training: the dialogue asks for check-in calls, and
    # placing them reads the training log.
    "outreach": 3.5,
    "safety": 3, "answering": 3, "training": 3, "speech": 3,
    "retrieval": 2, "usage": 2, "text": 1, "lang": 0,
    "contract": 0, "models": 0, "preflight": 0, "extensions": -1, "config": -1,
    "redaction": -1, "log_format": -1, "pool_ping": -1,
}
ENTRY_POINTS = {"__init__", "cli", "simulator"}
FLASK_ALLOWED = {"__init__.py", "extensions.py", "web/audio.py", "web/health.py",
                 "web/signature.py", "web/voice.py", "web/outreach.py", "outreach/cli.py",
                 "retrieval/cli.py", "speech/cli.py",
                 *(f"cli/{path.name}" for path in (PACKAGE / "cli").glob("*.py")),
                 *(f"web/console/{name}.py" for name in ("__init__", "auth", "pages", "exports",
                                                         "cli"))}


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def layer(path):
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imported_layers(path):
    """The top-level fitness_voice modules that `path` imports."""
    here = list(path.relative_to(PACKAGE).parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = here[:len(here) - (node.level - 1)] if node.level > 1 else here
            target = base + (node.module.split(".") if node.module else [])
            found.update([target[0]] if target else [alias.name for alias in node.names])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("fitness_voice."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[1] for alias in node.names
                         if alias.name.startswith("fitness_voice."))
    return found - {layer(path)}


def imports_flask(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                 else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level
                 else [])
        if any(name == "flask" or name.startswith("flask.") for name in names):
            return True
    return False


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_downward(path):
    own = layer(path)
    if own in ENTRY_POINTS:
        return
    assert own in RANK, f"{own} has no place in the layout: add it to RANK"
    upward = {name for name in imported_layers(path) if RANK.get(name, -1) >= RANK[own]}
    assert not upward, f"{path.relative_to(PACKAGE)} imports {sorted(upward)}, not below it"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_web_layer_and_the_cli_know_flask(path):
    relative = path.relative_to(PACKAGE).as_posix()
    assert relative in FLASK_ALLOWED or not imports_flask(path)


def test_the_checks_see_imports():
    """Guard the guard: the parser finds a known downward import and Flask."""
    assert "calls" in imported_layers(PACKAGE / "web" / "voice.py")
    assert imports_flask(PACKAGE / "web" / "voice.py")
    assert not imports_flask(PACKAGE / "dialogue" / "pipeline.py")
