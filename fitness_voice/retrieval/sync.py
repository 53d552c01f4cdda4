"""Bringing the index up to date with kb/: by content hash, across processes, fork-safely.

Each index entry records the hash of the text that was embedded, so a sync
embeds only what is new or changed, updates metadata in place and deletes
what is gone. A local store also keeps a stamp of the kb/ it was last synced
with, so that an app start with nothing changed needs neither Chroma nor a
child process; and since a process that has opened Chroma's embedded store
cannot be forked and still use it, the sync at app start runs in a forked
child (:func:`sync_in_child`).
"""

import fcntl
import hashlib
import json
import os
import select
import signal
import time
import warnings

from .passages import KnowledgeError

COUNTS = ("added", "updated", "removed", "unchanged")


def apply_changes(collection, entries, embed, batch_size):
    """Make `collection` hold exactly `entries`; return counts {added, updated, removed, unchanged}.

    `embed(texts)` is called only for passages whose embedded text changed.
    """
    stored = collection.get(include=["metadatas"])
    existing = dict(zip(stored["ids"], stored["metadatas"] or [], strict=True))
    if existing and not entries:
        # Only a rebuild (which drops the collection first) may leave an index empty.
        raise KnowledgeError("kb/ has no passages: refusing to remove every passage "
                             "from the index (`kb ingest --rebuild` empties it on purpose)")
    wanted = {entry.id: entry for entry in entries}
    if len(wanted) != len(entries):
        raise KnowledgeError("two passages of kb/ have the same id")

    counts = dict.fromkeys(COUNTS, 0)
    to_embed, to_relabel = [], []
    for entry in entries:
        old = existing.get(entry.id)
        if old is None:
            counts["added"] += 1
            to_embed.append(entry)
        elif old.get("hash") != entry.metadata["hash"]:
            counts["updated"] += 1
            to_embed.append(entry)
        elif normal(old) != normal(entry.metadata):
            counts["updated"] += 1
            to_relabel.append(entry)
        else:
            counts["unchanged"] += 1
    stale = [pid for pid in existing if pid not in wanted]
    counts["removed"] = len(stale)

    # An edited passage is replaced whole: Chroma's upsert would merge its
    # old metadata into the new.
    replaced = stale + [e.id for e in to_embed if e.id in existing]
    for part in _batches(replaced, batch_size):
        collection.delete(ids=part)
    for part in _batches(to_embed, batch_size):
        vectors = embed([e.embed_text for e in part])
        collection.add(ids=[e.id for e in part], embeddings=list(vectors),
                       documents=[e.document for e in part],
                       metadatas=[e.metadata for e in part])
    for part in _batches(to_relabel, batch_size):
        # Chroma merges metadata on update; drop keys the file no longer has.
        metadatas = [_with_removed(existing[e.id], e.metadata) for e in part]
        collection.update(ids=[e.id for e in part], metadatas=metadatas)
    return counts


def refuse_empty(entries, kb_path):
    """An empty kb/ is a mistake (a wrong KB_PATH, a checkout without it), not a wish to
    empty the index: a server shared by every dyno would be emptied for all of them."""
    if not entries:
        raise KnowledgeError(
            f"KB_PATH {kb_path} holds no passages: refusing an empty knowledge base; "
            "fix KB_PATH, or run `fitness-voice kb ingest --rebuild` to empty the index")


def fingerprint(entries, *identity):
    """A digest of every passage id and metadata, and of what built the index."""
    digest = hashlib.sha256(json.dumps(list(identity)).encode())
    for entry in entries:
        digest.update(entry.id.encode())
        digest.update(normal(entry.metadata).encode())
    return digest.hexdigest()


def normal(metadata):
    """Metadata as one comparable string."""
    return json.dumps(metadata, sort_keys=True, default=str)


def _batches(items, size):
    return [items[i:i + size] for i in range(0, len(items), size)]


def _with_removed(old, new):
    merged = dict(new)
    for key in old:
        if key not in new:
            merged[key] = None
    return merged


class Stamp:
    """The fingerprint of the kb/ a local store was last synced with (no-op without a path)."""

    def __init__(self, path):
        self.path = path

    def read(self):
        try:
            return json.loads(self.path.read_text())["fingerprint"] if self.path else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, fingerprint):
        """Record `fingerprint`; None removes the stamp, as while a sync is under way."""
        if self.path is None:
            return
        if fingerprint is None:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"fingerprint": fingerprint}))
        os.replace(temporary, self.path)


class FileLock:
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


def sync_in_child(sync, timeout):
    """Run `sync()` in a forked child process and return the counts it reports.

    The child leaves with os._exit, so none of the parent's cleanup runs twice;
    a child that takes longer than `timeout` seconds is killed.
    """
    read, write = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a threaded process; the child
        # only syncs, with locks of its own, and leaves with os._exit.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:
        _report_and_exit(sync, read, write)
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
    return message["counts"]


def _report_and_exit(sync, read, write):
    status = 1
    try:
        os.close(read)
        try:
            message = {"counts": sync()}
            status = 0
        except Exception as error:
            message = {"error": f"{type(error).__name__}: {error}"}
        with os.fdopen(write, "w") as pipe:
            json.dump(message, pipe)
    finally:
        os._exit(status)


def _read_with_deadline(fd, pid, deadline):
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
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
