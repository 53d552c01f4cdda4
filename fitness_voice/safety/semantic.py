"""The semantic check beside the rules: a line that means what a labelled red flag
or crisis line means, said in words no rule has.

The labelled set (lang/<code>/safety/examples.yaml) is also the semantic check's
examples: every category is a label, and the safe look-alikes ("chest day",
"this workout is killing me") are a label of their own, so a line has to be
clearly nearer the red flags than the look-alikes to count. The nearest example
decides (retrieval/examples.py: a floor and a margin over the next label).

The rules stay the final word for what they match. The semantic check only
upgrades a line the rules call SAFE or OFF_TOPIC, only to RED_FLAG or CRISIS,
and never a line in which a red-flag or crisis rule found its words and then
ruled them out ("no chest pain", "what are the signs of heat stroke", "passed
out on the couch"): there the rules have decided.

A quarter of the labelled set (chosen by a hash of the text, so nobody picks
it) is held out of the examples, so bench/safety.py can measure the check on
lines it has never seen.
"""

import logging
import threading
import zlib

from .. import lang
from .verdict import Category

log = logging.getLogger(__name__)

UPGRADES = (Category.RED_FLAG, Category.CRISIS)  # what the check may say a line is
UPGRADED_FROM = (Category.SAFE, Category.OFF_TOPIC)  # what the rules said, for it to try
# Tuned by cross-validation on the examples (held-out lines not used): the
# nearest red-flag or crisis example must be this close, and this much closer
# than the nearest example of any other label.
MIN_SCORE = 0.65
MARGIN = 0.08
HELD_OUT_EVERY = 4  # one in four labelled lines is held out of the examples


def held_out(text):
    """Whether labelled line `text` is held out of the check's examples (for measuring)."""
    return zlib.crc32(text.strip().lower().encode("utf-8")) % HELD_OUT_EVERY == 0


def labelled(language=None):
    """The labelled set: [(text, category)], the empty line left out."""
    items = lang.data("safety/examples", language)["examples"]
    return [(item["text"], Category(item["category"])) for item in items
            if item["text"].strip()]


def examples_of(items):
    """{label: [text]} for ExampleClassifier: the categories' values as labels."""
    examples = {}
    for text, category in items:
        examples.setdefault(category.value, []).append(text)
    return examples


class SemanticCheck:
    """The nearest labelled line, for lines the rules let through."""

    def __init__(self, embed, items=None, *, min_score=MIN_SCORE, margin=MARGIN):
        """`embed(texts)` gives unit vectors; `items` is [(text, Category)], by default
        the active language's labelled set without its held-out lines."""
        from ..retrieval.examples import ExampleClassifier
        if items is None:
            items = [(text, category) for text, category in labelled() if not held_out(text)]
        self.classifier = ExampleClassifier(embed, examples_of(items), min_score=min_score,
                                            margin=margin)

    def upgrade(self, text):
        """The Match when `text` is clearly a red flag or a crisis line, else None."""
        match = self.classifier.classify(text)
        if match is None or Category(match.label) not in UPGRADES:
            return None
        return match


class _Configured:
    """The process's semantic check (one per process: the embedder is one per process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.check = None

    def use(self, embedder, items=None):
        check = None
        if embedder is not None:
            try:
                check = SemanticCheck(getattr(embedder, "embed", embedder), items)
            except Exception:  # the rules still answer without it
                log.exception("the semantic safety check is off: its examples could not "
                              "be embedded")
        with self._lock:
            self.check = check
        return check


_configured = _Configured()


def use_semantic(embedder, items=None):
    """Check every line the rules let through against the labelled set too.

    `embedder` is an embedding provider (with `embed(texts)`), a function
    `embed(texts)` returning unit vectors, or None to turn the check off;
    `items` as for SemanticCheck. The examples are embedded now, so the first
    caller does not wait. Returns the check, or None (off, or the examples could
    not be embedded)."""
    return _configured.use(embedder, items)


def configured():
    """The check `use_semantic` set up, or None."""
    return _configured.check
