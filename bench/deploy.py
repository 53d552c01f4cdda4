"""A deploy on the production defaults: start times and the memory of one web process.

Runs the app as the Procfile does, from APP_DIR with PYTHON (point them at a clean
production install to measure what Heroku would run), with APP_ENV=production and
nothing else configured but the database:

  build   no instance folder: `fitness-voice build`, as the Dockerfile and Heroku's
          bin/post_compile run it (build time, not start time; --no-build skips it)
  fresh   a new database: `release`, then gunicorn, until the first answered call
          (a signed POST /voice and one turn, as Twilio sends them)
  warm    the same again with nothing changed
  memory  after the warm start, 100 varied turns (the questions of
          tests/eval/questions.yaml and small talk, in 10-turn calls); RSS and PSS of
          the gunicorn master and its worker

    python bench/deploy.py --python /tmp/prod/venv/bin/python --app-dir /tmp/prod/app \\
        --database-url postgresql://postgres@127.0.0.1:5432/fv_bench
"""

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from turn_latency import free_port  # noqa: E402  (bench/turn_latency.py)

from fitness_voice.simulator import Phone, ScriptedCaller  # noqa: E402

TOKEN = "bench-token"
SMALL_TALK = ["hi my name is Alex", "I want to build muscle", "thanks", "say that again",
              "what can you do", ""]


def environment(args, port):
    return {**{k: v for k, v in os.environ.items() if not k.startswith(("TTS_", "EMBEDD"))},
            "APP_ENV": "production", "TWILIO_AUTH_TOKEN": TOKEN, "SECRET_KEY": "bench",
            "DATABASE_URL": args.database_url, "PORT": str(port), "PROXY_FIX_HOPS": "0",
            "WEB_CONCURRENCY": str(args.workers), "LOG_LEVEL": "WARNING", "PYTHONPATH": ""}


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid):
    """CPU seconds a running process and its children have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for each in [pid, *children(pid)]:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def children(pid):
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def start(args, env, port):
    """Release, then gunicorn; return (server, release seconds, seconds to a first answer)."""
    started, cpu = time.perf_counter(), children_cpu()
    release = subprocess.run([args.python, "-m", "fitness_voice.cli", "release"],
                             cwd=args.app_dir, env=env, capture_output=True, text=True)
    if release.returncode:
        raise SystemExit(f"release failed:\n{release.stdout}{release.stderr}")
    released = time.perf_counter() - started
    print("   " + release.stdout.strip().replace("\n", "\n   "))
    print(f"   release CPU {children_cpu() - cpu:.1f} s")
    gunicorn = str(Path(args.python).parent / "gunicorn")
    server = subprocess.Popen([gunicorn, "wsgi:app", "--config", "gunicorn.conf.py",
                               "--access-logfile", "/dev/null"],
                              cwd=args.app_dir, env=env, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            phone = Phone(base, TOKEN, ScriptedCaller(["how much protein do I need", "bye"]),
                          from_number="+15550100001", out=lambda *_: None)
            phone.call()
            print(f"   web CPU until the first answer {process_cpu(server.pid):.1f} s")
            return server, released, time.perf_counter() - started
        except (requests.ConnectionError, OSError):
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer")


def stop(server):
    server.terminate()
    server.wait(timeout=60)


def varied_lines(turns):
    questions = [item["q"] for item in yaml.safe_load(
        (ROOT / "tests" / "eval" / "questions.yaml").read_text())]
    lines, i = [], 0
    while len(lines) < turns:
        lines.append(SMALL_TALK[i % len(SMALL_TALK)] if i % 5 == 0
                     else questions[(i * 7) % len(questions)])
        i += 1
    return lines


def play(port, turns):
    lines = varied_lines(turns)
    played = 0
    for number, first in enumerate(range(0, turns, 10)):
        calls = lines[first:first + 10]
        phone = Phone(f"http://127.0.0.1:{port}/", TOKEN, ScriptedCaller(calls),
                      from_number=f"+1555020{number:04d}", out=lambda *_: None,
                      skip_pauses=True)
        played += sum(1 for turn in phone.call().turns if "/voice/turn" in turn.url)
    return played


def memory(pid):
    """(RSS, PSS) in MB of a process and its children (gunicorn's master and workers)."""
    pids = [pid, *children(pid)]
    rss = pss = 0
    for each in pids:
        sizes = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in
                 Path(f"/proc/{each}/smaps_rollup").read_text().splitlines()[1:]}
        print(f"   {'master' if each == pid else 'worker'} {each}: RSS {sizes['Rss']:.0f} MB, "
              f"PSS {sizes['Pss']:.0f} MB")
        rss, pss = rss + sizes["Rss"], pss + sizes["Pss"]
    return len(pids), rss, pss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--app-dir", default=str(ROOT))
    parser.add_argument("--database-url", required=True, help="an empty Postgres database")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--turns", type=int, default=100)
    parser.add_argument("--no-build", action="store_true")
    args = parser.parse_args()
    shutil.rmtree(Path(args.app_dir) / "instance", ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not args.no_build:
        started, cpu = time.perf_counter(), children_cpu()
        subprocess.run([args.python, "-m", "fitness_voice.cli", "build"], cwd=args.app_dir,
                       env={**environment(args, 0), "APP_ENV": "development"}, check=True)
        print(f"build: {time.perf_counter() - started:.1f} s ({children_cpu() - cpu:.1f} s CPU)")

    for kind in ("fresh", "warm"):
        port = free_port()
        print(f"{kind} start:")
        server, released, answered = start(args, environment(args, port), port)
        print(f"   release {released:.1f} s; first answered call {answered:.1f} s after start")
        if kind == "warm":
            played = play(port, args.turns)
            processes, rss, pss = memory(server.pid)
            print(f"after {played} turns: {processes} processes (gunicorn, "
                  f"WEB_CONCURRENCY={args.workers}): RSS {rss:.0f} MB, PSS {pss:.0f} MB")
        stop(server)


if __name__ == "__main__":
    main()
