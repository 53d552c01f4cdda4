"""The sync by content hash: incremental, rebuilt for a new embedder, fork-safe at start."""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from fitness_voice.config import PROJECT_ROOT
from fitness_voice.retrieval import KnowledgeError, kb

from .samples import KB, copy_kb, make_kb


def test_ingest_is_incremental_and_idempotent(tmp_path, counting):
    kb_path = copy_kb(tmp_path / "kb", ["creatine.md", "hydration.md", "exercises/plank.md"])
    index = make_kb(kb_path, tmp_path / "chroma")
    first = index.sync()
    total = first["added"]
    assert first == {"added": total, "updated": 0, "removed": 0, "unchanged": 0}
    assert len(counting) == total == index.count()

    counting.clear()
    assert index.sync() == {"added": 0, "updated": 0, "removed": 0, "unchanged": total}
    assert counting == []

    # An edited section is embedded again, and only that one.
    creatine = kb_path / "creatine.md"
    creatine.write_text(creatine.read_text().replace(
        "## Is creatine safe\n", "## Is creatine safe\nCreatine is well studied.\n"))
    assert index.sync()["updated"] == 1
    assert len(counting) == 1 and "Creatine is well studied." in counting[0]
    assert "Creatine is well studied." in index.search("is creatine safe").passages[0].text

    # New sources change metadata only: nothing is embedded again.
    counting.clear()
    hydration = kb_path / "hydration.md"
    hydration.write_text(hydration.read_text().replace(
        "sources:\n", "sources:\n  - WHO guidelines on drinking water (2022)\n"))
    counts = index.sync()
    assert counts["updated"] == len(index.passages_of("hydration.md")) and counting == []
    assert "WHO guidelines on drinking water (2022)" in index.passages_of("hydration.md")[0].sources

    # A key gone from the front matter is gone from the index too, edited or not.
    creatine.write_text(creatine.read_text().replace("audience: adults\n", "").replace(
        "## What creatine does\n", "## What creatine does\nIt is a compound.\n"))
    assert index.sync()["updated"] == len(index.passages_of("creatine.md"))
    assert index.sync()["updated"] == 0
    assert "audience" not in index._get_collection().get(
        ids=["creatine.md#what-creatine-does"])["metadatas"][0]

    # A deleted file disappears from the index; a new one is added.
    plank = len(index.passages_of("exercises/plank.md"))
    (kb_path / "exercises" / "plank.md").unlink()
    shutil.copy(KB / "sets-and-reps.md", kb_path / "sets-and-reps.md")
    counts = index.sync()
    assert counts["removed"] == plank and counts["added"] == len(
        kb.read_file(kb_path / "sets-and-reps.md", kb_path))
    assert index.passages_of("exercises/plank.md") == []
    assert index.count() == len(kb.read_kb(kb_path))


def test_index_is_rebuilt_when_the_embedder_changes(tmp_path):
    kb_path = copy_kb(tmp_path / "kb", ["creatine.md"])
    onnx = make_kb(kb_path, tmp_path / "chroma")
    total = onnx.sync()["added"]
    torch = make_kb(kb_path, tmp_path / "chroma", embeddings="sentence-transformers")
    with pytest.raises(KnowledgeError, match="built by 'onnx/all-MiniLM-L6-v2-int8'"):
        torch.search("is creatine safe")
    assert torch.sync() == {"added": total, "updated": 0, "removed": 0, "unchanged": 0}
    assert torch.search("is creatine safe").passages[0].heading == "Is creatine safe"
    assert torch.sync(rebuild=True)["added"] == total


def test_a_worker_survives_a_rebuild_by_another_process(tmp_path):
    kb_path = copy_kb(tmp_path / "kb", ["creatine.md"])
    worker = make_kb(kb_path, tmp_path / "chroma")
    worker.sync()
    assert worker.search("is creatine safe").relevant
    make_kb(kb_path, tmp_path / "chroma").sync(rebuild=True)  # e.g. `flask kb ingest --rebuild`
    assert worker.search("is creatine safe").relevant
    assert worker.passages_of("creatine.md")


def test_start_up_sync_uses_the_stamp_of_the_store(tmp_path, counting):
    kb_path = copy_kb(tmp_path / "kb", ["creatine.md"])
    index = make_kb(kb_path, tmp_path / "chroma")
    total = index.sync_at_start()["added"]
    assert total == len(kb.read_kb(kb_path)) == len(counting)
    # Nothing changed: the store's stamp says so, and nothing is read or embedded.
    counting.clear()
    assert index.sync_at_start() == {"added": 0, "updated": 0, "removed": 0, "unchanged": total}
    creatine = kb_path / "creatine.md"
    creatine.write_text(creatine.read_text() + "\nA closing line.\n")
    assert index.sync_at_start()["updated"] == 1
    assert len(counting) == 1


def test_a_preloaded_app_serves_searches_from_forked_workers(tmp_path):
    # gunicorn preload_app: create_app runs in the master, the workers fork from
    # it. Chroma's embedded store hangs in a child forked after it was opened.
    copy_kb(tmp_path / "kb", ["creatine.md", "hydration.md"])
    script = textwrap.dedent(f"""
        import os, sys
        from flask import Flask
        from fitness_voice import retrieval
        app = Flask("preload", instance_path={str(tmp_path / "instance")!r})
        app.config.update(KB_PATH={str(tmp_path / "kb")!r}, EMBEDDINGS="onnx",
                          KB_SYNC_ON_START=True)
        kb = retrieval.init_app(app)
        assert not retrieval.embedded_chroma_opened()  # the sync ran in a child
        workers = []
        for _ in range(2):
            pid = os.fork()
            if pid == 0:
                ok = kb.search("is creatine safe").passages[0].file == "creatine.md"
                os._exit(0 if ok else 3)
            workers.append(pid)
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in workers]
        assert kb.last_sync["added"] > 0 and codes == [0, 0], codes
        # The master itself may search too, after the workers are forked.
        assert kb.search("how much water should i drink").passages[0].file == "hydration.md"
        # A second start finds the index up to date without opening Chroma.
        again = retrieval.KnowledgeBase.from_config(app.config, app.instance_path)
        assert again.sync_at_start()["added"] == 0
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=PROJECT_ROOT,
                            env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "instance" / "chroma").is_dir()
