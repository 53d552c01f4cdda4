"""Small copies of the real kb/, and knowledge bases over them."""

import shutil

from fitness_voice.config import PROJECT_ROOT
from fitness_voice.retrieval import KnowledgeBase

KB = PROJECT_ROOT / "kb"
SMALL_KB = ["creatine.md", "hydration.md", "sets-and-reps.md", "exercises/push-up.md",
            "exercises/glute-bridge.md", "exercises/plank.md"]


def copy_kb(target, files=SMALL_KB):
    for name in files:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(KB / name, target / name)
    return target


def make_kb(kb_path, store, **options):
    options.setdefault("embeddings", "onnx")
    return KnowledgeBase(kb_path, chroma_path=store, **options)
