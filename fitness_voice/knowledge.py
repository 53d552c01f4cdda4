"""The knowledge base: kb/ Markdown ingested into Chroma, and retrieval over it.

A passage is one ``## `` section of a file (the text before the first
section, if any, is a passage too). Each passage is embedded with the file's
title and the section heading in front of it, so a short section still
carries what it is about. The index is keyed by passage id
(``<file>#<heading-slug>``) and each entry records the hash of the text that
was embedded: :meth:`KnowledgeBase.sync` embeds only what is new or changed,
updates metadata in place, deletes what is gone, and rebuilds the collection
when the configured embedder differs from the one that built it.

Vectors are always computed here and handed to Chroma (documents, queries),
and the collection is created with this module's embedding function, so
Chroma never falls back to its own default model (which it would download).

Callers speak on the phone, so queries go through a small table of common
speech-recognition slips for fitness words ("squads" for squats, "creating"
for creatine) before they are embedded; see :data:`MISHEARINGS`.
"""

import fcntl
import hashlib
import json
import logging
import os
import re
import sys
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import chromadb
import click
import yaml
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.config import Settings
from chromadb.errors import NotFoundError
from chromadb.utils.embedding_functions import register_embedding_function
from flask import current_app
from flask.cli import AppGroup

from . import embeddings as embedding_providers
from .config import PROJECT_ROOT

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
# A section longer than this is cut at paragraph breaks into several passages:
# a passage is something the coach can say in one go.
MAX_PASSAGE_WORDS = 180
# A search returns at most this many passages of one file, out of k * FETCH_FACTOR
# nearest ones.
MAX_PER_FILE = 2
FETCH_FACTOR = 4
# How long a start-up sync may take in its child process.
SYNC_TIMEOUT_SECONDS = 600

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class KnowledgeError(RuntimeError):
    """The knowledge index cannot be read or written."""


@dataclass
class Passage:
    id: str
    text: str
    title: str
    heading: str
    file: str  # relative to kb/, e.g. "exercises/push-up.md"
    tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    score: float = 0.0  # cosine similarity to the query; 0.0 outside a search


@dataclass
class SearchResult:
    passages: list[Passage]  # best first, at most k
    relevant: bool  # False when even the best passage scores below the threshold


# -- speech-recognition slips ------------------------------------------------

# (pattern, replacement) applied in order to the lower-cased query. Phone
# speech recognition turns fitness words into everyday ones; each rule names
# a slip seen in callers' speech and only fires in a context where the
# everyday word makes no sense, so "creating a plan" stays as it is.
MISHEARINGS = [
    (r"\bsquad(s?)\b", r"squat\1"),
    (r"\b(?:creating|creatin|kreatine|cratine)\b"
     r"(?!\s+(?:a|an|the|my|your|his|her|our|their|some|more|new|this|that|habits?|"
     r"plans?|routines?|workouts?|programs?|programmes?|schedules?|time|space|"
     r"goals?|meals?)\b)",
     "creatine"),
    (r"\b(?:way|weigh) protein\b", "whey protein"),
    (r"\bdead ?lift(s?)\b", r"deadlift\1"),
    (r"\bkettle ?bell(s?)\b", r"kettlebell\1"),
    (r"\bdumb ?bell(s?)\b", r"dumbbell\1"),
    (r"\bbar ?bell(s?)\b", r"barbell\1"),
    (r"\b(?:bur+ ?pee|bur+ ?pie|berpee)(s?)\b", r"burpee\1"),
    (r"\bglue(s?) (bridges?|muscles?|kickbacks?|exercises?|workouts?|activation)\b",
     r"glute\1 \2"),
    (r"\bgoblin squat(s?)\b", r"goblet squat\1"),
    (r"\bplunk(s?)\b", r"plank\1"),
    (r"\blounge(s?)\b", r"lunge\1"),
    (r"\blunches\b(?= (?:for|with|on|hurt|make|work|are|or)\b)", "lunges"),
    (r"\bdad bug(s?)\b", r"dead bug\1"),
    (r"\broman ian\b", "romanian"),
    (r"\b(?:hit|h i i t)\b(?= (?:workouts?|training|sessions?|class(?:es)?|cardio|"
     r"intervals?|routines?)\b)", "hiit"),
    (r"\bis hit\b(?= (?:good|bad|better|safe|worth|ok|okay)\b)", "is hiit"),
    (r"\b(?:dee|de|d)[ -]?load(s?|ing)\b", r"deload\1"),
    (r"\b(?:the|re) ?load (weeks?)\b", r"deload \1"),
    (r"\bzone (?:to|too|two)\b", "zone 2"),
    (r"\bv ?o ?(?:two|to|2) max\b", "vo2 max"),
    (r"\b(?:are|our|r) p e\b", "rpe"),
    (r"\bcar dio\b", "cardio"),
    (r"\bhams? strings?\b", "hamstrings"),
    (r"\bworm(?:ing)? ?up\b", "warm up"),
    (r"\belectorates?\b|\belectro lights?\b", "electrolytes"),
    (r"\bhobbits?\b", "habits"),
    (r"\bplate oh?\b|\bplateaux\b", "plateau"),
    (r"\b(upper lower|body part|push pull|full body) spit\b", r"\1 split"),
    (r"\bcat (?:cal|call|cows)\b", "cat cow"),
    (r"\b(?:loose|lose) (?:wait|weight)\b", "lose weight"),
    (r"\bfive ?k\b", "5k"),
    (r"\bten ?k\b", "10k"),
]
_MISHEARINGS = [(re.compile(pattern), repl) for pattern, repl in MISHEARINGS]

# Callers use the gym's abbreviations; the knowledge base mostly spells them
# out, and a bare abbreviation embeds as noise. Each is kept and explained.
ABBREVIATIONS = {
    "rpe": "rate of perceived exertion",
    "rir": "reps in reserve",
    "bcaa": "branched chain amino acids",
    "bcaas": "branched chain amino acids",
    "doms": "delayed onset muscle soreness",
    "hiit": "high intensity interval training",
    "liss": "low intensity steady state cardio",
    "amrap": "as many reps as possible",
    "emom": "every minute on the minute",
    "tdee": "total daily energy expenditure",
    "bmr": "basal metabolic rate",
    "bmi": "body mass index",
    "1rm": "one rep max",
}
_ABBREVIATIONS = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b")
_FILLERS = re.compile(r"\b(?:um+|uh+|erm+|er|hmm+|ah+)\b[,.]?\s*")


def normalize_query(text):
    """Undo common speech-recognition slips and drop filler sounds."""
    query = " ".join(str(text).lower().split())
    query = _FILLERS.sub("", query)
    for pattern, repl in _MISHEARINGS:
        query = pattern.sub(repl, query)
    query = _ABBREVIATIONS.sub(lambda m: f"{m.group(1)} ({ABBREVIATIONS[m.group(1)]})", query)
    return " ".join(query.split())


# -- reading kb/ -------------------------------------------------------------


@dataclass
class _Entry:
    """A passage as it should be in the index."""

    id: str
    document: str  # the passage text, what the coach reads
    embed_text: str  # what is embedded: title, heading and text
    metadata: dict


def read_front_matter(text):
    """Split a Markdown file into (front matter dict, body)."""
    if text.startswith("---"):
        match = re.match(r"---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", text, re.S)
        if match:
            meta = yaml.load(match.group(1), Loader=_Loader) or {}
            if not isinstance(meta, dict):
                raise KnowledgeError("front matter is not a mapping")
            return meta, text[match.end():]
    return {}, text


def split_sections(body):
    """Return (title, [(heading, text), ...]) from a Markdown body."""
    title = None
    sections = []
    heading, lines = "", []

    def close():
        text = _clean("\n".join(lines))
        if text:
            sections.append((heading, text))

    for line in body.splitlines():
        if line.startswith("# ") and title is None and not sections and not "".join(lines).strip():
            title = line[2:].strip()
        elif line.startswith("## "):
            close()
            heading, lines = line[3:].strip(), []
        else:
            lines.append(line)
    close()
    return title, sections


def _clean(text):
    """Markdown section body → plain text paragraphs, as the coach will say them."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = []
        for line in block.splitlines():
            line = line.strip()
            line = re.sub(r"^#{3,6}\s+", "", line)
            line = re.sub(r"^(?:[-*+]|\d+[.)])\s+", "", line)
            line = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), line)
            line = re.sub(r"(?<!\w)[*_](\S.*?\S|\S)[*_](?!\w)", r"\1", line)
            line = re.sub(r"`([^`]*)`", r"\1", line)
            line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)
            if line:
                lines.append(line)
        if lines:
            paragraphs.append(" ".join(lines))
    return "\n\n".join(paragraphs)


def _cut(text):
    """Cut an over-long section at paragraph breaks into spoken-size parts."""
    parts, current = [], []
    for paragraph in text.split("\n\n"):
        words = sum(len(p.split()) for p in current)
        if current and words + len(paragraph.split()) > MAX_PASSAGE_WORDS:
            parts.append("\n\n".join(current))
            current = []
        current.append(paragraph)
    if current:
        parts.append("\n\n".join(current))
    return parts


def _slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "intro"


def _strings(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value).strip()] if str(value).strip() else []


def embed_text(title, heading, text, tags=()):
    """The text a passage is embedded as: what it is about, what it says, its tags."""
    if heading and heading.lower() != title.lower():
        head = heading if title.lower() in heading.lower() else f"{title}: {heading}"
    else:
        head = title
    embedded = f"{head}.\n{text}"
    return f"{embedded}\n({', '.join(tags)})" if tags else embedded


def read_file(path, kb_path):
    """Return the index entries of one kb/ file, in order."""
    path, kb_path = Path(path), Path(kb_path)
    rel = path.relative_to(kb_path).as_posix()
    try:
        meta, body = read_front_matter(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, KnowledgeError, UnicodeDecodeError) as error:
        raise KnowledgeError(f"{rel}: cannot read front matter: {error}") from error
    heading_title, sections = split_sections(body)
    title = str(meta.get("title") or heading_title or path.stem.replace("-", " ")).strip()
    base = {"file": rel, "title": title,
            "kind": "exercise" if rel.startswith("exercises/") else "topic"}
    tags, sources = _strings(meta.get("tags")), _strings(meta.get("sources"))
    if tags:
        base["tags"] = tags
    if sources:
        base["sources"] = sources
    for key in ("level", "audience", "category", "pattern", "slug"):
        if isinstance(meta.get(key), (str, int, float)) and not isinstance(meta[key], bool):
            base[key] = meta[key]

    entries, seen = [], {}
    for heading, text in sections:
        parts = _cut(text)
        for part_no, part in enumerate(parts):
            slug = _slug(heading) + (f"-{part_no + 1}" if len(parts) > 1 else "")
            seen[slug] = seen.get(slug, 0) + 1
            if seen[slug] > 1:
                slug = f"{slug}-{seen[slug]}"
            embedded = embed_text(title, heading, part, tags)
            metadata = dict(base, heading=heading, position=len(entries),
                            hash=hashlib.sha256(embedded.encode()).hexdigest()[:32])
            entries.append(_Entry(f"{rel}#{slug}", part, embedded, metadata))
    return entries


def kb_files(kb_path):
    """The Markdown files of the knowledge base, sorted by path."""
    kb_path = Path(kb_path)
    if not kb_path.is_dir():
        raise KnowledgeError(f"KB_PATH {kb_path} is not a folder")
    return sorted(p for p in kb_path.rglob("*.md")
                  if p.is_file() and not any(part.startswith(".") for part in
                                             p.relative_to(kb_path).parts)
                  and p.name.lower() != "readme.md")


def read_kb(kb_path):
    """Every passage of kb/ as it should be in the index."""
    entries = []
    for path in kb_files(kb_path):
        entries.extend(read_file(path, kb_path))
    return entries


def load_exercises(kb_path):
    """The front matter of kb/exercises/*.md, each with its "file", sorted by file."""
    kb_path = Path(kb_path)
    exercises = []
    for path in sorted((kb_path / "exercises").glob("*.md")):
        meta, body = read_front_matter(path.read_text(encoding="utf-8"))
        meta = dict(meta)
        meta.setdefault("title", split_sections(body)[0] or path.stem.replace("-", " "))
        meta.setdefault("slug", path.stem)
        meta["file"] = path.relative_to(kb_path).as_posix()
        exercises.append(meta)
    return exercises


# -- the index -----------------------------------------------------------------


@register_embedding_function
class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's view of our embedder: recorded with the collection, never downloads.

    Registered with Chroma under its name, so a collection read back from the
    store rebuilds it from its config instead of warning and dropping it.
    """

    def __init__(self, kind=embedding_providers.SENTENCE_TRANSFORMERS, model_path=None):
        self.kind = kind
        self.model_path = model_path

    def __call__(self, input):
        return list(embedding_providers.get_embedder(self.kind, self.model_path).embed(input))

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


class KnowledgeBase:
    """kb/ in a Chroma collection: incremental sync and semantic search."""

    def __init__(self, kb_path, *, embeddings=embedding_providers.SENTENCE_TRANSFORMERS,
                 embedding_model=None, chroma_host=None, chroma_port=8000, chroma_path=None,
                 collection=DEFAULT_COLLECTION, min_score=DEFAULT_MIN_SCORE,
                 normalize_queries=True):
        self.kb_path = Path(kb_path)
        self.normalize_queries = normalize_queries
        self.embeddings = (embeddings or embedding_providers.SENTENCE_TRANSFORMERS).lower()
        if self.embeddings not in embedding_providers.KINDS:
            raise KnowledgeError(f"EMBEDDINGS must be one of "
                                 f"{', '.join(embedding_providers.KINDS)}, not {embeddings!r}")
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

    # -- embedding

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
        global _embedded_chroma_pid
        if self._client is not None and self._pid == os.getpid():
            return self._client
        settings = Settings(anonymized_telemetry=False)
        try:
            if self.chroma_host:
                client = chromadb.HttpClient(host=self.chroma_host, port=self.chroma_port,
                                             settings=settings)
            else:
                if _embedded_chroma_pid not in (None, os.getpid()):
                    # Better an error than a worker that hangs on every call.
                    raise KnowledgeError(
                        "Chroma's embedded store was opened in the process this one was "
                        "forked from (a gunicorn master with preload_app?); it cannot be "
                        "used here. Search only in the workers, or use CHROMA_HOST.")
                self.chroma_path.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=str(self.chroma_path), settings=settings)
                _embedded_chroma_pid = os.getpid()
        except KnowledgeError:
            raise
        except Exception as error:
            raise KnowledgeError(f"cannot open the Chroma store of {self!r}: {error}") from error
        self._client, self._collection, self._pid = client, None, os.getpid()
        return client

    def _embedding_function(self):
        return ChromaEmbeddingFunction(self.embeddings, self.embedding_model)

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

    # -- sync

    def sync(self, rebuild=False):
        """Make the index match kb/: embed only new or changed passages.

        Returns counts {added, updated, removed, unchanged}. With rebuild, the
        collection is dropped and built again from scratch.
        """
        started = time.perf_counter()
        entries = read_kb(self.kb_path)
        with self._lock, self._sync_lock():
            self._write_stamp(None)
            try:
                if rebuild:
                    self._drop()
                counts = self._apply(entries)
            except KnowledgeError:
                raise
            except Exception as error:
                raise KnowledgeError(f"sync of {self!r} failed: {error}") from error
            self._write_stamp(self._fingerprint(entries))
        self.last_sync = counts
        log.info("knowledge index synced in %.1f s: %s", time.perf_counter() - started,
                 ", ".join(f"{k} {v}" for k, v in counts.items()))
        return counts

    # A local store keeps a stamp of the kb/ it was last synced with, so that
    # an app start with nothing changed needs neither Chroma nor a child process.

    def _stamp_path(self):
        if self.chroma_host:
            return None
        return self.chroma_path / f".fitness_voice-{self.collection_name}.json"

    def _fingerprint(self, entries):
        digest = hashlib.sha256(json.dumps(
            [self.embedder_name, INDEX_FORMAT, self.collection_name]).encode())
        for entry in entries:
            digest.update(entry.id.encode())
            digest.update(_normal(entry.metadata).encode())
        return digest.hexdigest()

    def _read_stamp(self):
        path = self._stamp_path()
        try:
            return json.loads(path.read_text())["fingerprint"] if path else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_stamp(self, fingerprint):
        path = self._stamp_path()
        if path is None:
            return
        if fingerprint is None:
            path.unlink(missing_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"fingerprint": fingerprint}))
        os.replace(temporary, path)

    def _drop(self):
        client = self._connect()
        if self.collection_name in {getattr(c, "name", c) for c in client.list_collections()}:
            client.delete_collection(self.collection_name)
        self._collection = None

    def _apply(self, entries):
        collection = self._get_collection(create=True)
        stored = collection.get(include=["metadatas"])
        existing = dict(zip(stored["ids"], stored["metadatas"] or [], strict=True))
        wanted = {entry.id: entry for entry in entries}
        if len(wanted) != len(entries):
            raise KnowledgeError("two passages of kb/ have the same id")

        counts = {"added": 0, "updated": 0, "removed": 0, "unchanged": 0}
        to_embed, to_relabel = [], []
        for entry in entries:
            old = existing.get(entry.id)
            if old is None:
                counts["added"] += 1
                to_embed.append(entry)
            elif old.get("hash") != entry.metadata["hash"]:
                counts["updated"] += 1
                to_embed.append(entry)
            elif _normal(old) != _normal(entry.metadata):
                counts["updated"] += 1
                to_relabel.append(entry)
            else:
                counts["unchanged"] += 1
        stale = [pid for pid in existing if pid not in wanted]
        counts["removed"] = len(stale)

        batch = max(1, min(256, self._max_batch()))
        # An edited passage is replaced whole: Chroma's upsert would merge its
        # old metadata into the new.
        replaced = stale + [e.id for e in to_embed if e.id in existing]
        for i in range(0, len(replaced), batch):
            collection.delete(ids=replaced[i:i + batch])
        for i in range(0, len(to_embed), batch):
            part = to_embed[i:i + batch]
            vectors = self.embedder.embed([e.embed_text for e in part])
            collection.add(ids=[e.id for e in part], embeddings=list(vectors),
                           documents=[e.document for e in part],
                           metadatas=[e.metadata for e in part])
        for i in range(0, len(to_relabel), batch):
            part = to_relabel[i:i + batch]
            # Chroma merges metadata on update; drop keys the file no longer has.
            metadatas = [_with_removed(existing[e.id], e.metadata) for e in part]
            collection.update(ids=[e.id for e in part], metadatas=metadatas)
        return counts

    def _max_batch(self):
        try:
            return self._connect().get_max_batch_size()
        except Exception:
            return 256

    def _sync_lock(self):
        """Serialise syncs of one local store across processes (gunicorn workers)."""
        return _FileLock(None if self.chroma_host else
                         self.chroma_path.parent / f".{self.chroma_path.name}.sync.lock")

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
        if self._read_stamp() == self._fingerprint(entries):
            self.last_sync = {"added": 0, "updated": 0, "removed": 0,
                              "unchanged": len(entries)}
            return self.last_sync
        if embedded_chroma_opened() or not hasattr(os, "fork"):
            return self.sync()
        read, write = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking a threaded process; the child
            # only syncs, with locks of its own, and leaves with os._exit.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # child: sync, report, and leave without running the parent's cleanup
            status = 1
            try:
                os.close(read)
                self._lock = threading.RLock()
                try:
                    message = {"counts": self.sync()}
                    status = 0
                except Exception as error:
                    message = {"error": f"{type(error).__name__}: {error}"}
                with os.fdopen(write, "w") as pipe:
                    json.dump(message, pipe)
            finally:
                os._exit(status)
        os.close(write)
        deadline = time.monotonic() + timeout
        try:
            output = _read_with_deadline(read, pid, deadline)
        finally:
            os.close(read)
        _wait_child(pid, deadline)
        try:
            message = json.loads(output)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            raise KnowledgeError("the knowledge sync process died without an answer")
        if "error" in message:
            raise KnowledgeError(f"knowledge sync failed: {message['error']}")
        self.last_sync = message["counts"]
        log.info("knowledge index synced at start: %s", ", ".join(
            f"{k} {v}" for k, v in self.last_sync.items()))
        return self.last_sync

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
            where=_where(filters), include=["documents", "metadatas", "distances"]))
        ranked = [
            _passage(pid, doc, meta, 1.0 - float(dist))
            for pid, doc, meta, dist in zip(found["ids"][0], found["documents"][0],
                                            found["metadatas"][0], found["distances"][0],
                                            strict=True)]
        passages = _diversify(ranked, k, MAX_PER_FILE) if diverse else ranked[:k]
        relevant = bool(passages) and passages[0].score >= self.min_score
        return SearchResult(passages, relevant)

    def passages_of(self, file):
        """Every passage of one kb/ file, in the order of the file ("tell me more")."""
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


def _first(*values):
    return next((v for v in values if v is not None), None)


def _diversify(ranked, k, per_file):
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


def _normal(metadata):
    return json.dumps(metadata, sort_keys=True, default=str)


def _with_removed(old, new):
    merged = dict(new)
    for key in old:
        if key not in new:
            merged[key] = None
    return merged


def _passage(pid, document, metadata, score):
    metadata = metadata or {}
    return Passage(id=pid, text=document or "", title=metadata.get("title", ""),
                   heading=metadata.get("heading", ""), file=metadata.get("file", ""),
                   tags=list(metadata.get("tags") or []),
                   sources=list(metadata.get("sources") or []), score=round(score, 4))


def _where(filters):
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


class _FileLock:
    """An exclusive lock on a file (no-op without a path), held across processes."""

    def __init__(self, path):
        self.path = path
        self.handle = None

    def __enter__(self):
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = open(self.path, "a")  # noqa: SIM115 - closed in __exit__
            fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


def _read_with_deadline(fd, pid, deadline):
    import select

    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            _kill(pid)
            raise KnowledgeError("the knowledge sync took too long and was stopped")
        ready, _, _ = select.select([fd], [], [], min(remaining, 1.0))
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks).decode() or "null"
            chunks.append(chunk)


def _wait_child(pid, deadline):
    while True:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        if time.monotonic() > deadline:
            _kill(pid)
            return
        time.sleep(0.01)


def _kill(pid):
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


# -- the app -------------------------------------------------------------------


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
    app.cli.add_command(kb_cli)
    knowledge.embedder  # noqa: B018 - loads the process-wide model
    if app.config.get("KB_SYNC_ON_START", True):
        knowledge.sync_at_start()
    return knowledge


kb_cli = AppGroup("kb", help="The knowledge base: ingest kb/ into Chroma, search it.")


def _knowledge():
    knowledge = current_app.extensions.get("knowledge")
    if knowledge is None:
        knowledge = init_app(current_app)
    return knowledge


@kb_cli.command("ingest")
@click.option("--rebuild", is_flag=True, help="Drop the index and embed everything again.")
def ingest_command(rebuild):
    """Bring the index up to date with kb/ (only new or changed passages are embedded)."""
    knowledge = _knowledge()
    if knowledge.last_sync and not rebuild:
        click.echo("at start: " + _counts(knowledge.last_sync))
    started = time.perf_counter()
    try:
        counts = knowledge.sync(rebuild=rebuild)
    except KnowledgeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{_counts(counts)} ({time.perf_counter() - started:.1f} s); "
               f"{knowledge.count()} passages in {knowledge!r}")


@kb_cli.command("search")
@click.argument("text")
@click.option("-k", default=3, show_default=True, help="How many passages.")
@click.option("--file", "file_", help="Only passages of this file (relative to kb/).")
@click.option("--tag", help="Only passages of files with this tag.")
def search_command(text, k, file_, tag):
    """Show the passages that answer TEXT, with their scores."""
    knowledge = _knowledge()
    filters = {key: value for key, value in (("file", file_), ("tags", tag)) if value}
    started = time.perf_counter()
    try:
        result = knowledge.search(text, k=k, filters=filters or None)
    except KnowledgeError as error:
        raise click.ClickException(str(error)) from None
    elapsed = (time.perf_counter() - started) * 1000
    query = normalize_query(text)
    if query != " ".join(text.lower().split()):
        click.echo(f"heard as: {query}")
    verdict = "relevant" if result.relevant else "nothing relevant"
    click.echo(f"{verdict} (threshold {knowledge.min_score:.2f}, {elapsed:.0f} ms)")
    for passage in result.passages:
        click.echo(f"\n{passage.score:.3f}  {passage.file} — {passage.heading or passage.title}")
        click.echo("       " + passage.text.replace("\n\n", "\n       "))


def _counts(counts):
    return ", ".join(f"{key} {value}" for key, value in counts.items())
