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
        self.lowercases = model.lowercases
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
    assert counted.texts == [line.lower() for line in lines]
    assert first.dtype == np.float32 and first.shape == (2, model.dimension)
    assert np.allclose(again, model.embed([lines[1], lines[0], lines[1]]), atol=1e-5)
    again[:] = 0  # what a caller does with its vectors never reaches the cache
    assert np.allclose(cached.embed(lines), first)


@pytest.mark.parametrize("kind", ["sentence-transformers", "onnx"])
def test_case_and_spacing_never_change_a_vector_of_the_shipped_models(kind):
    model = embeddings.get_embedder(kind).embedder
    assert model.lowercases
    vectors = model.embed(["How do I do a Plank", "how do i  do a plank"])
    assert np.allclose(vectors[0], vectors[1], atol=1e-6)


def test_a_line_in_another_case_or_spacing_shares_its_vector(model):
    counted = Counted(model)
    cached = CachedEmbedder(counted)
    first = cached.embed(["How do I do a Plank"])
    again = cached.embed(["how do i  do a plank ", "HOW DO I DO A PLANK"])
    assert counted.texts == ["how do i do a plank"]
    assert np.allclose(again, np.vstack([first, first]))


def test_a_case_sensitive_model_keeps_cases_apart(model):
    counted = Counted(model)
    counted.lowercases = False
    cached = CachedEmbedder(counted)
    cached.embed(["Squats"])
    cached.embed(["squats"])
    assert counted.texts == ["Squats", "squats"]


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
