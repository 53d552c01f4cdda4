"""The synthesis budget and pool under concurrency (part of bench/speech.py).

N simulated callers at once, each asking for new replies (cache misses, as
with LLM answers) with a short pause between: the time each turn waited for
its audio (p50/p95/max), how many replies were played as our audio rather
than <Say>, and piper's memory per process; for one and two piper processes,
without a budget (every turn waits for its audio, the old behaviour) and with
the budget and the bounded queue (SPEECH_BUDGET_SECONDS, SPEECH_QUEUE).

    .venv/bin/python bench/speech_pool.py --callers 12 --lines 3
"""

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stats import percentile  # noqa: E402  (bench/stats.py)

from fitness_voice.speech.files import AudioKeys  # noqa: E402
from fitness_voice.speech.local_engine import LocalEngine, default_voice_files  # noqa: E402
from fitness_voice.speech.local_store import LocalStore  # noqa: E402
from fitness_voice.speech.piper_process import PiperWorker  # noqa: E402
from fitness_voice.speech.pool import SynthesisPool  # noqa: E402
from fitness_voice.speech.speaker import Speaker  # noqa: E402

REPLY = ("Good question. A simple start is three sets of ten bodyweight squats, "
         "resting a minute between sets, three times a week.")


def rss_mb(pid):
    """(current, peak) resident memory of a process in MB, from /proc."""
    fields = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.split()
    return int(fields["VmRSS"][0]) / 1024, int(fields["VmHWM"][0]) / 1024


def run(speaker, callers, lines, seed):
    """Every caller asks `lines` new replies; returns (waits, played, wall seconds)."""
    waits, played, guard = [], [0], threading.Lock()
    start = threading.Barrier(callers)

    def caller(number):
        pause = random.Random(seed + number)
        start.wait()
        for line in range(lines):
            text = f"{REPLY} Caller {number}, turn {line}, run {seed}."
            asked = time.perf_counter()
            url = speaker.audio_url(text)
            with guard:
                waits.append(time.perf_counter() - asked)
                played[0] += url is not None
            time.sleep(pause.uniform(0.5, 1.5))  # the caller listens, then speaks

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(callers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return waits, played[0], time.perf_counter() - began


def bench_pool(args):
    print(f"== synthesis under concurrency: {args.callers} callers x {args.lines} new replies, "
          f"budget {args.budget} s, queue {args.queue} ==")
    model, config = default_voice_files()
    baseline = None
    for engines in (1, 2):
        workers = [PiperWorker(model, config, timeout=30) for _ in range(engines)]
        engine = LocalEngine(workers, "wav")
        engine.start()
        for worker in workers:
            worker.synthesize("Ready.")
        with tempfile.TemporaryDirectory() as folder:
            keys = AudioKeys("bench")
            modes = (("no budget", Speaker(engine, LocalStore(folder), "wav", keys)),
                     ("budget+pool", Speaker(engine, LocalStore(folder), "wav", keys,
                                             budget_seconds=args.budget,
                                             pool=SynthesisPool(engines, args.queue))))
            for seed, (label, speaker) in enumerate(modes):
                waits, played, wall = run(speaker, args.callers, args.lines, seed + 10 * engines)
                p50, p95 = percentile(waits, 0.5), percentile(waits, 0.95)
                baseline = baseline or p95
                extra = {k: v for k, v in speaker.stats.items()
                         if k in ("late", "busy", "dropped") and v}
                print(f"{engines} piper  {label:<12} wait p50 {p50 * 1000:6.0f} ms  "
                      f"p95 {p95 * 1000:6.0f} ms  max {max(waits) * 1000:6.0f} ms  "
                      f"(p95 {p95 / baseline:4.2f}x of 1 piper, no budget)  "
                      f"audio {played}/{len(waits)}  {wall:5.1f} s  {extra or ''}")
        memory = [rss_mb(worker._proc.pid) for worker in workers]
        print(f"{engines} piper  RSS per process: "
              + ", ".join(f"{now:.0f} MB (peak {peak:.0f} MB)" for now, peak in memory))
        engine.close()
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}\n")
    bench_pool(args)


def add_arguments(parser):
    parser.add_argument("--callers", type=int, default=12, help="concurrent callers")
    parser.add_argument("--lines", type=int, default=3, help="new replies per caller")
    parser.add_argument("--budget", type=float, default=1.5, help="SPEECH_BUDGET_SECONDS")
    parser.add_argument("--queue", type=int, default=8, help="SPEECH_QUEUE")


if __name__ == "__main__":
    main()
