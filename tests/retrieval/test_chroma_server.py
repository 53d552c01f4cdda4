"""Retrieval against a real Chroma server (`chroma run`), as with CHROMA_HOST in production."""

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from fitness_voice import retrieval
from fitness_voice.config import PROJECT_ROOT
from fitness_voice.retrieval import KnowledgeBase
from tests.ports import free_port

KB = PROJECT_ROOT / "kb"
FILES = ["creatine.md", "hydration.md", "sets-and-reps.md", "exercises/push-up.md"]

pytestmark = pytest.mark.slow


def _chroma_cli():
    beside = Path(sys.executable).with_name("chroma")
    return str(beside) if beside.exists() else shutil.which("chroma")


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A `chroma run` process on loopback, stopped after this module."""
    cli = _chroma_cli()
    if cli is None:
        message = "the `chroma` command (from the chromadb package) is not installed"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    root = tmp_path_factory.mktemp("chroma-server")
    port = free_port()
    log = open(root / "server.log", "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen([cli, "run", "--path", str(root / "data"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                url = f"http://127.0.0.1:{port}/api/v2/heartbeat"
                with urllib.request.urlopen(url, timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("chroma run did not start:\n" + (root / "server.log").read_text())
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory):
    root = tmp_path_factory.mktemp("server-kb")
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(KB / name, root / name)
    return root


def test_ingest_and_search_on_a_chroma_server(chroma_server, kb_path):
    kb = KnowledgeBase(kb_path, embeddings="onnx", chroma_host="127.0.0.1",
                       chroma_port=chroma_server, collection="server_kb")
    total = len(retrieval.read_kb(kb_path))
    assert kb.sync() == {"added": total, "updated": 0, "removed": 0, "unchanged": 0}
    assert kb.sync() == {"added": 0, "updated": 0, "removed": 0, "unchanged": total}
    assert kb.count() == total

    result = kb.search("is creating safe")
    assert result.relevant
    assert (result.passages[0].file, result.passages[0].heading) == (
        "creatine.md", "Is creatine safe")
    assert result.passages[0].sources
    assert kb.search("how many reps for squads").passages[0].file == "sets-and-reps.md"
    assert kb.search("push up form", filters={"tags": "push"}).passages[0].file == (
        "exercises/push-up.md")
    assert not kb.search("who won the game last night").relevant
    headings = [p.heading for p in kb.passages_of("hydration.md")]
    assert headings[0] == "How much water to drink per day" and len(headings) == 6


def test_the_app_uses_the_server_when_chroma_host_is_set(chroma_server, kb_path, tmp_path):
    app = Flask("server", instance_path=str(tmp_path / "instance"))
    app.config.update(KB_PATH=str(kb_path), EMBEDDINGS="onnx", CHROMA_HOST="127.0.0.1",
                      CHROMA_PORT=chroma_server, CHROMA_COLLECTION="app_kb",
                      KB_SYNC_ON_START=True)
    kb = retrieval.init_app(app)
    assert kb.chroma_path is None and kb.last_sync["added"] == len(retrieval.read_kb(kb_path))
    assert not (tmp_path / "instance" / "chroma").exists()
    assert kb.search("how much water should i drink").passages[0].file == "hydration.md"
