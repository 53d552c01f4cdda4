"""What retrieval hands the rest of the app: passages, search results, the retriever."""

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


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


@runtime_checkable
class Retriever(Protocol):
    """Finds the knowledge-base passages that answer what a caller said."""

    def search(self, text: str, k: int = 3) -> SearchResult:
        """The k passages closest to `text`, best first."""
        ...

    def passages_of(self, file: str) -> list[Passage]:
        """Every passage of one kb/ file, in the order of the file."""
        ...
