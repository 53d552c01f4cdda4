"""A tiny stand-in for retrieval.examples.ExampleClassifier (same interface), so the
dialogue's routing can be tested on its own: nearest labelled example by cosine,
with a minimum score and a margin over the best example of another label."""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Match:
    label: str
    score: float
    runner_up_score: float


class ExampleClassifier:
    def __init__(self, embed, examples, min_score=0.6, margin=0.05):
        self.min_score, self.margin = min_score, margin
        self.labels = [label for label, phrases in examples.items() for _ in phrases]
        vectors = np.asarray(embed([p for phrases in examples.values() for p in phrases]))
        self.vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        self.embed = embed

    def classify(self, text):
        vector = np.asarray(self.embed([text]))[0]
        scores = self.vectors @ (vector / np.linalg.norm(vector))
        best = {}
        for label, score in zip(self.labels, scores, strict=True):
            best[label] = max(best.get(label, -1.0), float(score))
        ranked = sorted(best.items(), key=lambda item: -item[1])
        (label, score), runner_up = ranked[0], (ranked[1][1] if len(ranked) > 1 else -1.0)
        if score < self.min_score or score - runner_up < self.margin:
            return None
        return Match(label, score, runner_up)
