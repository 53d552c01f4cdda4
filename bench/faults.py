"""Faults and attacks against the running app (issue 12), with the figures.

1. Forgeries: every kind in tests/faults/attacks.py, for every route, over HTTP
   to gunicorn (>= 1,000 requests): how many were accepted, rows stored.
2. Fuzz: hypothesis-generated signed requests to every route, in process, on a
   fresh Postgres database (>= 10,000): 5xx, and the call-ending apology where a
   400 was due.
3. Calls: CALLS concurrent calls x TURNS turns through a Twilio stand-in
   (bench/fault_calls.py), under gunicorn on a Postgres cluster of our own and
   an OpenAI-compatible peer: a baseline, Postgres restarted (about 5 s down),
   the LLM server killed and restarted, a gunicorn worker killed. For each:
   calls hung up by us, heard turns lost and duplicated, the longest wait.

    .venv/bin/python bench/faults.py                      # everything, 40 x 8
    .venv/bin/python bench/faults.py --only calls --calls 10 --turns 4

The shared Postgres at 127.0.0.1:5432 only hosts the fuzz's fresh database;
the restarted cluster is initdb'd into a temporary folder (tests/faults/cluster.py).
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fault_calls import run_calls, stored_speech, tally  # noqa: E402
from turn_latency import free_port, start_gunicorn  # noqa: E402

from tests.faults.attacks import PUBLIC_URL, TOKEN, forgeries, fuzzed_request, send  # noqa: E402
from tests.faults.cluster import ThrowawayPostgres  # noqa: E402
from tests.peers.openai_server import OpenAIPeer  # noqa: E402


class Http:
    """attacks.send's client, over HTTP."""

    def __init__(self, base_url):
        self.base_url, self.session = base_url.rstrip("/"), requests.Session()

    def post(self, path, data, headers):
        return self.session.post(self.base_url + path, data=data, headers=headers, timeout=30)


def bench_forgeries(base_url, database_url, rounds):
    import random

    from sqlalchemy import create_engine, text

    from fitness_voice.config import database_url as sqlalchemy_url
    rng, http, kinds, accepted = random.Random(12), Http(base_url), Counter(), []
    sids = [f"CA{rng.getrandbits(128):032x}" for _ in range(rounds)]
    for sid in sids:
        for attempt in forgeries(sid, rng):
            status = send(http, attempt).status_code
            kinds[status] += 1
            if status < 300:
                accepted.append(attempt.kind)
    engine = create_engine(sqlalchemy_url(database_url, "/tmp"))
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM call_session WHERE call_sid IN "
                                         "(" + ",".join(f"'{s}'" for s in sids) + ")")).scalar()
    engine.dispose()
    print(f"forgeries: {sum(kinds.values())} sent, {len(accepted)} accepted, "
          f"{stored} sessions stored; statuses {dict(kinds)}")
    if accepted:
        print("  accepted kinds:", Counter(accepted).most_common(5))


def bench_fuzz(cases):
    from hypothesis import HealthCheck, given, settings

    from fitness_voice import create_app, lang
    from fitness_voice.extensions import db
    from tests import conftest
    from tests.postgres import fresh_database

    url, drop = fresh_database()
    folder = Path(tempfile.mkdtemp())
    conftest.SHARED_CHROMA_PATH = str(folder / "chroma")
    app = create_app(conftest.app_config(folder, SQLALCHEMY_DATABASE_URI=url,
                                         PUBLIC_URL=PUBLIC_URL, WAIT_FOR_REPLY_SECONDS=0.05,
                                         SPOOL_DIR=str(folder / "spool")))
    with app.app_context():
        db.create_all()
    client, apology = app.test_client(), lang.catalogue()["web.apology"]
    statuses, failures = Counter(), Counter()

    @settings(max_examples=cases, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(attempt=fuzzed_request())
    def fuzz(attempt):
        response = send(client, attempt)
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            failures["5xx"] += 1
        elif (apology in response.get_data(as_text=True)
              and not attempt.path.startswith("/voice/fallback")):
            failures["apology instead of 400"] += 1

    started = time.perf_counter()
    fuzz()
    with app.app_context():
        db.engine.dispose()
    drop()
    print(f"fuzz: {sum(statuses.values())} signed requests in {time.perf_counter() - started:.0f}"
          f" s: 5xx {failures['5xx']}, apology instead of 400 "
          f"{failures['apology instead of 400']}; statuses {dict(statuses)}")


def worker_pids(master):
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master.pid)], capture_output=True,
                           text=True).stdout.split()
    return [int(pid) for pid in found]


def bench_calls(args, postgres, peer, server, base_url):
    faults = {
        "baseline": lambda: None,
        "postgres restart": lambda: postgres.restart(args.db_down),
        "LLM outage": lambda: llm_outage(peer, args.llm_down),
        "worker kill": lambda: os.kill(worker_pids(server)[0], signal.SIGKILL),
    }
    for prefix, (name, fault) in enumerate(faults.items(), start=1):
        if args.scenario and name not in args.scenario:
            continue
        timer = threading.Timer(args.fault_after, fault)
        timer.start()
        started = time.perf_counter()
        results = run_calls(base_url, PUBLIC_URL, TOKEN, args.calls, args.turns, prefix)
        timer.join()
        figures = tally(results, stored_speech(postgres.url, [r.call_sid for r in results]))
        print(f"{name:>16}: " + ", ".join(f"{key} {value}" for key, value in figures.items())
              + f" ({time.perf_counter() - started:.0f} s)")


def llm_outage(peer, seconds):
    peer.stop()
    time.sleep(seconds)
    OpenAIPeer(port=peer.port).start()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["forgeries", "fuzz", "calls"], action="append")
    parser.add_argument("--scenario", action="append", help="calls: run only these")
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--turns", type=int, default=8)
    parser.add_argument("--fuzz-cases", type=int, default=10_000)
    parser.add_argument("--forgery-rounds", type=int, default=5)
    parser.add_argument("--fault-after", type=float, default=8.0)
    parser.add_argument("--db-down", type=float, default=5.0)
    parser.add_argument("--llm-down", type=float, default=10.0)
    args = parser.parse_args()
    only = set(args.only or ["forgeries", "fuzz", "calls"])

    if "fuzz" in only:
        bench_fuzz(args.fuzz_cases)
    if not only & {"forgeries", "calls"}:
        return
    postgres, peer = ThrowawayPostgres(), OpenAIPeer().start()
    try:
        run_against_gunicorn(args, only, postgres, peer)
    finally:
        peer.stop()
        postgres.destroy()


def run_against_gunicorn(args, only, postgres, peer):
    peer.port = peer._server.server_address[1]
    port, folder = free_port(), tempfile.mkdtemp()
    env = {**os.environ, "DATABASE_URL": postgres.url, "PORT": str(port), "FLASK_APP": "wsgi",
           "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_URL": PUBLIC_URL, "LOG_LEVEL": "ERROR",
           "OPENAI_API_KEY": "bench", "OPENAI_BASE_URL": peer.base_url, "OPENAI_TIMEOUT": "3",
           "SPOOL_DIR": f"{folder}/spool", "TTS_ENGINE": "say", "GUNICORN_THREADS": "16"}
    server = start_gunicorn(env, port)
    base_url = f"http://127.0.0.1:{port}"
    try:
        if "forgeries" in only:
            bench_forgeries(base_url, postgres.url, args.forgery_rounds)
        if "calls" in only:
            print(f"calls: {args.calls} at once x {args.turns} turns, fault after "
                  f"{args.fault_after:.0f} s, Postgres down {args.db_down:.0f} s, LLM down "
                  f"{args.llm_down:.0f} s, gunicorn {os.environ.get('WEB_CONCURRENCY', '2')} "
                  f"workers")
            bench_calls(args, postgres, peer, server, base_url)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
