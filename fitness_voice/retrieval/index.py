"""The knowledge base: kb/ passages in a Chroma collection, and semantic search over them.

The index is keyed by passage id and rebuilt when the configured embedder
differs from the one that built it; :mod:`.sync` brings it up to date.
Callers speak on the phone, so a question goes through query repair
(:mod:`.query`) before it is embedded.
"""

import logging
import os
import threading
import time
from dataclasses import replace
from pathlib import Path

from chromadb.errors import NotFoundError

from ..config import PROJECT_ROOT
from . import chroma
from . import embeddings as embedding_providers
from .kb import read_kb
from .passages import KnowledgeError, Passage, SearchResult
from .query import normalize_query
from .sync import FileLock, Stamp, apply_changes, fingerprint, refuse_empty, sync_in_child

log = logging.getLogger(__name__)

# A best passage scoring below this cosine means the knowledge base has nothing
# on the question. Calibrated on tests/eval/questions.yaml with
# `python bench/retrieval.py -v` (the middle of the range where covered
# questions are answered and uncovered ones are not); config.py's
# RETRIEVAL_MIN_SCORE default is the same number.
DEFAULT_MIN_SCORE = 0.42
DEFAULT_COLLECTION = "fitness_kb"
# Bump when the way passages are cut or embedded changes in a way the text
# hashes do not capture; the index is then rebuilt.
INDEX_FORMAT = 1
# A search returns at most this many passages of one file, out of k * FETCH_FACTOR
# nearest ones.
MAX_PER_FILE = 2
FETCH_FACTOR = 4
# How long a start-up sync may take in its child process.
SYNC_TIMEOUT_SECONDS = 600
# A file's passages are read from Chroma at most this often per process: they
# change only with an ingest, and "tell me more" asks for them on most turns.
FILE_CACHE_SECONDS = 60.0


class KnowledgeBase:
    """kb/ in a Chroma collection: incremental sync and semantic search (a Retriever)."""

    def __init__(self, kb_path, *, embeddings=embedding_providers.SENTENCE_TRANSFORMERS,
                 embedding_model=None, chroma_host=None, chroma_port=8000, chroma_path=None,
                 collection=DEFAULT_COLLECTION, min_score=DEFAULT_MIN_SCORE,
                 normalize_queries=True):
        self.kb_path = Path(kb_path)
        self.normalize_queries = normalize_queries
        self.embeddings = _embedding_kind(embeddings)
        self.embedding_model = str(embedding_model) if embedding_model else None
        self.embedder_name = embedding_providers.embedder_name(self.embeddings,
                                                               self.embedding_model)
        self.chroma_host = chroma_host or None
        self.chroma_port = int(chroma_port or 8000)
        if not self.chroma_host and not chroma_path:
            raise KnowledgeError("set CHROMA_HOST (a Chroma server) or CHROMA_PATH")
        self.chroma_path = None if self.chroma_host else Path(chroma_path)
        self.collection_name = collection or DEFAULT_COLLECTION
        self.min_score = float(min_score)
        self.last_sync = None
        self._lock = threading.RLock()
        self._client = None
        self._collection = None
        self._pid = None
        self._files = {}  # file -> (when read, its passages), see passages_of

    @classmethod
    def from_config(cls, config, instance_path=None):
        chroma_path = config.get("CHROMA_PATH")
        if not chroma_path and not config.get("CHROMA_HOST"):
            if instance_path is None:
                raise KnowledgeError("CHROMA_PATH is not set and there is no instance folder")
            chroma_path = Path(instance_path) / "chroma"
        return cls(config.get("KB_PATH") or PROJECT_ROOT / "kb",
                   embeddings=config.get("EMBEDDINGS"),
                   embedding_model=config.get("EMBEDDING_MODEL"),
                   chroma_host=config.get("CHROMA_HOST"),
                   chroma_port=config.get("CHROMA_PORT") or 8000,
                   chroma_path=chroma_path,
                   collection=config.get("CHROMA_COLLECTION") or DEFAULT_COLLECTION,
                   min_score=_first(config.get("RETRIEVAL_MIN_SCORE"), DEFAULT_MIN_SCORE))

    def __repr__(self):
        where = (f"{self.chroma_host}:{self.chroma_port}" if self.chroma_host
                 else str(self.chroma_path))
        return (f"<KnowledgeBase {self.kb_path} → {where}/{self.collection_name} "
                f"({self.embedder_name})>")

    @property
    def embedder(self):
        """The process-wide embedder (loaded on first use)."""
        try:
            return embedding_providers.get_embedder(self.embeddings, self.embedding_model)
        except embedding_providers.EmbeddingError as error:
            raise KnowledgeError(str(error)) from error

    # -- Chroma

    def _connect(self):
        """Return the Chroma client of this process, opening it on first use."""
        if self._client is not None and self._pid == os.getpid():
            return self._client
        try:
            client = chroma.open_client(self.chroma_host, self.chroma_port, self.chroma_path)
        except KnowledgeError:
            raise
        except Exception as error:
            raise KnowledgeError(f"cannot open the Chroma store of {self!r}: {error}") from error
        self._client, self._collection, self._pid = client, None, os.getpid()
        return client

    def _embedding_function(self):
        return chroma.ChromaEmbeddingFunction(self.embeddings, self.embedding_model)

    def _collection_metadata(self):
        return {"embedder": self.embedder_name, "format": INDEX_FORMAT,
                "dimension": self.embedder.dimension}

    def _get_collection(self, create=False):
        """The collection, or None; with create, one built by the configured embedder."""
        if self._collection is not None and self._pid == os.getpid():
            return self._collection
        client = self._connect()
        try:
            collection = client.get_collection(self.collection_name,
                                               embedding_function=self._embedding_function())
        except (NotFoundError, ValueError) as error:
            if not isinstance(error, NotFoundError) and "does not exist" not in str(error):
                raise
            collection = None
        if collection is not None and not self._built_by_us(collection):
            if not create:
                raise KnowledgeError(
                    f"the index {self.collection_name!r} was built by "
                    f"{(collection.metadata or {}).get('embedder')!r}, not "
                    f"{self.embedder_name!r}: run `flask kb ingest`")
            log.warning("rebuilding the knowledge index %r: it was built by %r, now %r",
                        self.collection_name, (collection.metadata or {}).get("embedder"),
                        self.embedder_name)
            client.delete_collection(self.collection_name)
            collection = None
        if collection is None:
            if not create:
                return None
            collection = client.create_collection(
                self.collection_name, embedding_function=self._embedding_function(),
                configuration={"hnsw": {"space": "cosine"}},
                metadata=self._collection_metadata())
        self._collection = collection
        return collection

    def _built_by_us(self, collection):
        metadata = collection.metadata or {}
        return (metadata.get("embedder") == self.embedder_name
                and metadata.get("format") == INDEX_FORMAT)

    def _drop(self):
        client = self._connect()
        if self.collection_name in {getattr(c, "name", c) for c in client.list_collections()}:
            client.delete_collection(self.collection_name)
        self._collection = None

    def _max_batch(self):
        try:
            return self._connect().get_max_batch_size()
        except Exception:
            return 256

    # -- sync

    def sync(self, rebuild=False):
        """Make the index match kb/: embed only new or changed passages.

        Returns counts {added, updated, removed, unchanged}. With rebuild, the
        collection is dropped and built again from scratch.
        """
        started = time.perf_counter()
        entries = read_kb(self.kb_path)
        if not rebuild:
            refuse_empty(entries, self.kb_path)
        stamp = self._stamp()
        with self._lock, self._sync_lock():
            stamp.write(None)
            try:
                if rebuild:
                    self._drop()
                counts = self._apply(entries)
            except KnowledgeError:
                raise
            except Exception as error:
                raise KnowledgeError(f"sync of {self!r} failed: {error}") from error
            stamp.write(self._fingerprint(entries))
        self._files = {}
        self.last_sync = counts
        log.info("knowledge index synced in %.1f s: %s", time.perf_counter() - started,
                 ", ".join(f"{k} {v}" for k, v in counts.items()))
        return counts

    def sync_at_start(self, timeout=SYNC_TIMEOUT_SECONDS):
        """Sync at app start without opening Chroma in this process, if possible.

        A process that has opened Chroma's embedded store cannot be forked
        and still use it, and gunicorn (preload_app) forks its workers from
        the process that built the app. So unless this process has opened
        it already, the sync runs in a forked child process, and the workers
        each open the store on their first search. A local store that was
        last synced with exactly this kb/ (its stamp says so) is left alone.
        """
        entries = read_kb(self.kb_path)
        refuse_empty(entries, self.kb_path)
        if self._stamp().read() == self._fingerprint(entries):
            self.last_sync = {"added": 0, "updated": 0, "removed": 0,
                              "unchanged": len(entries)}
            return self.last_sync
        if chroma.embedded_chroma_opened() or not hasattr(os, "fork"):
            return self.sync()
        self.last_sync = sync_in_child(self._sync_in_child, timeout)
        log.info("knowledge index synced at start: %s", ", ".join(
            f"{k} {v}" for k, v in self.last_sync.items()))
        return self.last_sync

    def _sync_in_child(self):
        # Another thread of the parent may have held the lock when it forked.
        self._lock = threading.RLock()
        return self.sync()

    def _apply(self, entries):
        collection = self._get_collection(create=True)
        return apply_changes(collection, entries, lambda texts: self.embedder.embed(texts),
                             batch_size=max(1, min(256, self._max_batch())))

    def _fingerprint(self, entries):
        return fingerprint(entries, self.embedder_name, INDEX_FORMAT, self.collection_name)

    def _stamp(self):
        if self.chroma_host:
            return Stamp(None)
        return Stamp(self.chroma_path / f".fitness_voice-{self.collection_name}.json")

    def _sync_lock(self):
        """Serialise syncs of one local store across processes (gunicorn workers)."""
        return FileLock(None if self.chroma_host else
                        self.chroma_path.parent / f".{self.chroma_path.name}.sync.lock")

    # -- reading

    def warm(self):
        """Load the embedder and open the index now rather than on a caller's turn.

        Call it in each gunicorn worker (post_fork), never in a preloading
        master: a process forked after Chroma's embedded store was opened
        cannot use it.
        """
        self.embedder.embed(["warm up"])
        if self._get_collection() is not None:
            self.search("warm up", k=1)

    def count(self):
        """How many passages the index holds (0 before the first ingest)."""
        return self._read(lambda collection: collection.count(), empty=0)

    def search(self, text, k=3, filters=None):
        """The k passages closest to what the caller said, best first."""
        query = normalize_query(text) if self.normalize_queries else " ".join(str(text).split())
        if not query or k < 1:
            return SearchResult([], False)
        vector = self.embedder.embed([query])[0]
        # Fetch more than k and keep at most MAX_PER_FILE passages of a file,
        # so that a second file gets a say when the best one is wrong.
        diverse = not (filters and "file" in filters)
        found = self._read(lambda collection: collection.query(
            query_embeddings=[vector], n_results=k * FETCH_FACTOR if diverse else k,
            where=chroma.where(filters), include=["documents", "metadatas", "distances"]))
        ranked = [
            _passage(pid, doc, meta, 1.0 - float(dist))
            for pid, doc, meta, dist in zip(found["ids"][0], found["documents"][0],
                                            found["metadatas"][0], found["distances"][0],
                                            strict=True)]
        passages = diversify(ranked, k, MAX_PER_FILE) if diverse else ranked[:k]
        relevant = bool(passages) and passages[0].score >= self.min_score
        return SearchResult(passages, relevant)

    def passages_of(self, file):
        """Every passage of one kb/ file, in the order of the file ("tell me more");
        read again after FILE_CACHE_SECONDS, or at once after this process synced."""
        kept = self._files.get(file)
        if kept is None or time.monotonic() - kept[0] > FILE_CACHE_SECONDS:
            kept = (time.monotonic(), self._read_file(file))
            if kept[1]:  # an unknown file, or no index yet: ask again next time
                self._files[file] = kept
        return [replace(passage) for passage in kept[1]]

    def _read_file(self, file):
        found = self._read(lambda collection: collection.get(
            where={"file": file}, include=["documents", "metadatas"]), empty=None)
        if found is None:
            return []
        rows = sorted(zip(found["ids"], found["documents"], found["metadatas"], strict=True),
                      key=lambda row: row[2].get("position", 0))
        return [_passage(pid, doc, meta, 0.0) for pid, doc, meta in rows]

    _EMPTY = object()

    def _read(self, operation, empty=_EMPTY):
        """Run a read on the collection; Chroma's failures become KnowledgeError.

        With no index yet, return `empty` if given, else raise. If another
        process rebuilt the collection since this one opened it, open it again.
        """
        gone = None
        for _attempt in range(2):
            try:
                with self._lock:
                    collection = self._get_collection()
                if collection is None:
                    if empty is not self._EMPTY:
                        return empty
                    raise KnowledgeError(f"the knowledge index of {self!r} is empty: "
                                         "run `flask kb ingest`")
                return operation(collection)
            except KnowledgeError:
                raise
            except NotFoundError as error:
                gone, self._collection = error, None
            except Exception as error:
                raise KnowledgeError(f"cannot read the knowledge index: {error}") from error
        raise KnowledgeError(f"the knowledge index is gone: {gone}") from gone


def diversify(ranked, k, per_file):
    """The best k passages with at most per_file of one file (topped up if too few)."""
    chosen, skipped, per = [], [], {}
    for passage in ranked:
        if per.get(passage.file, 0) < per_file:
            per[passage.file] = per.get(passage.file, 0) + 1
            chosen.append(passage)
        else:
            skipped.append(passage)
        if len(chosen) == k:
            return chosen
    chosen.extend(skipped[:k - len(chosen)])
    return sorted(chosen, key=lambda p: -p.score)


def _embedding_kind(configured):
    kind = (configured or embedding_providers.SENTENCE_TRANSFORMERS).lower()
    if kind not in embedding_providers.KINDS:
        raise KnowledgeError(f"EMBEDDINGS must be one of "
                             f"{', '.join(embedding_providers.KINDS)}, not {configured!r}")
    return kind


def _first(*values):
    return next((v for v in values if v is not None), None)


def _passage(pid, document, metadata, score):
    metadata = metadata or {}
    return Passage(id=pid, text=document or "", title=metadata.get("title", ""),
                   heading=metadata.get("heading", ""), file=metadata.get("file", ""),
                   tags=list(metadata.get("tags") or []),
                   sources=list(metadata.get("sources") or []), score=round(score, 4))
