"""Meaning-based classification by labelled examples, with the app's embedder.

A line belongs to the label whose examples it is nearest to (cosine of unit
vectors), when that is close enough (``min_score``) and clearly closer than the
next label (``margin``); otherwise it belongs to none, and the caller of
``classify`` falls through to whatever handles the unrecognised. Used for intent
routing and for the semantic safety check; the labelled phrases are data in
``lang/<code>/``.

Example vectors are computed once per process for a given embedder and example
set, so building many apps (tests, workers) does not embed them again; with a
folder set (:func:`keep_vectors_in`, the app's instance folder) they are also kept
on disk, so a process start reads them instead of embedding a thousand phrases.
"""

import hashlib
import os
import tempfile
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# embedder -> {phrases: vectors}; weak, so a discarded embedder takes its vectors along
_vectors = weakref.WeakKeyDictionary()
# embedder -> the last lines it embedded: one caller line is classified by the
# router and the safety check (heard and repaired), so it is embedded once.
_recent = weakref.WeakKeyDictionary()
RECENT_LINES = 32
_lock = threading.Lock()
_folder = None  # where example vectors are kept across processes (None: memory only)


def keep_vectors_in(folder):
    """Keep example vectors in `folder` (None: in memory only)."""
    global _folder
    _folder = Path(folder) if folder else None


@dataclass(frozen=True)
class Match:
    label: str
    score: float  # cosine to the nearest example of `label`
    runner_up_score: float  # cosine to the nearest example of any other label
    example: str  # the nearest example, to explain a decision in logs and tests


class ExampleClassifier:
    """Nearest labelled example, with a floor and a margin."""

    def __init__(self, embed, examples, min_score=0.6, margin=0.05):
        """`embed(texts)` returns unit vectors; `examples` maps label -> phrases."""
        self.min_score = min_score
        self.margin = margin
        pairs = [(label, phrase.strip()) for label, phrases in examples.items()
                 for phrase in phrases if phrase and phrase.strip()]
        if not pairs:
            raise ValueError("an example classifier needs at least one example")
        self._labels = [label for label, _ in pairs]
        self._phrases = [phrase for _, phrase in pairs]
        self._embed = embed
        self._matrix = _example_vectors(embed, tuple(self._phrases))

    def scores(self, text):
        """{label: best cosine} for `text`, highest first."""
        similarities = self._matrix @ _line_vector(self._embed, text)
        best = {}
        for label, score in zip(self._labels, similarities.tolist(), strict=True):
            best[label] = max(score, best.get(label, -1.0))
        return dict(sorted(best.items(), key=lambda item: -item[1]))

    def classify(self, text):
        """The Match for `text`, or None when no label is near and clear enough."""
        if not text or not text.strip():
            return None
        similarities = self._matrix @ _line_vector(self._embed, text)
        order = np.argsort(-similarities)
        top = int(order[0])
        label, score = self._labels[top], float(similarities[top])
        runner_up = next((float(similarities[i]) for i in order
                          if self._labels[int(i)] != label), -1.0)
        if score < self.min_score or score - runner_up < self.margin:
            return None
        return Match(label, score, runner_up, self._phrases[top])


def _example_vectors(embed, phrases):
    owner = getattr(embed, "__self__", embed)  # the embedder behind a bound method
    with _lock:
        matrix = _vectors.get(owner, {}).get(phrases)
    if matrix is None:
        matrix = _read_kept(owner, phrases)
    if matrix is None:
        matrix = np.asarray(embed(list(phrases)), dtype=np.float32)
        _keep(owner, phrases, matrix)
        with _lock:
            _vectors.setdefault(owner, {})[phrases] = matrix
    return matrix


def _kept_path(owner, phrases):
    name = getattr(owner, "name", None)
    if _folder is None or not name:
        return None
    # The embedder's class as well as its name: a test's stand-in never shares its file.
    key = "\n".join((type(owner).__module__, type(owner).__qualname__, name, *phrases))
    return _folder / f"examples-{hashlib.sha256(key.encode()).hexdigest()[:32]}.npy"


def _read_kept(owner, phrases):
    path = _kept_path(owner, phrases)
    try:
        matrix = np.load(path, allow_pickle=False) if path else None
    except (OSError, ValueError):
        return None
    return matrix if matrix is not None and matrix.shape[0] == len(phrases) else None


def _keep(owner, phrases, matrix):
    path = _kept_path(owner, phrases)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npy")
        with os.fdopen(handle, "wb") as out:
            np.save(out, matrix, allow_pickle=False)
        os.replace(temporary, path)  # a reader sees the whole file or none
    except OSError:
        pass  # a read-only folder: the vectors stay in memory


def _line_vector(embed, text):
    owner = getattr(embed, "__self__", embed)
    with _lock:
        vector = _recent.get(owner, {}).get(text)
    if vector is None:
        vector = _as_vector(embed([text]))
        with _lock:
            recent = _recent.setdefault(owner, {})
            recent[text] = vector
            while len(recent) > RECENT_LINES:
                recent.pop(next(iter(recent)))
    return vector


def _as_vector(embedded):
    return np.asarray(embedded, dtype=np.float32).reshape(-1)
