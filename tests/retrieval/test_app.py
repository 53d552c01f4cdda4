"""The app's knowledge base: settings, init_app, one per process, `flask kb`."""

from pathlib import Path

import pytest
from flask import Flask

from fitness_voice import lang, retrieval
from fitness_voice.config import knowledge_settings
from fitness_voice.lang import LanguageDataError
from fitness_voice.retrieval import KnowledgeError, query

from .samples import KB


def test_settings_defaults(monkeypatch):
    for name in ("KB_PATH", "EMBEDDINGS", "EMBEDDING_MODEL", "CHROMA_HOST", "CHROMA_PORT",
                 "CHROMA_PATH", "CHROMA_COLLECTION", "KB_SYNC_ON_START",
                 "RETRIEVAL_MIN_SCORE"):
        monkeypatch.delenv(name, raising=False)
    assert knowledge_settings() == {
        "KB_PATH": str(KB), "EMBEDDINGS": "sentence-transformers", "EMBEDDING_MODEL": None,
        "CHROMA_HOST": None, "CHROMA_PORT": 8000, "CHROMA_PATH": None,
        "CHROMA_COLLECTION": "fitness_kb", "KB_SYNC_ON_START": True,
        "RETRIEVAL_MIN_SCORE": retrieval.DEFAULT_MIN_SCORE}
    monkeypatch.setenv("KB_SYNC_ON_START", "false")
    monkeypatch.setenv("RETRIEVAL_MIN_SCORE", "0.5")
    monkeypatch.setenv("CHROMA_PORT", "9000")
    settings = knowledge_settings()
    assert (settings["KB_SYNC_ON_START"], settings["RETRIEVAL_MIN_SCORE"],
            settings["CHROMA_PORT"]) == (False, 0.5, 9000)


def test_init_app_builds_the_index_under_the_instance_folder(kb_app):
    kb = retrieval.init_app(kb_app)
    assert kb_app.extensions["knowledge"] is kb
    assert kb.chroma_path == Path(kb_app.instance_path) / "chroma"
    assert kb.last_sync["added"] == len(retrieval.read_kb(kb.kb_path))
    assert kb.search("how much water should i drink").passages[0].file == "hydration.md"


def test_apps_with_the_same_settings_share_one_knowledge_base(kb_app, tmp_path):
    first = retrieval.init_app(kb_app)
    other = Flask("other", instance_path=kb_app.instance_path)
    other.config.update(kb_app.config)
    assert retrieval.init_app(other) is first
    other.config["RETRIEVAL_MIN_SCORE"] = 0.6
    assert retrieval.init_app(other) is not first


def test_init_app_without_sync_on_start(kb_app):
    kb_app.config["KB_SYNC_ON_START"] = False
    kb = retrieval.init_app(kb_app)
    assert kb.last_sync is None
    with pytest.raises(KnowledgeError, match="flask kb ingest"):
        kb.search("is creatine safe")


def test_flask_kb_commands(kb_app):
    kb_app.config["KB_SYNC_ON_START"] = False
    retrieval.init_app(kb_app)
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


def test_the_knowledge_base_is_a_retriever(kb_app):
    kb_app.config["KB_SYNC_ON_START"] = False
    kb = retrieval.init_app(kb_app)
    assert isinstance(kb, retrieval.Retriever)
    assert not isinstance(kb.embedder, retrieval.Retriever)


def test_a_broken_vocabulary_stops_the_app_at_start(kb_app, monkeypatch):
    kb_app.config["KB_SYNC_ON_START"] = False
    broken = {**lang.data(query.DATA_NAME, "en"), "fillers": ["(um"]}
    monkeypatch.setattr(lang, "data", lambda name, language=None: broken)
    query.query_repair.cache_clear()
    try:
        with pytest.raises(LanguageDataError, match="not a valid pattern"):
            retrieval.init_app(kb_app)
    finally:
        query.query_repair.cache_clear()
