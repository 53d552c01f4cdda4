"""The load benchmark (issue 11): the app on its embedded defaults under gunicorn
(the real gunicorn.conf.py) and Postgres, beside a floor app, at 50 and 100
concurrent calls; then with an LLM-protocol server that takes 1.5 s per reply,
the whole reply against the first sentence first.

One command, in one run:

    PYTHONPATH=. .venv/bin/python bench/load.py
    PYTHONPATH=. .venv/bin/python bench/load.py --calls 5 --llm-calls 5 --duration 10   # quick

It creates a fresh database on the Postgres server (--server, 127.0.0.1:5432) and
drops it at the end, runs the release step as the Procfile does (migrations, then
`speech warm` once, copied to each server's fresh audio cache), and for each
server and number of calls prints: turns answered, the caller's wait (p50, p95,
max; fillers and <Redirect>s followed as Twilio would, see load_calls.py), turns
over the filler threshold and over 15 s, request timeouts, errors, first
sentences spoken first, the machine's load average, and RSS per process (from
/proc). Each simulated call speaks every --gap seconds (3) with a question drawn
from a generated variety (not the eval file), so the audio cache misses as with
real traffic. The end checks the issue's targets.
"""

import argparse
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg2
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from load_calls import TWILIO_LIMIT, Lines, SimulatedCall, questions  # noqa: E402
from stats import percentile  # noqa: E402  (bench/stats.py)
from turn_latency import free_port  # noqa: E402  (bench/turn_latency.py)

from bench.floor_app import FLOOR_TABLE  # noqa: E402
from fitness_voice import lang  # noqa: E402

TOKEN = "bench-load-token"
BIN = Path(sys.executable).parent
FILLER_THRESHOLD = 2.5  # SLOW_REPLY_SECONDS' default
# The app's own settings the bench must not inherit from the shell.
OWN_SETTINGS = ("OPENAI_", "FIRST_SENTENCE_", "TTS_", "AUDIO_", "SLOW_REPLY", "WAIT_FOR",
                "DATABASE_URL", "CHROMA_", "SPEECH_")


@dataclass
class Level:
    """The figures of one server at one number of calls."""

    name: str
    calls: int
    turns: int
    answered: int
    waits: list
    over_threshold: int
    over_limit: int
    timeouts: int
    errors: int
    asked_again: int
    fillers: int
    first_sentences: int
    gaps: list
    stages: dict | None

    def p(self, fraction):
        return percentile(self.waits, fraction) if self.waits else float("nan")


@contextmanager
def fresh_database(server):
    admin = psycopg2.connect(f"{server}/postgres", connect_timeout=5)
    admin.autocommit = True
    name = f"fitness_voice_load_{uuid.uuid4().hex[:10]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@contextmanager
def serving(argv, env, port, log_path, what):
    """Run a server until the block ends; wait for /healthz first."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{what} exited with {process.returncode}; see {log_path}")
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"{what} did not start; see {log_path}")
            time.sleep(0.5)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def app_env(database, port, audio_dir, chroma_dir, tts=None, **settings):
    env = {key: value for key, value in os.environ.items() if not key.startswith(OWN_SETTINGS)}
    if tts:
        env["TTS_ENGINE"] = tts
    env.update(DATABASE_URL=database, PORT=str(port), TWILIO_AUTH_TOKEN=TOKEN,
               LOG_LEVEL="WARNING", AUDIO_DIR=str(audio_dir), CHROMA_PATH=str(chroma_dir),
               PYTHONPATH=str(ROOT), **{key: str(value) for key, value in settings.items()})
    return env


def release(env, warm):
    """The Procfile's release step: migrations, then the fixed phrases rendered."""
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    if warm:
        done = subprocess.run([*flask, "speech", "warm"], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        print(f"  speech warm: {(done.stdout or done.stderr).strip().splitlines()[-1:]}")


def run_level(name, base_url, calls, args, lines, first_number, database):
    def one(number):
        time.sleep(args.gap * number / calls)  # callers start spread over one gap
        ask = questions(args.seed + first_number + number, args.kb)
        call = SimulatedCall(base_url, TOKEN, first_number + number, ask, lines, args.gap,
                             args.duration)
        return call.call_sid, call.run()

    with ThreadPoolExecutor(calls) as pool:
        done = list(pool.map(one, range(calls)))
    results = [turn for _, call in done for turn in call]
    asked = [r for r in results if r.question]
    waits = [r.wait for r in asked if r.outcome == "answered"]
    return Level(
        name=name, calls=calls, turns=len(results),
        answered=sum(r.outcome == "answered" for r in results), waits=waits,
        over_threshold=sum(w > FILLER_THRESHOLD for w in waits),
        over_limit=sum(w > TWILIO_LIMIT for w in waits),
        timeouts=sum(r.outcome == "timeout" for r in results),
        errors=sum(r.outcome == "error" for r in results),
        asked_again=sum(r.outcome == "asked-again" for r in results),
        fillers=sum(r.fillers for r in results),
        first_sentences=sum(r.first_sentence for r in results),
        gaps=[r.gap for r in asked if r.gap is not None],
        stages=stored_timings(database, [sid for sid, _ in done]))


def stored_timings(database, call_sids):
    """The question turns' stored timings (ms) by stage, and the app's own share:
    total minus the coach and the speech engine. None for the floor."""
    if not database:
        return None
    with psycopg2.connect(database) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT t.timings FROM turn t JOIN call_session s ON s.id = t.session_id"
                       " WHERE s.call_sid = ANY(%s) AND t.index > 1", (call_sids,))
        rows = [row[0] for row in cursor.fetchall() if row[0]]
    stages = {key: [t[key] for t in rows if key in t]
              for key in ("db_ms", "retrieval_ms", "llm_ms", "coach_ms", "speech_ms", "total_ms")}
    stages["own_ms"] = [t["total_ms"] - t.get("coach_ms", 0) - t.get("speech_ms", 0)
                        for t in rows if "total_ms" in t]
    return stages


def print_level(level):
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"{level.name:<25} {level.calls:>3} calls | answered {level.answered}/{level.turns}"
          f" | wait p50 {level.p(0.5):5.2f} s  p95 {level.p(0.95):5.2f} s"
          f"  max {max(level.waits, default=float('nan')):5.2f} s"
          f" | >{FILLER_THRESHOLD:g} s {level.over_threshold}  >15 s {level.over_limit}"
          f" | timeouts {level.timeouts}  errors {level.errors}  asked again "
          f"{level.asked_again}  fillers {level.fillers}"
          + (f" | first sentence first {level.first_sentences}, gap to the rest p50 "
             f"{percentile(level.gaps, 0.5):.2f} s" if level.gaps else "")
          + f" | load {load}", flush=True)
    if level.stages:
        print("  stored timings p50/p95 ms: " + "  ".join(
            f"{key[:-3]} {percentile(values, 0.5):.0f}/{percentile(values, 0.95):.0f}"
            for key, values in level.stages.items() if values), flush=True)


def descendants(pid):
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def print_rss(name, pid):
    """RSS (and peak RSS) of the server and every process under it, from /proc."""
    for process in descendants(pid):
        try:
            status = Path(f"/proc/{process}/status").read_text()
            command = Path(f"/proc/{process}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rss, peak = (int(fields.get(key, "0 kB").split()[0]) // 1024 for key in ("VmRSS", "VmHWM"))
        role = ("piper" if "piper" in command else "gunicorn master" if process == pid
                else "worker" if "gunicorn" in command else command.split(" ")[0])
        print(f"  rss {name:<24} pid {process:>7} {role:<16} {rss:>5} MB (peak {peak} MB)")


def server_log_counts(log_path):
    text = Path(log_path).read_text(errors="replace")
    return text.count("WORKER TIMEOUT"), text.count("Booting worker")


def run_server(name, argv, env, port, levels, args, lines, tmp, first_number, database=None):
    """Start a server, run each level of calls against it, print its figures and RSS;
    `database` (the app's) to read the stored turn timings from."""
    log_path = Path(tmp, f"{name.replace(' ', '_')}.log")
    results = []
    with serving(argv, env, port, log_path, name) as process:
        base_url = f"http://127.0.0.1:{port}/"
        SimulatedCall(base_url, TOKEN, first_number + 999, questions(0, args.kb), lines, 0.0,
                      1.0).run()  # each worker's first requests, unmeasured
        for number, calls in enumerate(levels):
            level = run_level(name, base_url, calls, args, lines, first_number + 1000 * number,
                              database)
            print_level(level)
            results.append(level)
        print_rss(name, process.pid)
    timeouts, boots = server_log_counts(log_path)
    print(f"  {name}: gunicorn logged {timeouts} worker timeouts, {boots} worker boots")
    return results


def gunicorn_app(port):
    return [str(BIN / "gunicorn"), "wsgi:app", "--config", "gunicorn.conf.py",
            "--access-logfile", "/dev/null", "--bind", f"127.0.0.1:{port}"]


def gunicorn_floor(port):
    """The floor under the worker settings gunicorn.conf.py gives the app."""
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    # -c /dev/null: gunicorn would otherwise read ./gunicorn.conf.py, the app's own hooks.
    return [str(BIN / "gunicorn"), "-c", "/dev/null", "bench.floor_app:create_app()",
            "--workers", str(conf["workers"]),
            "--worker-class", conf["worker_class"], "--threads", str(conf["threads"]),
            "--timeout", str(conf["timeout"]), "--bind", f"127.0.0.1:{port}"]


def llm_peer(port, delay):
    argv = [sys.executable, "-m", "tests.peers.openai_server", "--port", str(port),
            "--mode", "paced", "--delay", str(delay), "--varied"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return argv, env


def check_targets(floor, app, whole, first):
    print("\ntargets (issue 11)")
    def line(what, value, met):
        print(f"  {what:<58} {value:<22} {'met' if met else 'NOT met'}")
    for level in app:
        line(f"{level.calls} calls: every turn answered", f"{level.answered}/{level.turns}",
             level.answered == level.turns)
        line(f"{level.calls} calls: 0 over 15 s, 0 request timeouts",
             f"{level.over_limit} and {level.timeouts}",
             level.over_limit == 0 and level.timeouts == 0)
        line(f"{level.calls} calls: p95 wait <= 2.5 s", f"{level.p(0.95):.2f} s",
             level.p(0.95) <= 2.5)
    for ours, base in zip(app, floor, strict=False):
        own = (percentile(ours.stages["own_ms"], 0.5) / 1000 if ours.stages["own_ms"]
               else float("nan"))  # no question turn stored: nothing to compare
        ratio = own / base.p(0.5)
        line(f"{ours.calls} calls: app's own share p50 <= 3x the floor's wait",
             f"{own * 1000:.0f} / {base.p(0.5) * 1000:.0f} ms = {ratio:.1f}x", ratio <= 3)
        print(f"  {'(whole wait: app p50 / floor p50)':<58} {ours.p(0.5) / base.p(0.5):.1f}x")
    for plain, early in zip(whole, first, strict=False):
        ratio = plain.p(0.5) / early.p(0.5)
        line(f"{plain.calls} calls, 1.5 s LLM: first audio >= 2x sooner (p50)",
             f"{plain.p(0.5):.2f} / {early.p(0.5):.2f} s = {ratio:.1f}x", ratio >= 2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", default="50,100", help="concurrent calls, comma-separated")
    parser.add_argument("--llm-calls", default=None,
                        help="for the LLM runs (default: 5, where first audio is read "
                             "without queueing, then --calls)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per level")
    parser.add_argument("--gap", type=float, default=3.0, help="seconds between a caller's turns")
    parser.add_argument("--llm-delay", type=float, default=1.5, help="seconds per LLM reply")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--no-warm", dest="warm", action="store_false",
                        help="skip the release step's speech warm")
    parser.add_argument("--skip-llm", action="store_true")
    parser.add_argument("--tts", default=None,
                        help="TTS_ENGINE for the app runs (default: the embedded default); "
                             "'say' leaves our synthesis out of the figures")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    args.kb = ROOT / "kb"
    levels = [int(n) for n in args.calls.split(",")]
    llm_levels = [int(n) for n in (args.llm_calls or f"5,{args.calls}").split(",")]
    lines = Lines(lang.catalogue()["web.too_slow"], lang.catalogue()["web.apology"])
    print(f"load bench: {os.cpu_count()} cores, load average at start "
          f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}; {args.duration:g} s per level, "
          f"a turn every {args.gap:g} s per call", flush=True)

    with tempfile.TemporaryDirectory(prefix="fv-load-") as tmp, \
            fresh_database(args.server) as database:
        chroma, warmed = Path(tmp, "chroma"), Path(tmp, "audio-release")
        release(app_env(database, 0, warmed, chroma, args.tts), args.warm)
        with psycopg2.connect(database) as connection, connection.cursor() as cursor:
            cursor.execute(FLOOR_TABLE)

        def audio_dir(name):
            fresh = Path(tmp, f"audio-{name}")
            shutil.copytree(warmed, fresh) if warmed.exists() else fresh.mkdir()
            return fresh

        print("floor: Flask, RequestValidator, one INSERT and a <Gather>, same gunicorn workers")
        port = free_port()
        floor = run_server("floor", gunicorn_floor(port),
                           {**os.environ, "DATABASE_URL": database, "TWILIO_AUTH_TOKEN": TOKEN,
                            "PYTHONPATH": str(ROOT)}, port, levels, args, lines, tmp, 100_000)

        def app_server(name, first_number, at_levels, **settings):
            port = free_port()
            env = app_env(database, port, audio_dir(first_number), chroma, args.tts, **settings)
            return run_server(name, gunicorn_app(port), env, port, at_levels, args, lines, tmp,
                              first_number, database)

        app = app_server(f"app ({args.tts or 'embedded defaults'})", 200_000, levels)
        whole = first = []
        if not args.skip_llm:
            peer_port = free_port()
            argv, env = llm_peer(peer_port, args.llm_delay)
            peer_log = Path(tmp, "llm-peer.log")
            with open(peer_log, "ab") as log:
                peer = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=log)
            try:
                llm = {"OPENAI_API_KEY": "bench-key",
                       "OPENAI_BASE_URL": f"http://127.0.0.1:{peer_port}/v1"}
                print(f"LLM peer: every reply takes {args.llm_delay:g} s to write "
                      "(streamed: the first words after 0.2 s, the rest evenly until then)")
                whole = app_server("LLM, whole reply", 300_000, llm_levels, **llm,
                                   OPENAI_STREAM="false")
                first = app_server("LLM, first sentence first", 400_000, llm_levels, **llm,
                                   OPENAI_STREAM="true")
            finally:
                peer.terminate()
                peer.wait(timeout=10)
        check_targets(floor, app, whole, first)
    print(f"load average at the end {' '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
