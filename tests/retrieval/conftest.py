"""Fixtures of the retrieval tests: an indexed small kb/, a counting embedder, a bare app."""

import pytest
from flask import Flask

from fitness_voice.config import knowledge_settings
from fitness_voice.retrieval import embeddings

from .samples import copy_kb, make_kb


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory):
    """A few real kb/ files, indexed once for the searches of a module."""
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
    monkeypatch.setattr(embeddings, "get_embedder",
                        lambda kind, model=None: Counting(real(kind, model)))
    return texts


@pytest.fixture
def kb_app(tmp_path):
    app = Flask("kbtest", instance_path=str(tmp_path / "instance"))
    app.config.update(knowledge_settings())
    app.config.update(KB_PATH=str(copy_kb(tmp_path / "kb", ["creatine.md", "hydration.md"])),
                      EMBEDDINGS="onnx", CHROMA_PATH=None)
    return app
