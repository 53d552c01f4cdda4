"""Reading kb/: Markdown files with YAML front matter, cut into passages.

A passage is one ``## `` section of a file (the text before the first
section, if any, is a passage too). Each passage is embedded with the file's
title and the section heading in front of it, so a short section still
carries what it is about. A passage's id is ``<file>#<heading-slug>``, and its
metadata records the hash of the text that is embedded, so that the sync
embeds only what is new or changed.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from .passages import KnowledgeError

# A section longer than this is cut at paragraph breaks into several passages:
# a passage is something the coach can say in one go.
MAX_PASSAGE_WORDS = 180
# Front matter keys copied into a passage's metadata when they hold a plain value.
SCALAR_KEYS = ("level", "audience", "category", "pattern", "slug")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT_MATTER = re.compile(r"---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", re.S)


@dataclass
class IndexEntry:
    """A passage as it should be in the index."""

    id: str
    document: str  # the passage text, what the coach reads
    embed_text: str  # what is embedded: title, heading and text
    metadata: dict


def read_front_matter(text):
    """Split a Markdown file into (front matter dict, body)."""
    if text.startswith("---"):
        match = _FRONT_MATTER.match(text)
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
        text = clean_markdown("\n".join(lines))
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


def clean_markdown(text):
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


def cut_passages(text, max_words=MAX_PASSAGE_WORDS):
    """Cut an over-long section at paragraph breaks into spoken-size parts."""
    parts, current = [], []
    for paragraph in text.split("\n\n"):
        words = sum(len(p.split()) for p in current)
        if current and words + len(paragraph.split()) > max_words:
            parts.append("\n\n".join(current))
            current = []
        current.append(paragraph)
    if current:
        parts.append("\n\n".join(current))
    return parts


def slug(text):
    """The id part of a heading: lower-case words joined by hyphens ("intro" if none)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "intro"


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
    tags = _strings(meta.get("tags"))
    base = _file_metadata(rel, title, meta, tags)

    entries, seen = [], {}
    for heading, text in sections:
        parts = cut_passages(text)
        for part_no, part in enumerate(parts):
            part_slug = slug(heading) + (f"-{part_no + 1}" if len(parts) > 1 else "")
            seen[part_slug] = seen.get(part_slug, 0) + 1
            if seen[part_slug] > 1:
                part_slug = f"{part_slug}-{seen[part_slug]}"
            embedded = embed_text(title, heading, part, tags)
            metadata = dict(base, heading=heading, position=len(entries),
                            hash=hashlib.sha256(embedded.encode()).hexdigest()[:32])
            entries.append(IndexEntry(f"{rel}#{part_slug}", part, embedded, metadata))
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


def _file_metadata(rel, title, meta, tags):
    """The metadata every passage of one file shares."""
    base = {"file": rel, "title": title,
            "kind": "exercise" if rel.startswith("exercises/") else "topic"}
    sources = _strings(meta.get("sources"))
    if tags:
        base["tags"] = tags
    if sources:
        base["sources"] = sources
    for key in SCALAR_KEYS:
        if isinstance(meta.get(key), (str, int, float)) and not isinstance(meta[key], bool):
            base[key] = meta[key]
    return base


def _strings(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [str(value).strip()] if str(value).strip() else []
