"""The knowledge base: reading kb/, incremental ingest into Chroma, search, `flask kb`."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from flask import Flask

from fitness_voice import embeddings, knowledge
from fitness_voice.config import PROJECT_ROOT, knowledge_settings
from fitness_voice.knowledge import KnowledgeBase, KnowledgeError

KB = PROJECT_ROOT / "kb"
SMALL_KB = ["creatine.md", "hydration.md", "sets-and-reps.md", "exercises/push-up.md",
            "exercises/glute-bridge.md", "exercises/plank.md"]


def copy_kb(target, files=SMALL_KB):
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(KB / name, target / name)
    return target


def make_kb(kb_path, store, **options):
    options.setdefault("embeddings", "onnx")
    return KnowledgeBase(kb_path, chroma_path=store, **options)


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory):
    """A few real kb/ files, indexed once for the searches of this module."""
    root = tmp_path_factory.mktemp("knowledge")
    kb = make_kb(copy_kb(root / "kb"), root / "chroma")
    kb.sync()
    return kb


@pytest.fixture
def counting(monkeypatch):
    """Count the texts the knowledge base sends to the embedder."""
    texts = []

    class Counting:
        def __init__(self, inner):
            self.inner, self.name, self.dimension = inner, inner.name, inner.dimension

        def embed(self, batch):
            texts.extend(batch)
            return self.inner.embed(batch)

    real = embeddings.get_embedder
    monkeypatch.setattr(knowledge.embedding_providers, "get_embedder",
                        lambda kind, model=None: Counting(real(kind, model)))
    return texts


# -- reading kb/ ------------------------------------------------------------------

SAMPLE = """---
title: Sample topic
tags: [testing, samples]
level: all
sources:
  - A position stand (2020)
---
# Sample topic

An introduction before the first section.

## First section
Plain **bold** words and a [link](https://example.org).

- a bullet point
- another one

### A sub heading
More text.

## First section
The same heading again.

## Long section
{long}
"""


def test_a_file_is_cut_into_passages_by_heading(tmp_path):
    paragraph = " ".join(["word"] * 100)
    (tmp_path / "sample.md").write_text(SAMPLE.format(long=f"{paragraph}\n\n{paragraph}"))
    entries = knowledge.read_file(tmp_path / "sample.md", tmp_path)
    assert [e.id for e in entries] == [
        "sample.md#intro", "sample.md#first-section", "sample.md#first-section-2",
        "sample.md#long-section-1", "sample.md#long-section-2"]
    intro, first = entries[0], entries[1]
    assert intro.metadata["heading"] == "" and intro.document.startswith("An introduction")
    assert first.document == ("Plain bold words and a link.\n\n"
                              "a bullet point another one\n\nA sub heading More text.")
    assert first.metadata == {
        "file": "sample.md", "title": "Sample topic", "kind": "topic",
        "tags": ["testing", "samples"], "sources": ["A position stand (2020)"],
        "level": "all", "heading": "First section", "position": 1,
        "hash": first.metadata["hash"]}
    # What is embedded says what the passage is about, then what it says.
    assert first.embed_text.startswith("Sample topic: First section.\nPlain bold")
    assert first.embed_text.endswith("(testing, samples)")
    assert all(len(e.document.split()) <= knowledge.MAX_PASSAGE_WORDS for e in entries)


def test_broken_front_matter_names_the_file(tmp_path):
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\n# Broken\n\n## A\nText.\n")
    with pytest.raises(KnowledgeError, match="broken.md"):
        knowledge.read_kb(tmp_path)


def test_the_knowledge_base_is_complete():
    entries = knowledge.read_kb(KB)
    files = knowledge.kb_files(KB)
    assert len(files) >= 60
    assert len(list((KB / "exercises").glob("*.md"))) >= 30
    assert len({e.id for e in entries}) == len(entries)
    for path in files:
        meta, _ = knowledge.read_front_matter(path.read_text())
        assert meta.get("title") and meta.get("tags") and meta.get("sources"), path
        assert meta.get("audience") or meta.get("level"), path


def test_load_exercises():
    exercises = knowledge.load_exercises(KB)
    assert len(exercises) >= 30
    slugs = {e["slug"] for e in exercises}
    push_up = next(e for e in exercises if e["slug"] == "push-up")
    assert push_up["file"] == "exercises/push-up.md"
    assert push_up["title"] == "Push-up"
    assert push_up["easier"] == "knee-push-up"
    for exercise in exercises:
        assert exercise["file"] == f"exercises/{exercise['slug']}.md"
        assert exercise["level"] and exercise["cues"] and exercise["muscles"]
        assert isinstance(exercise["equipment"], list)
        for other in (exercise.get("easier"), exercise.get("harder")):
            assert other is None or other in slugs, (exercise["slug"], other)


@pytest.mark.parametrize("heard, meant", [
    ("How many reps for SQUADS", "how many reps for squats"),
    ("is creating safe", "is creatine safe"),
    ("creating a workout plan", "creating a workout plan"),
    ("um how do you do a bur pee", "how do you do a burpee"),
    ("what's a dead lift", "what's a deadlift"),
    ("is a hit workout good for fat loss", "is a hiit (high intensity interval training) "
                                           "workout good for fat loss"),
    ("i hit a plate oh", "i hit a plateau"),
    ("what's a dee load week", "what's a deload week"),
    ("my program says rpe eight", "my program says rpe (rate of perceived exertion) eight"),
    ("what is zone to cardio", "what is zone 2 cardio"),
    ("do i need to worm up", "do i need to warm up"),
])
def test_common_speech_recognition_slips_are_undone(heard, meant):
    assert knowledge.normalize_query(heard) == meant


# -- search -------------------------------------------------------------------------


def test_search_finds_the_passage_that_answers(small_kb):
    result = small_kb.search("is creating safe")
    assert result.relevant
    best = result.passages[0]
    assert (best.file, best.heading, best.title) == ("creatine.md", "Is creatine safe", "Creatine")
    assert best.id == "creatine.md#is-creatine-safe"
    assert best.sources and "supplements" in best.tags
    assert 0.5 < best.score <= 1.0
    assert len(result.passages) == 3
    scores = [p.score for p in result.passages]
    assert scores == sorted(scores, reverse=True)


def test_nothing_relevant_below_the_threshold(small_kb):
    result = small_kb.search("what's the capital of australia")
    assert not result.relevant
    assert result.passages and result.passages[0].score < small_kb.min_score


def test_at_most_two_passages_of_one_file(small_kb):
    result = small_kb.search("creatine", k=3)
    files = [p.file for p in result.passages]
    assert files.count("creatine.md") == 2


def test_filters(small_kb):
    only = small_kb.search("how much should i drink", k=5, filters={"file": "hydration.md"})
    assert len(only.passages) == 5 and {p.file for p in only.passages} == {"hydration.md"}
    exercises = small_kb.search("how do i do it", k=4, filters={"kind": "exercise"})
    assert all(p.file.startswith("exercises/") for p in exercises.passages)
    tagged = small_kb.search("form", k=4, filters={"tags": "glutes"})
    assert {p.file for p in tagged.passages} == {"exercises/glute-bridge.md"}
    either = small_kb.search("water", k=6, filters={"file": ["hydration.md", "creatine.md"]})
    assert {p.file for p in either.passages} <= {"hydration.md", "creatine.md"}


@pytest.mark.parametrize("text", ["", "   ", "um"])
def test_empty_speech(small_kb, text):
    assert small_kb.search(text) == knowledge.SearchResult([], False)


def test_passages_of_a_file_in_order(small_kb):
    passages = small_kb.passages_of("hydration.md")
    headings = [line[3:].strip() for line in (KB / "hydration.md").read_text().splitlines()
                if line.startswith("## ")]
    assert [p.heading for p in passages] == headings
    assert passages[0].text.startswith("There's no single daily water target")
    assert small_kb.passages_of("no-such-file.md") == []


def test_search_before_any_ingest(tmp_path):
    kb = make_kb(KB, tmp_path / "chroma")
    with pytest.raises(KnowledgeError, match="flask kb ingest"):
        kb.search("is creatine safe")
    assert kb.passages_of("creatine.md") == []


def test_chroma_gets_our_embedding_function_and_no_telemetry(small_kb):
    collection = small_kb._get_collection()
    assert collection.configuration_json["embedding_function"]["name"] == "fitness_voice"
    assert collection.metadata["embedder"] == "onnx/all-MiniLM-L6-v2-int8"
    assert small_kb._connect().get_settings().anonymized_telemetry is False


# -- incremental ingest ---------------------------------------------------------------


def test_ingest_is_incremental_and_idempotent(tmp_path, counting):
    kb_path = copy_kb(tmp_path / "kb", ["creatine.md", "hydration.md", "exercises/plank.md"])
    kb = make_kb(kb_path, tmp_path / "chroma")
    first = kb.sync()
    total = first["added"]
    assert first == {"added": total, "updated": 0, "removed": 0, "unchanged": 0}
    assert len(counting) == total == kb.count()

    counting.clear()
    assert kb.sync() == {"added": 0, "updated": 0, "removed": 0, "unchanged": total}
    assert counting == []

    # An edited section is embedded again, and only that one.
    creatine = kb_path / "creatine.md"
    creatine.write_text(creatine.read_text().replace(
        "## Is creatine safe\n", "## Is creatine safe\nCreatine is well studied.\n"))
    assert kb.sync()["updated"] == 1
    assert len(counting) == 1 and "Creatine is well studied." in counting[0]
    assert "Creatine is well studied." in kb.search("is creatine safe").passages[0].text

    # New sources change metadata only: nothing is embedded again.
    counting.clear()
    hydration = kb_path / "hydration.md"
    hydration.write_text(hydration.read_text().replace(
        "sources:\n", "sources:\n  - WHO guidelines on drinking water (2022)\n"))
    counts = kb.sync()
    assert counts["updated"] == len(kb.passages_of("hydration.md")) and counting == []
    assert "WHO guidelines on drinking water (2022)" in kb.passages_of("hydration.md")[0].sources

    # A key gone from the front matter is gone from the index too, edited or not.
    creatine.write_text(creatine.read_text().replace("audience: adults\n", "").replace(
        "## What creatine does\n", "## What creatine does\nIt is a compound.\n"))
    assert kb.sync()["updated"] == len(kb.passages_of("creatine.md"))
    assert kb.sync()["updated"] == 0
    assert "audience" not in kb._get_collection().get(
        ids=["creatine.md#what-creatine-does"])["metadatas"][0]

    # A deleted file disappears from the index; a new one is added.
    plank = len(kb.passages_of("exercises/plank.md"))
    (kb_path / "exercises" / "plank.md").unlink()
    shutil.copy(KB / "sets-and-reps.md", kb_path / "sets-and-reps.md")
    counts = kb.sync()
    assert counts["removed"] == plank and counts["added"] == len(
        knowledge.read_file(kb_path / "sets-and-reps.md", kb_path))
    assert kb.passages_of("exercises/plank.md") == []
    assert kb.count() == len(knowledge.read_kb(kb_path))


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
    kb = make_kb(kb_path, tmp_path / "chroma")
    total = kb.sync_at_start()["added"]
    assert total == len(knowledge.read_kb(kb_path)) == len(counting)
    # Nothing changed: the store's stamp says so, and nothing is read or embedded.
    counting.clear()
    assert kb.sync_at_start() == {"added": 0, "updated": 0, "removed": 0, "unchanged": total}
    creatine = kb_path / "creatine.md"
    creatine.write_text(creatine.read_text() + "\nA closing line.\n")
    assert kb.sync_at_start()["updated"] == 1
    assert len(counting) == 1


def test_a_preloaded_app_serves_searches_from_forked_workers(tmp_path):
    # gunicorn preload_app: create_app runs in the master, the workers fork from
    # it. Chroma's embedded store hangs in a child forked after it was opened.
    copy_kb(tmp_path / "kb", ["creatine.md", "hydration.md"])
    script = textwrap.dedent(f"""
        import os, sys
        from flask import Flask
        from fitness_voice import knowledge
        app = Flask("preload", instance_path={str(tmp_path / "instance")!r})
        app.config.update(KB_PATH={str(tmp_path / "kb")!r}, EMBEDDINGS="onnx",
                          KB_SYNC_ON_START=True)
        kb = knowledge.init_app(app)
        assert not knowledge.embedded_chroma_opened()  # the sync ran in a child
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
        again = knowledge.KnowledgeBase.from_config(app.config, app.instance_path)
        assert again.sync_at_start()["added"] == 0
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120, cwd=PROJECT_ROOT,
                            env=dict(os.environ, PYTHONPATH=str(PROJECT_ROOT)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "instance" / "chroma").is_dir()


# -- the app --------------------------------------------------------------------------


@pytest.fixture
def kb_app(tmp_path):
    app = Flask("kbtest", instance_path=str(tmp_path / "instance"))
    app.config.update(knowledge_settings())
    app.config.update(KB_PATH=str(copy_kb(tmp_path / "kb", ["creatine.md", "hydration.md"])),
                      EMBEDDINGS="onnx", CHROMA_PATH=None)
    return app


def test_settings_defaults(monkeypatch):
    for name in ("KB_PATH", "EMBEDDINGS", "EMBEDDING_MODEL", "CHROMA_HOST", "CHROMA_PORT",
                 "CHROMA_PATH", "CHROMA_COLLECTION", "KB_SYNC_ON_START",
                 "RETRIEVAL_MIN_SCORE"):
        monkeypatch.delenv(name, raising=False)
    assert knowledge_settings() == {
        "KB_PATH": str(KB), "EMBEDDINGS": "sentence-transformers", "EMBEDDING_MODEL": None,
        "CHROMA_HOST": None, "CHROMA_PORT": 8000, "CHROMA_PATH": None,
        "CHROMA_COLLECTION": "fitness_kb", "KB_SYNC_ON_START": True,
        "RETRIEVAL_MIN_SCORE": knowledge.DEFAULT_MIN_SCORE}
    monkeypatch.setenv("KB_SYNC_ON_START", "false")
    monkeypatch.setenv("RETRIEVAL_MIN_SCORE", "0.5")
    monkeypatch.setenv("CHROMA_PORT", "9000")
    settings = knowledge_settings()
    assert (settings["KB_SYNC_ON_START"], settings["RETRIEVAL_MIN_SCORE"],
            settings["CHROMA_PORT"]) == (False, 0.5, 9000)


def test_init_app_builds_the_index_under_the_instance_folder(kb_app):
    kb = knowledge.init_app(kb_app)
    assert kb_app.extensions["knowledge"] is kb
    assert kb.chroma_path == Path(kb_app.instance_path) / "chroma"
    assert kb.last_sync["added"] == len(knowledge.read_kb(kb.kb_path))
    assert kb.search("how much water should i drink").passages[0].file == "hydration.md"


def test_apps_with_the_same_settings_share_one_knowledge_base(kb_app, tmp_path):
    first = knowledge.init_app(kb_app)
    other = Flask("other", instance_path=kb_app.instance_path)
    other.config.update(kb_app.config)
    assert knowledge.init_app(other) is first
    other.config["RETRIEVAL_MIN_SCORE"] = 0.6
    assert knowledge.init_app(other) is not first


def test_init_app_without_sync_on_start(kb_app):
    kb_app.config["KB_SYNC_ON_START"] = False
    kb = knowledge.init_app(kb_app)
    assert kb.last_sync is None
    with pytest.raises(KnowledgeError, match="flask kb ingest"):
        kb.search("is creatine safe")


def test_flask_kb_commands(kb_app):
    kb_app.config["KB_SYNC_ON_START"] = False
    knowledge.init_app(kb_app)
    runner = kb_app.test_cli_runner()
    result = runner.invoke(args=["kb", "ingest"])
    assert result.exit_code == 0, result.output
    assert "added 12, updated 0, removed 0, unchanged 0" in result.output
    result = runner.invoke(args=["kb", "ingest"])
    assert "added 0, updated 0, removed 0, unchanged 12" in result.output
    result = runner.invoke(args=["kb", "search", "is creating safe", "-k", "2"])
    assert result.exit_code == 0, result.output
    assert "heard as: is creatine safe" in result.output
    assert "relevant (threshold 0.42" in result.output
    assert "creatine.md — Is creatine safe" in result.output
    result = runner.invoke(args=["kb", "search", "who won the game last night"])
    assert "nothing relevant" in result.output
