"""Chroma as retrieval uses it: a server client or the embedded store, opened fork-safely.

Vectors are always computed by our embedders and handed to Chroma (documents,
queries), and every collection is created with :class:`ChromaEmbeddingFunction`,
so Chroma never falls back to its own default model (which it would download).
"""

import os
import sys

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.config import Settings
from chromadb.utils.embedding_functions import register_embedding_function

from . import embeddings
from .passages import KnowledgeError


@register_embedding_function
class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of our embedder: recorded with the collection, never downloads.

    Registered with Chroma under its name, so a collection read back from the
    store rebuilds it from its config instead of warning and dropping it.
    """

    def __init__(self, kind=embeddings.SENTENCE_TRANSFORMERS, model_path=None):
        self.kind = kind
        self.model_path = model_path

    def __call__(self, input):
        return list(embeddings.get_embedder(self.kind, self.model_path).embed(input))

    @staticmethod
    def name():
        return "fitness_voice"

    def get_config(self):
        return {"embeddings": self.kind, "model": self.model_path}

    @staticmethod
    def build_from_config(config):
        return ChromaEmbeddingFunction(config.get("embeddings"), config.get("model"))

    def default_space(self):
        return "cosine"

    def supported_spaces(self):
        return ["cosine"]


# Chroma's embedded store runs in a Rust runtime that does not survive a fork:
# once a process has opened any PersistentClient, a child forked from it hangs
# on its first Chroma call. Remember which process opened one.
_embedded_chroma_pid = None


def embedded_chroma_opened():
    """Whether this process, or one it was forked from, has opened Chroma's embedded store."""
    return _embedded_chroma_pid is not None


def _forget_clients_after_fork():
    # Never import in a fork handler; clear Chroma's client cache only if loaded.
    shared = sys.modules.get("chromadb.api.shared_system_client")
    if shared is not None:
        shared.SharedSystemClient.clear_system_cache()


os.register_at_fork(after_in_child=_forget_clients_after_fork)


def open_client(host=None, port=8000, path=None):
    """A Chroma client: the server at host:port if a host is given, else the store at path."""
    settings = Settings(anonymized_telemetry=False)
    if host:
        return chromadb.HttpClient(host=host, port=port, settings=settings)
    return _open_embedded(path, settings)


def _open_embedded(path, settings):
    global _embedded_chroma_pid
    if _embedded_chroma_pid not in (None, os.getpid()):
        # Better an error than a worker that hangs on every call.
        raise KnowledgeError(
            "Chroma's embedded store was opened in the process this one was "
            "forked from (a gunicorn master with preload_app?); it cannot be "
            "used here. Search only in the workers, or use CHROMA_HOST.")
    path.mkdir(parents=True, exist_ok=True)
    client = chromadb.PersistentClient(path=str(path), settings=settings)
    _embedded_chroma_pid = os.getpid()
    return client


def where(filters):
    """Turn {"file": "x.md", "tags": "nutrition", "level": ["beginner", "all"]} into a where."""
    if not filters:
        return None
    clauses = []
    for key, value in filters.items():
        if isinstance(value, dict):  # already a Chroma operator expression
            clauses.append({key: value})
        elif key in ("tags", "sources"):
            values = value if isinstance(value, (list, tuple, set)) else [value]
            clauses.extend({key: {"$contains": v}} for v in values)
        elif isinstance(value, (list, tuple, set)):
            clauses.append({key: {"$in": list(value)}})
        else:
            clauses.append({key: {"$eq": value}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
