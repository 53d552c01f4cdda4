"""Retrieval: the kb/ knowledge base in Chroma, searched with what the caller said.

    passages.py   Passage, SearchResult, KnowledgeError and the Retriever protocol
    kb.py         reading kb/: Markdown and front matter → passages; the exercise library
    query.py      speech repair: recognition slips undone, run-on speech tidied, the query
                  for the index, the Gather hints (lang/<code>/retrieval/misheard.yaml)
    embeddings/   all-MiniLM-L6-v2 with sentence-transformers or ONNX, one file each
    chroma.py     the Chroma client (embedded store or server), opened fork-safely
    index.py      KnowledgeBase: the index and search over it
    sync.py       the sync by content hash, across processes and in a forked child
    cli.py        `flask kb ingest` and `flask kb search`

:func:`init_app` gives an app its knowledge base and the `flask kb` commands.
"""

import threading
from pathlib import Path

from .. import lang
from . import examples
from .chroma import embedded_chroma_opened
from .cli import kb_cli
from .index import DEFAULT_COLLECTION, DEFAULT_MIN_SCORE, KnowledgeBase
from .kb import MAX_PASSAGE_WORDS, kb_files, load_exercises, read_file, read_front_matter, read_kb
from .passages import KnowledgeError, Passage, Retriever, SearchResult
from .query import gather_hints, normalize_query, query_repair, repair_speech

__all__ = ["DEFAULT_COLLECTION", "DEFAULT_MIN_SCORE", "MAX_PASSAGE_WORDS", "KnowledgeBase",
           "KnowledgeError", "Passage", "Retriever", "SearchResult", "embedded_chroma_opened",
           "gather_hints", "init_app", "kb_files", "load_exercises", "normalize_query",
           "read_file", "read_front_matter", "read_kb", "repair_speech"]

_instances = {}
_instances_lock = threading.Lock()


def init_app(app):
    """Give the app its knowledge base, bring the index up to date, add `flask kb`.

    One KnowledgeBase per process and settings: apps built with the same
    settings (tests, the CLI) share it. The model is loaded here, before
    gunicorn (preload_app) forks its workers, so they share it too and no
    caller waits for it.
    """
    fresh = KnowledgeBase.from_config(app.config, app.instance_path)
    with _instances_lock:
        knowledge = _instances.setdefault(repr(fresh) + f" {fresh.min_score}", fresh)
    app.extensions["knowledge"] = knowledge
    examples.keep_vectors_in(Path(app.instance_path) / "vectors")
    query_repair(lang.active_language())  # a broken vocabulary stops the app here, not mid-call
    app.cli.add_command(kb_cli)
    knowledge.embedder  # noqa: B018 - loads the process-wide model
    if app.config.get("KB_SYNC_ON_START", True):
        knowledge.sync_at_start()
    return knowledge
