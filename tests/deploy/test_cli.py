"""The `fitness-voice` command as an operator runs it: real processes, one-line mistakes,
and commands that load only what they use."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from fitness_voice import simulator
from fitness_voice.config import PROJECT_ROOT
from tests.peers.s3_server import closed_port
from tests.retrieval.samples import copy_kb

pytestmark = pytest.mark.slow


def run(*args, env=None, tmp_path=None, code=None):
    """`python -m fitness_voice.cli ARGS` (or CODE) in a clean environment."""
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("APP_", "DATABASE_", "TWILIO_", "KB_", "CHROMA_",
                                          "FITNESS_VOICE_", "TTS_", "EMBEDD"))}
    environment.update(PYTHONPATH=str(PROJECT_ROOT), LOG_LEVEL="WARNING", **(env or {}))
    if tmp_path is not None:
        environment.setdefault("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
        environment.setdefault("CHROMA_PATH", str(tmp_path / "chroma"))
    command = ([sys.executable, "-c", code, *args] if code
               else [sys.executable, "-m", "fitness_voice.cli", *args])
    return subprocess.run(command, env=environment, capture_output=True, text=True,
                          timeout=600, cwd=tmp_path or PROJECT_ROOT)


def one_line_error(result):
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_a_missing_token_in_production_is_one_line(tmp_path):
    line = one_line_error(run("db", "upgrade", env={"APP_ENV": "production"}))
    assert "TWILIO_AUTH_TOKEN must be set" in line and "--verbose" in line
    verbose = run("--verbose", "db", "upgrade", env={"APP_ENV": "production"})
    assert verbose.returncode == 1 and "Traceback" in verbose.stderr


def test_a_database_that_does_not_answer_is_one_line(tmp_path):
    url = f"postgresql://nobody@127.0.0.1:{closed_port()}/none"
    line = one_line_error(run("release", env={"DATABASE_URL": url}, tmp_path=tmp_path))
    assert "the database does not answer" in line and "check DATABASE_URL" in line


def test_a_missing_kb_path_is_one_line(tmp_path):
    line = one_line_error(run("kb", "ingest", env={"KB_PATH": str(tmp_path / "nowhere")},
                              tmp_path=tmp_path))
    assert f"KB_PATH {tmp_path / 'nowhere'} is not a folder" in line


def test_the_web_process_stops_with_one_line(tmp_path):
    result = run(code="import wsgi", env={"APP_ENV": "production", "TWILIO_AUTH_TOKEN": "t",
                                         "SECRET_KEY": "s", "PUBLIC_URL": "https://coach.example.com"},
                 tmp_path=tmp_path)
    line = one_line_error(result)
    assert line.startswith("fitness-voice cannot start: DATABASE_URL is SQLite")


LOADED = textwrap.dedent("""
    import json, sys
    from fitness_voice.cli import main
    try:
        main(sys.argv[1:], prog_name="fitness-voice")
    except SystemExit as end:
        assert not end.code, end.code
    finally:
        print(json.dumps(sorted(sys.modules)), file=sys.stderr)
""")


def loaded_modules(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


def test_call_with_a_url_never_builds_the_app(app, tmp_path):
    url, server = simulator.serve_in_process(app)
    try:
        script = tmp_path / "call.txt"
        script.write_text("how much protein do I need\nbye\n")
        result = run("call", "--url", url, "--script", str(script), "--token",
                     "test-auth-token", code=LOADED, tmp_path=tmp_path)
    finally:
        server.shutdown()
    modules = loaded_modules(result)
    assert "protein" in result.stdout
    assert not {"chromadb", "onnxruntime", "fitness_voice.retrieval", "fitness_voice.web",
                "sqlalchemy"} & modules


def test_kb_search_loads_the_embedder_and_the_index_only(tmp_path):
    env = {"KB_PATH": str(copy_kb(tmp_path / "kb", ["creatine.md"])), "EMBEDDINGS": "onnx"}
    assert run("kb", "ingest", env=env, tmp_path=tmp_path).returncode == 0
    result = run("kb", "search", "is creatine safe", env=env, code=LOADED, tmp_path=tmp_path)
    modules = loaded_modules(result)
    assert "creatine.md — Is creatine safe" in result.stdout
    assert {"onnxruntime", "chromadb"} <= modules
    assert not {"torch", "sentence_transformers", "fitness_voice.dialogue", "fitness_voice.web",
                "fitness_voice.answering", "sqlalchemy"} & modules
