"""Safety bench: the rules and the semantic check on the labelled set.

The labelled set is lang/en/safety/examples.yaml. A quarter of it (chosen by a
hash of the text, fitness_voice/safety/semantic.py) is held out of the semantic
check's examples; the check is measured on those lines, which it has never seen.

Printed:

- the rules on the whole labelled set, per category (they must be 100%: the
  tests check every line);
- the semantic check alone on the held-out lines: for red_flag and crisis,
  precision (of the lines it upgrades, how many are right) and recall (of the
  red flags and crisis lines, how many it finds without the rules);
- the rules and the check together on the held-out lines: lines routed wrong
  (a look-alike or an ordinary line upgraded would show here);
- the same two, cross-validated on the examples themselves (four folds), for a
  second, larger sample;
- the time one classify takes with the check.

    PYTHONPATH=. .venv/bin/python bench/safety.py
"""

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fitness_voice import safety  # noqa: E402
from fitness_voice.retrieval.embeddings import get_embedder  # noqa: E402
from fitness_voice.safety import semantic  # noqa: E402
from fitness_voice.safety.verdict import Category  # noqa: E402

FOLDS = 4


class Memo:
    """The embedder, each text embedded once (the folds embed the same lines)."""

    def __init__(self, embedder):
        self.embedder, self.vectors = embedder, {}

    def embed(self, texts):
        missing = [text for text in dict.fromkeys(texts) if text not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.embedder.embed(missing), strict=True))
        return np.stack([self.vectors[text] for text in texts])


def measure(check, items):
    """Semantic alone (per label: right, wrong, missed) and together (lines routed wrong)."""
    alone = {c: Counter() for c in semantic.UPGRADES}
    wrong = []
    for text, category in items:
        match = check.upgrade(text)
        said = Category(match.label) if match else None
        if said is not None:
            alone[said]["right" if said is category else "wrong"] += 1
        if category in semantic.UPGRADES and said is not category:
            alone[category]["missed"] += 1
        verdict = safety.classify(text, semantic=check)
        if verdict.category is not category:
            wrong.append((text, category.value, verdict.category.value, verdict.reason))
    return alone, wrong


def report(title, alone, wrong, lines):
    print(f"\n{title}: {lines} lines")
    print(f"  {'semantic alone':16} {'upgrades':>8} {'right':>6} {'precision':>10} "
          f"{'recall':>7}")
    for category, counts in alone.items():
        upgrades = counts["right"] + counts["wrong"]
        positives = counts["right"] + counts["missed"]
        precision = f"{counts['right'] / upgrades:.0%}" if upgrades else "-"
        recall = f"{counts['right'] / positives:.0%}" if positives else "-"
        print(f"  {category.value:16} {upgrades:>8} {counts['right']:>6} {precision:>10} "
              f"{recall:>7}")
    print(f"  rules + semantic: {len(wrong)} lines routed wrong")
    for text, label, said, reason in wrong:
        print(f"    {label} -> {said} ({reason}): {text}")


def main():
    embedder = Memo(get_embedder())
    items = semantic.labelled()
    held = [(t, c) for t, c in items if semantic.held_out(t)]
    examples = [(t, c) for t, c in items if not semantic.held_out(t)]
    embedder.embed([t for t, _ in items])
    print(f"safety bench: {len(items)} labelled lines, {len(held)} held out of the semantic "
          f"check's examples; min score {semantic.MIN_SCORE}, margin {semantic.MARGIN}")

    print(f"\nrules on the labelled set: {len(items)} lines")
    by_category = Counter(c for _, c in items)
    right = Counter(c for t, c in items if safety.classify(t, semantic=False).category is c)
    for category in Category:
        print(f"  {category.value:16} {right[category]:>4}/{by_category[category]:<4}")

    check = semantic.SemanticCheck(embedder.embed, examples)
    report("semantic check on held-out lines (never its examples)", *measure(check, held),
           len(held))

    folds = [examples[k::FOLDS] for k in range(FOLDS)]
    alone = {c: Counter() for c in semantic.UPGRADES}
    wrong = []
    for k, fold in enumerate(folds):
        rest = [item for j, other in enumerate(folds) if j != k for item in other]
        fold_alone, fold_wrong = measure(semantic.SemanticCheck(embedder.embed, rest), fold)
        for category in alone:
            alone[category].update(fold_alone[category])
        wrong += fold_wrong
    report(f"cross-validated on the examples ({FOLDS} folds)", alone, wrong, len(examples))

    live = semantic.SemanticCheck(get_embedder().embed, examples)
    timings = []
    for text, _ in held:
        started = time.perf_counter()
        safety.classify(text, semantic=live)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"\nclassify with the semantic check: median {statistics.median(timings):.1f} ms, "
          f"slowest {max(timings):.1f} ms")


if __name__ == "__main__":
    main()
