"""The vectors of texts embedded lately, kept so that the same line is not
embedded again: fixed phrases, a retried turn, the questions callers often ask.

Only short lists are cached (a caller's line, a query); building the index
passes thousands of passages at once, which would only push the lines out.

An embedder whose tokenizer lowercases (`lowercases`, as all-MiniLM's does)
gives "How do I" and "how do i" one vector, so they share one entry: the
safety check, the router and retrieval each see the line in their own case.
"""

import threading
from collections import OrderedDict

import numpy as np

from .base import EmbeddingProvider

CACHED_TEXTS = 1024   # about 1.5 MB of 384-dimension float32 vectors
MAX_CACHED_BATCH = 8


class CachedEmbedder(EmbeddingProvider):
    """`embedder` behind a bounded least-recently-used cache of its vectors."""

    def __init__(self, embedder, size=CACHED_TEXTS):
        self.embedder = embedder
        self.name = embedder.name
        self.dimension = embedder.dimension
        self.size = size
        self._vectors = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts):
        texts = list(texts)
        if not texts or len(texts) > MAX_CACHED_BATCH:
            return self.embedder.embed(texts)
        keys = [self._key(text) for text in texts]
        found = self._recall(keys)
        missing = list(dict.fromkeys(key for key in keys if key not in found))
        if missing:
            found.update(self._remember(missing, self.embedder.embed(missing)))
        return np.stack([found[key] for key in keys])

    def _key(self, text):
        """The text as the model reads it: whitespace runs are one break to a BERT
        tokenizer, and case is gone when it lowercases."""
        text = " ".join(text.split())
        return text.lower() if getattr(self.embedder, "lowercases", False) else text

    def __len__(self):
        return len(self._vectors)

    def _recall(self, texts):
        found = {}
        with self._lock:
            for text in texts:
                vector = self._vectors.get(text)
                if vector is not None:
                    self._vectors.move_to_end(text)
                    found[text] = vector
        return found

    def _remember(self, texts, vectors):
        fresh = {}
        for text, vector in zip(texts, np.asarray(vectors, dtype=np.float32), strict=True):
            vector = vector.copy()
            vector.setflags(write=False)  # shared by every caller of the cache
            fresh[text] = vector
        with self._lock:
            self._vectors.update(fresh)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return fresh
