"""The exercise library and a workout coach over it, shared by the training tests."""

from pathlib import Path

import pytest

from fitness_voice.retrieval import load_exercises
from fitness_voice.training.leading import WorkoutCoach

KB = Path(__file__).resolve().parents[2] / "kb"


@pytest.fixture(scope="module")
def exercises():
    return load_exercises(KB)


@pytest.fixture(scope="module")
def by_slug(exercises):
    return {ex["slug"]: ex for ex in exercises}


@pytest.fixture(scope="module")
def coach(exercises):
    return WorkoutCoach(exercises, profile_facts=lambda text: {})
