"""What every embedding provider is: unit-length vectors under a name."""

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

SENTENCE_TRANSFORMERS = "sentence-transformers"
ONNX = "onnx"
KINDS = (SENTENCE_TRANSFORMERS, ONNX)

# all-MiniLM-L6-v2 reads at most 256 word pieces (sentence-transformers'
# max_seq_length); the rest of a longer text is ignored by both providers.
MAX_TOKENS = 256
BATCH_SIZE = 32


class EmbeddingError(RuntimeError):
    """The embedding model cannot be loaded or run."""


@runtime_checkable
class EmbeddingProvider(Protocol):
    """Turns texts into unit-length vectors, so a dot product is the cosine.

    `name` identifies the vectors: an index built with one provider is
    rebuilt when another one is configured.
    """

    name: str
    dimension: int

    def embed(self, texts: Iterable[str]) -> np.ndarray:
        """Return an (n, dimension) float32 array of unit-length vectors."""
        ...

    def embed_one(self, text: str) -> np.ndarray:
        """Return the vector of one text."""
        return self.embed([text])[0]


def embedder_name(kind, model_path=None):
    """The name of the vectors `kind` and `model_path` make, without loading the model."""
    if kind == ONNX:
        if model_path is None:
            return "onnx/all-MiniLM-L6-v2-int8"
        path = Path(model_path)
        size = path.stat().st_size if path.is_file() else 0
        return f"onnx:{path.name}:{size}"
    return ("sentence-transformers/all-MiniLM-L6-v2" if model_path is None
            else f"sentence-transformers:{Path(model_path).name}")
