"""Search over an indexed kb/: the best passages, the threshold, filters, a file's passages."""

import pytest

from fitness_voice.retrieval import KnowledgeError, SearchResult
from fitness_voice.retrieval import index as index_module
from fitness_voice.retrieval.index import diversify
from fitness_voice.retrieval.passages import Passage

from .samples import KB, make_kb


def test_search_finds_the_passage_that_answers(small_kb):
    result = small_kb.search("is creating safe")
    assert result.relevant
    best = result.passages[0]
    assert (best.file, best.heading, best.title) == ("creatine.md", "Is creatine safe", "Creatine")
    assert best.id == "creatine.md#is-creatine-safe"
    assert best.sources and "supplements" in best.tags
    assert 0.5 < best.score <= 1.0
    assert len(result.passages) == 3
    scores = [p.score for p in result.passages]
    assert scores == sorted(scores, reverse=True)


def test_nothing_relevant_below_the_threshold(small_kb):
    result = small_kb.search("what's the capital of australia")
    assert not result.relevant
    assert result.passages and result.passages[0].score < small_kb.min_score


def test_at_most_two_passages_of_one_file(small_kb):
    result = small_kb.search("creatine", k=3)
    files = [p.file for p in result.passages]
    assert files.count("creatine.md") == 2


def test_filters(small_kb):
    only = small_kb.search("how much should i drink", k=5, filters={"file": "hydration.md"})
    assert len(only.passages) == 5 and {p.file for p in only.passages} == {"hydration.md"}
    exercises = small_kb.search("how do i do it", k=4, filters={"kind": "exercise"})
    assert all(p.file.startswith("exercises/") for p in exercises.passages)
    tagged = small_kb.search("form", k=4, filters={"tags": "glutes"})
    assert {p.file for p in tagged.passages} == {"exercises/glute-bridge.md"}
    either = small_kb.search("water", k=6, filters={"file": ["hydration.md", "creatine.md"]})
    assert {p.file for p in either.passages} <= {"hydration.md", "creatine.md"}


@pytest.mark.parametrize("text", ["", "   ", "um"])
def test_empty_speech(small_kb, text):
    assert small_kb.search(text) == SearchResult([], False)


def test_passages_of_a_file_in_order(small_kb):
    passages = small_kb.passages_of("hydration.md")
    headings = [line[3:].strip() for line in (KB / "hydration.md").read_text().splitlines()
                if line.startswith("## ")]
    assert [p.heading for p in passages] == headings
    assert passages[0].text.startswith("There's no single daily water target")
    assert small_kb.passages_of("no-such-file.md") == []


def test_a_files_passages_are_read_once_a_minute(small_kb, monkeypatch):
    reads = []
    read_file = small_kb._read_file
    monkeypatch.setattr(small_kb, "_read_file", lambda file: reads.append(file) or read_file(file))
    first = small_kb.passages_of("creatine.md")
    first[0].text = "changed by a caller of passages_of"
    again = small_kb.passages_of("creatine.md")
    assert reads == ["creatine.md"]
    assert again[0].text != first[0].text
    monkeypatch.setattr(index_module, "FILE_CACHE_SECONDS", 0.0)
    small_kb.passages_of("creatine.md")
    assert reads == ["creatine.md", "creatine.md"]


def test_search_before_any_ingest(tmp_path):
    kb = make_kb(KB, tmp_path / "chroma")
    with pytest.raises(KnowledgeError, match="flask kb ingest"):
        kb.search("is creatine safe")
    assert kb.passages_of("creatine.md") == []


def test_chroma_gets_our_embedding_function_and_no_telemetry(small_kb):
    collection = small_kb._get_collection()
    assert collection.configuration_json["embedding_function"]["name"] == "fitness_voice"
    assert collection.metadata["embedder"] == "onnx/all-MiniLM-L6-v2-int8"
    assert small_kb._connect().get_settings().anonymized_telemetry is False


def _ranked(*files):
    """Passages of `files`, best first (scores 0.9, 0.8, ...)."""
    return [Passage(id=f"{file}#{n}", text="", title="", heading="", file=file,
                    score=round(0.9 - 0.1 * n, 1)) for n, file in enumerate(files)]


@pytest.mark.parametrize("files, k, chosen", [
    ("aab", 3, "aab"),
    ("aaab", 3, "aab"),
    ("aaabc", 3, "aab"),
    ("aaaa", 3, "aaa"),  # topped up from the same file when nothing else is near
    ("aaaab", 4, "aaab"),
    ("ab", 3, "ab"),
])
def test_diversify_keeps_at_most_two_passages_of_a_file(files, k, chosen):
    assert [p.file for p in diversify(_ranked(*files), k, per_file=2)] == list(chosen)
    scores = [p.score for p in diversify(_ranked(*files), k, per_file=2)]
    assert scores == sorted(scores, reverse=True)
