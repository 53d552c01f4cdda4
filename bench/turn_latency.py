"""Turn latency under gunicorn on the embedded defaults.

Starts the app under gunicorn (as the Procfile does) on a fresh database, drives
N simulated calls of M turns each from a few concurrent callers, and prints:
  - client-observed latency per webhook (p50, p95),
  - the app's own share per turn: total minus coach and speech (p50, p95),
  - each stage from the turn timings stored in the database,
  - requests per second.

    .venv/bin/python bench/turn_latency.py --calls 20 --turns 8 --concurrency 4
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/turn_latency.py
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stats import percentile  # noqa: E402  (bench/stats.py)

from fitness_voice.config import database_url  # noqa: E402
from fitness_voice.simulator import Phone, ScriptedCaller  # noqa: E402

TOKEN = "bench-token"
LINES = [
    "how many sets and reps should I do to build muscle",
    "how long should I rest between sets",
    "how much protein do I need",
    "what should I eat before a workout",
    "how do I do a push up",
    "is creatine safe",
    "how much sleep do I need",
    "thanks",
]



def describe(name, values):
    if not values:
        return f"{name:<28} (none)"
    return (f"{name:<28} p50 {percentile(values, 0.5):8.1f} ms"
            f"   p95 {percentile(values, 0.95):8.1f} ms"
            f"   mean {statistics.fmean(values):8.1f} ms   n={len(values)}")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(env, port):
    """gunicorn as the Procfile runs it, migrated first; waits until it answers
    (a loaded machine can take minutes to boot the workers)."""
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    server = subprocess.Popen([str(bin_dir / "gunicorn"), "wsgi:app", "--config",
                               "gunicorn.conf.py", "--access-logfile", "/dev/null"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return server
        except requests.RequestException:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def one_call(base_url, turns, number):
    lines = [LINES[i % len(LINES)] for i in range(turns - 1)] + ["bye"]
    phone = Phone(base_url, TOKEN, ScriptedCaller(lines), from_number=f"+1555010{number:04d}",
                  out=lambda *_: None)
    result = phone.call()
    return [turn.latency_ms for turn in result.turns]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--turns", type=int, default=8)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        port = free_port()
        env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "FLASK_APP": "wsgi",
               "TWILIO_AUTH_TOKEN": TOKEN, "LOG_LEVEL": "WARNING"}
        server = start_gunicorn(env, port)
        try:
            base_url = f"http://127.0.0.1:{port}/"
            one_call(base_url, 2, 9999)  # warm every worker's caches once
            started = time.perf_counter()
            with ThreadPoolExecutor(args.concurrency) as pool:
                latencies = [ms for call in pool.map(
                    lambda n: one_call(base_url, args.turns, n), range(args.calls))
                    for ms in call]
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
        with create_engine(database_url(url, tmp)).connect() as connection:
            timings = [row[0] if isinstance(row[0], dict) else json.loads(row[0])
                       for row in connection.execute(text("SELECT timings FROM turn"))]
    stage = {key: [t[key] for t in timings if key in t]
             for key in ("db_ms", "retrieval_ms", "llm_ms", "coach_ms", "speech_ms", "total_ms")}
    own = [t["total_ms"] - t.get("coach_ms", 0) - t.get("speech_ms", 0) for t in timings]

    print(f"{args.calls} calls x {args.turns} turns, {args.concurrency} at once, "
          f"gunicorn {os.environ.get('WEB_CONCURRENCY', '2')} workers, "
          f"database {url.split(':')[0]}")
    print(describe("client latency / request", latencies))
    print(describe("app's own share / turn", own))
    for key, values in stage.items():
        print(describe(f"  {key}", values))
    print(f"{len(latencies) / elapsed:.1f} requests per second over {elapsed:.1f} s")


if __name__ == "__main__":
    main()
