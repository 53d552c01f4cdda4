"""Retrieval evaluation and benchmark of the knowledge base.

    python bench/retrieval.py [--embeddings onnx|sentence-transformers|both]

For each embedder, in a fresh process of its own: load the model, ingest
kb/ into an empty Chroma store (full ingest), ingest again with nothing
changed, then ask every question of tests/eval/questions.yaml and print
recall@1, recall@3, MRR, how often "nothing relevant" is right on the
questions the knowledge base does not cover, query latency (normalise +
embed + search) p50/p95, and the process's memory. It also shows how the
"nothing relevant" threshold trades covered questions against uncovered ones,
which is how RETRIEVAL_MIN_SCORE was chosen.

The functions here are also used by tests/retrieval/test_eval.py.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "eval" / "questions.yaml"
KB_PATH = ROOT / "kb"
EMBEDDERS = ("sentence-transformers", "onnx")
MRR_DEPTH = 10


def load_questions(path=QUESTIONS):
    """[{"q": text, "expected": [file, ...]}], expected [] for uncovered questions."""
    items = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    questions = []
    for item in items:
        expected = [str(f) for f in (item.get("expected") or [])]
        questions.append({"q": str(item["q"]), "expected": expected})
    return questions


def evaluate(knowledge, questions, normalize=True, timed=False):
    """Ask every question; return the figures and one row per question."""
    rows = []
    before, knowledge.normalize_queries = knowledge.normalize_queries, normalize
    try:
        for item in questions:
            result = knowledge.search(item["q"], k=MRR_DEPTH)
            files = [p.file for p in result.passages]
            rank = next((i + 1 for i, f in enumerate(files) if f in item["expected"]), None)
            rows.append({"q": item["q"], "expected": item["expected"], "files": files[:3],
                         "rank": rank,
                         "best": result.passages[0].score if result.passages else 0.0})
    finally:
        knowledge.normalize_queries = before
    covered = [r for r in rows if r["expected"]]
    uncovered = [r for r in rows if not r["expected"]]
    threshold = knowledge.min_score
    figures = {
        "questions": len(rows), "covered": len(covered), "uncovered": len(uncovered),
        "recall@1": _share(covered, lambda r: r["rank"] == 1),
        "recall@3": _share(covered, lambda r: r["rank"] is not None and r["rank"] <= 3),
        "mrr": (sum(1 / r["rank"] for r in covered if r["rank"]) / len(covered)
                if covered else 0.0),
        "nothing_relevant_correct": _share(uncovered, lambda r: r["best"] < threshold),
        "covered_answered": _share(covered, lambda r: r["best"] >= threshold),
        "threshold": threshold,
    }
    if timed:
        # What a caller's turn costs: normalise, embed and search for the k=3
        # passages the coach uses, every question three times.
        latencies = []
        for _ in range(3):
            for item in questions:
                started = time.perf_counter()
                knowledge.search(item["q"], k=3)
                latencies.append((time.perf_counter() - started) * 1000)
        figures["latency_p50_ms"] = statistics.median(latencies)
        figures["latency_p95_ms"] = _percentile(latencies, 95)
    return figures, rows


def threshold_table(rows, thresholds):
    """For each candidate threshold: covered questions answered, uncovered rejected."""
    covered = [r for r in rows if r["expected"]]
    uncovered = [r for r in rows if not r["expected"]]
    return [(t, _share(covered, lambda r, t=t: r["best"] >= t),
             _share(uncovered, lambda r, t=t: r["best"] < t)) for t in thresholds]


def _share(rows, predicate):
    return sum(1 for r in rows if predicate(r)) / len(rows) if rows else 0.0


def _percentile(values, pct):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def _memory():
    status = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                status[key] = int(value.split()[0]) / 1024
    return status


def measure_ingest(embeddings, chroma_path, kb_path=KB_PATH):
    """Load the model, ingest kb/ into an empty store, ingest again unchanged."""
    from fitness_voice.retrieval import KnowledgeBase
    from fitness_voice.retrieval import embeddings as providers

    figures = {}
    started = time.perf_counter()
    providers.get_embedder(embeddings).embed(["warm up"])
    figures["model_load_s"] = time.perf_counter() - started
    knowledge = KnowledgeBase(kb_path, embeddings=embeddings, chroma_path=chroma_path)
    started = time.perf_counter()
    counts = knowledge.sync()
    figures["full_ingest_s"] = time.perf_counter() - started
    figures["passages"] = counts["added"]
    started = time.perf_counter()
    again = knowledge.sync()
    figures["reingest_s"] = time.perf_counter() - started
    if again["unchanged"] != counts["added"]:
        raise AssertionError(f"a second ingest changed the index: {again}")
    figures["ingest_peak_rss_mb"] = _memory()["VmHWM"]
    return figures


def measure_queries(embeddings, chroma_path, questions_path=QUESTIONS, kb_path=KB_PATH):
    """As a web process would: open the index, warm up, answer every question."""
    from fitness_voice.retrieval import KnowledgeBase

    knowledge = KnowledgeBase(kb_path, embeddings=embeddings, chroma_path=chroma_path)
    knowledge.warm()
    questions = load_questions(questions_path)
    evaluate(knowledge, questions[:20])
    figures, rows = evaluate(knowledge, questions, timed=True)
    figures["rss_mb"] = _memory()["VmRSS"]
    figures["torch_imported"] = "torch" in sys.modules
    raw, _ = evaluate(knowledge, questions, normalize=False)
    figures["recall@3_without_normalisation"] = raw["recall@3"]
    figures["recall@1_without_normalisation"] = raw["recall@1"]
    figures["table"] = threshold_table(rows, [round(0.30 + 0.01 * i, 2) for i in range(21)])
    figures["misses"] = [r for r in rows if r["expected"] and (r["rank"] or 99) > 1]
    figures["uncovered_scores"] = sorted(
        [(r["best"], r["q"]) for r in rows if not r["expected"]], reverse=True)
    figures["lowest_covered"] = sorted(
        [(r["best"], r["q"]) for r in rows if r["expected"]])[:10]
    return figures


def _child(step, kind, chroma_path, args, env):
    out = subprocess.run([sys.executable, __file__, "--child", step, "--embeddings", kind,
                          "--chroma", str(chroma_path), "--questions", args.questions,
                          "--kb", args.kb], capture_output=True, text=True, env=env,
                         check=False)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(out.returncode)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(f, verbose=False):
    print(f"\n== {f['embeddings']} ==")
    print(f"questions             {f['questions']} ({f['covered']} covered, "
          f"{f['uncovered']} not covered)")
    print(f"recall@1              {f['recall@1']:.3f}")
    print(f"recall@3              {f['recall@3']:.3f}")
    print(f"MRR (top {MRR_DEPTH})          {f['mrr']:.3f}")
    print(f"nothing relevant      {f['nothing_relevant_correct']:.3f} of uncovered questions "
          f"(threshold {f['threshold']:.2f}); covered questions answered "
          f"{f['covered_answered']:.3f}")
    print(f"without query normalisation: recall@1 {f['recall@1_without_normalisation']:.3f}, "
          f"recall@3 {f['recall@3_without_normalisation']:.3f}")
    print(f"query latency         p50 {f['latency_p50_ms']:.1f} ms, "
          f"p95 {f['latency_p95_ms']:.1f} ms (normalise + embed + search, k=3)")
    print(f"model load            {f['model_load_s']:.1f} s (imports included)")
    print(f"full ingest           {f['full_ingest_s']:.1f} s ({f['passages']} passages)")
    print(f"re-ingest, no change  {f['reingest_s']:.2f} s")
    print(f"web process RSS       {f['rss_mb']:.0f} MB (model and index loaded, "
          f"{f['questions']} questions answered; torch imported: "
          f"{'yes' if f['torch_imported'] else 'no'})")
    print(f"ingest process peak   {f['ingest_peak_rss_mb']:.0f} MB")
    if verbose:
        print("threshold: covered answered / uncovered rejected")
        for t, answered, rejected in f["table"]:
            print(f"  {t:.2f}  {answered:.3f}  {rejected:.3f}")
        print("uncovered, best score:")
        for score, q in f["uncovered_scores"]:
            print(f"  {score:.3f}  {q}")
        print("covered, lowest best score:")
        for score, q in f["lowest_covered"]:
            print(f"  {score:.3f}  {q}")
        print("covered, not first:")
        for r in f["misses"]:
            print(f"  rank {r['rank']}: {r['q']!r} expected {r['expected']} got {r['files']}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embeddings", choices=[*EMBEDDERS, "both"], default="both")
    parser.add_argument("--questions", default=str(QUESTIONS))
    parser.add_argument("--kb", default=str(KB_PATH))
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="Also print the threshold table and the misses.")
    parser.add_argument("--child", choices=["ingest", "queries"], help=argparse.SUPPRESS)
    parser.add_argument("--chroma", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "ingest":
        print(json.dumps(measure_ingest(args.embeddings, args.chroma, args.kb)))
        return 0
    if args.child == "queries":
        print(json.dumps(measure_queries(args.embeddings, args.chroma, args.questions, args.kb)))
        return 0
    kinds = EMBEDDERS if args.embeddings == "both" else (args.embeddings,)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [*filter(None, [os.environ.get("PYTHONPATH")]), str(ROOT)]))
    results = []
    for kind in kinds:
        # Fresh processes per embedder and step, so memory and timings are their own.
        with tempfile.TemporaryDirectory() as tmp:
            figures = {"embeddings": kind}
            figures.update(_child("ingest", kind, Path(tmp) / "chroma", args, env))
            figures.update(_child("queries", kind, Path(tmp) / "chroma", args, env))
        results.append(figures)
        report(figures, args.verbose)
    if len(results) == 2:
        delta = results[1]["recall@3"] - results[0]["recall@3"]
        print(f"\nrecall@3, onnx minus sentence-transformers: {delta:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
