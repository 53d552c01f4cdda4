"""The embedding cache: a repeated line is embedded once, with the vectors the model
gives; the cache stays within its bound; the index's big batches pass it by."""

import numpy as np
import pytest

from fitness_voice.retrieval import embeddings
from fitness_voice.retrieval.embeddings.cache import MAX_CACHED_BATCH, CachedEmbedder


class Counted:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self, model):
        self.model, self.name, self.dimension = model, model.name, model.dimension
        self.texts = []

    def embed(self, texts):
        texts = list(texts)
        self.texts.extend(texts)
        return self.model.embed(texts)


@pytest.fixture(scope="module")
def model():
    return embeddings.get_embedder().embedder


def test_a_repeated_line_is_embedded_once_with_the_models_vectors(model):
    counted = Counted(model)
    cached = CachedEmbedder(counted)
    lines = ["how much protein do I need", "is creatine safe"]
    first = cached.embed(lines)
    again = cached.embed([lines[1], lines[0], lines[1]])
    assert counted.texts == lines
    assert first.dtype == np.float32 and first.shape == (2, model.dimension)
    assert np.allclose(again, model.embed([lines[1], lines[0], lines[1]]), atol=1e-5)
    again[:] = 0  # what a caller does with its vectors never reaches the cache
    assert np.allclose(cached.embed(lines), first)


def test_the_cache_keeps_only_the_latest_texts(model):
    counted = Counted(model)
    cached = CachedEmbedder(counted, size=2)
    for line in ["squats", "planks", "lunges", "squats"]:
        cached.embed([line])
    assert len(cached) == 2
    assert counted.texts == ["squats", "planks", "lunges", "squats"]  # squats was evicted


def test_big_batches_are_not_cached(model):
    counted = Counted(model)
    cached = CachedEmbedder(counted)
    passages = [f"passage number {i}" for i in range(MAX_CACHED_BATCH + 1)]
    cached.embed(passages)
    assert len(cached) == 0


def test_the_process_wide_embedder_is_cached():
    assert isinstance(embeddings.get_embedder(), CachedEmbedder)
