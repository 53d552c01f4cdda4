"""Reading kb/: front matter, sections, passages, the exercise library."""

import pytest

from fitness_voice.retrieval import KnowledgeError, kb
from fitness_voice.retrieval.kb import (
    clean_markdown,
    cut_passages,
    embed_text,
    read_front_matter,
    slug,
    split_sections,
)

from .samples import KB

SAMPLE = """---
title: Sample topic
tags: [testing, samples]
level: all
sources:
  - A position stand (2020)
---
# Sample topic

An introduction before the first section.

## First section
Plain **bold** words and a [link](https://example.org).

- a bullet point
- another one

### A sub heading
More text.

## First section
The same heading again.

## Long section
{long}
"""


def test_a_file_is_cut_into_passages_by_heading(tmp_path):
    paragraph = " ".join(["word"] * 100)
    (tmp_path / "sample.md").write_text(SAMPLE.format(long=f"{paragraph}\n\n{paragraph}"))
    entries = kb.read_file(tmp_path / "sample.md", tmp_path)
    assert [e.id for e in entries] == [
        "sample.md#intro", "sample.md#first-section", "sample.md#first-section-2",
        "sample.md#long-section-1", "sample.md#long-section-2"]
    intro, first = entries[0], entries[1]
    assert intro.metadata["heading"] == "" and intro.document.startswith("An introduction")
    assert first.document == ("Plain bold words and a link.\n\n"
                              "a bullet point another one\n\nA sub heading More text.")
    assert first.metadata == {
        "file": "sample.md", "title": "Sample topic", "kind": "topic",
        "tags": ["testing", "samples"], "sources": ["A position stand (2020)"],
        "level": "all", "heading": "First section", "position": 1,
        "hash": first.metadata["hash"]}
    # What is embedded says what the passage is about, then what it says.
    assert first.embed_text.startswith("Sample topic: First section.\nPlain bold")
    assert first.embed_text.endswith("(testing, samples)")
    assert all(len(e.document.split()) <= kb.MAX_PASSAGE_WORDS for e in entries)


def test_broken_front_matter_names_the_file(tmp_path):
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\n# Broken\n\n## A\nText.\n")
    with pytest.raises(KnowledgeError, match="broken.md"):
        kb.read_kb(tmp_path)


def test_the_knowledge_base_is_complete():
    entries = kb.read_kb(KB)
    files = kb.kb_files(KB)
    assert len(files) >= 60
    assert len(list((KB / "exercises").glob("*.md"))) >= 30
    assert len({e.id for e in entries}) == len(entries)
    for path in files:
        meta, _ = kb.read_front_matter(path.read_text())
        assert meta.get("title") and meta.get("tags") and meta.get("sources"), path
        assert meta.get("audience") or meta.get("level"), path


def test_load_exercises():
    exercises = kb.load_exercises(KB)
    assert len(exercises) >= 30
    slugs = {e["slug"] for e in exercises}
    push_up = next(e for e in exercises if e["slug"] == "push-up")
    assert push_up["file"] == "exercises/push-up.md"
    assert push_up["title"] == "Push-up"
    assert push_up["easier"] == "knee-push-up"
    for exercise in exercises:
        assert exercise["file"] == f"exercises/{exercise['slug']}.md"
        assert exercise["level"] and exercise["cues"] and exercise["muscles"]
        assert isinstance(exercise["equipment"], list)
        for other in (exercise.get("easier"), exercise.get("harder")):
            assert other is None or other in slugs, (exercise["slug"], other)


def test_an_exercise_without_title_or_slug_gets_them_from_its_file(tmp_path):
    (tmp_path / "exercises").mkdir()
    (tmp_path / "exercises" / "wall-sit.md").write_text("---\nlevel: beginner\n---\nHold it.\n")
    (tmp_path / "exercises" / "bird-dog.md").write_text("# Bird dog\n\n## How\nReach.\n")
    assert kb.load_exercises(tmp_path) == [
        {"title": "Bird dog", "slug": "bird-dog", "file": "exercises/bird-dog.md"},
        {"level": "beginner", "title": "wall sit", "slug": "wall-sit",
         "file": "exercises/wall-sit.md"}]


def test_kb_files_skip_readmes_and_hidden_folders(tmp_path):
    for name in ("a.md", "README.md", ".drafts/b.md", "sub/c.md", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# T\n")
    assert [p.relative_to(tmp_path).as_posix() for p in kb.kb_files(tmp_path)] == [
        "a.md", "sub/c.md"]
    with pytest.raises(KnowledgeError, match="is not a folder"):
        kb.kb_files(tmp_path / "missing")


# -- the pure parts, case by case ------------------------------------------------------


@pytest.mark.parametrize("text, meta, body", [
    ("# No front matter\n", {}, "# No front matter\n"),
    ("---\ntitle: T\ntags: [a, b]\n---\n# T\n", {"title": "T", "tags": ["a", "b"]}, "# T\n"),
    ("---\r\ntitle: T\r\n---\r\nBody", {"title": "T"}, "Body"),
    ("---\ntitle: T\n---", {"title": "T"}, ""),
    ("---\n\n---\nBody", {}, "Body"),
    ("---\ntitle: never closed\n", {}, "---\ntitle: never closed\n"),
    ("text\n---\ntitle: T\n---\n", {}, "text\n---\ntitle: T\n---\n"),
])
def test_read_front_matter(text, meta, body):
    assert read_front_matter(text) == (meta, body)


def test_front_matter_that_is_not_a_mapping_is_refused():
    with pytest.raises(KnowledgeError, match="not a mapping"):
        read_front_matter("---\n- a list\n---\nBody")


@pytest.mark.parametrize("body, title, sections", [
    ("# Title\n\n## One\nText one.\n\n## Two\nText two.\n",
     "Title", [("One", "Text one."), ("Two", "Text two.")]),
    ("# Title\nIntro.\n## One\nText.\n", "Title", [("", "Intro."), ("One", "Text.")]),
    ("Intro first.\n# Not a title\n", None, [("", "Intro first. # Not a title")]),
    ("## Only\nText.\n# Late\n", None, [("Only", "Text. # Late")]),
    ("# Title\n## Empty\n\n## Full\nText.\n", "Title", [("Full", "Text.")]),
    ("", None, []),
])
def test_split_sections(body, title, sections):
    assert split_sections(body) == (title, sections)


@pytest.mark.parametrize("markdown, plain", [
    ("Plain words.", "Plain words."),
    ("**bold** and __strong__", "bold and strong"),
    ("*one* _two_ snake_case_name", "one two snake_case_name"),
    ("`code` and [a link](https://example.org)", "code and a link"),
    ("- one\n* two\n+ three\n1. four\n2) five", "one two three four five"),
    ("### Sub heading\nText under it.", "Sub heading Text under it."),
    ("First line\n  second line\n\n\nNext paragraph", "First line second line\n\nNext paragraph"),
    ("  \n\n  ", ""),
])
def test_clean_markdown(markdown, plain):
    assert clean_markdown(markdown) == plain


def _paragraphs(*sizes):
    return "\n\n".join(" ".join(["w"] * size) for size in sizes)


@pytest.mark.parametrize("sizes, max_words, parts", [
    ((10,), 180, [(10,)]),
    ((100, 80), 180, [(100, 80)]),
    ((100, 81), 180, [(100,), (81,)]),
    ((200,), 180, [(200,)]),  # a paragraph is never cut inside
    ((5, 5, 5, 5), 10, [(5, 5), (5, 5)]),
    ((3, 9, 1), 10, [(3,), (9, 1)]),
])
def test_cut_passages(sizes, max_words, parts):
    assert cut_passages(_paragraphs(*sizes), max_words) == [_paragraphs(*p) for p in parts]


@pytest.mark.parametrize("heading, expected", [
    ("Is creatine safe", "is-creatine-safe"),
    ("What's RPE? (and RIR)", "what-s-rpe-and-rir"),
    ("  Zone 2  ", "zone-2"),
    ("", "intro"),
    ("???", "intro"),
])
def test_slug(heading, expected):
    assert slug(heading) == expected


@pytest.mark.parametrize("title, heading, tags, head", [
    ("Creatine", "Is it safe", (), "Creatine: Is it safe.\n"),
    ("Creatine", "Is creatine safe", (), "Is creatine safe.\n"),
    ("Creatine", "creatine", (), "Creatine.\n"),
    ("Creatine", "", (), "Creatine.\n"),
    ("Plank", "Cues", ("core", "beginner"), "Plank: Cues.\n"),
])
def test_embed_text(title, heading, tags, head):
    embedded = embed_text(title, heading, "The text.", tags)
    tail = f"\n({', '.join(tags)})" if tags else ""
    assert embedded == f"{head}The text.{tail}"
