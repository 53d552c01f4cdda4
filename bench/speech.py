"""Speech synthesis and the audio cache, measured.

Prints:
  - the local engine (piper, in its long-lived subprocess): start-up, synthesis
    time for a short and a long reply, real-time factor (targets: RTF < 0.5);
    and piper's one-shot command line per reply, for comparison;
  - Polly's code path against the local Polly peer (tests/peers/polly_server.py,
    rendering a tone, so the figure is boto3 + HTTP + our encoding, not AWS);
  - MP3 vs 8 kHz mu-law WAV for a typical reply: bytes, and time from text to
    URL on a cache miss (synthesis + encoding + store);
  - cache-hit overhead per turn, local folder and S3 (target: p50 <= 5 ms);
  - the cache hit rate over a scripted ten-line call after `flask speech warm`;
  - the budget and the pool under concurrency (bench/speech_pool.py): turn
    waits p50/p95 with and without the budget, one and two piper processes,
    and piper's RSS.

    .venv/bin/python bench/speech.py            # about a minute
    .venv/bin/python bench/speech.py --quick
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from speech_pool import add_arguments, bench_pool  # noqa: E402  (bench/speech_pool.py)
from stats import percentile  # noqa: E402  (bench/stats.py)

from fitness_voice import speech  # noqa: E402
from fitness_voice.speech.build import build_store  # noqa: E402
from fitness_voice.speech.files import AudioKeys  # noqa: E402
from fitness_voice.speech.formats import encode, read_wav  # noqa: E402
from fitness_voice.speech.local_engine import (  # noqa: E402
    LocalEngine,
    default_voice_files,
    piper_available,
)
from fitness_voice.speech.local_store import LocalStore  # noqa: E402
from fitness_voice.speech.piper_process import PiperWorker  # noqa: E402
from fitness_voice.speech.speaker import Speaker  # noqa: E402
from fitness_voice.text.speakable import fold, for_speech  # noqa: E402

SHORT = "Great job! Take a ninety second rest."
TWO_SENTENCES = ("Keep your chest up and push your knees out as you squat. "
                 "Go down until your thighs are about level with the floor.")
LONG = ("For building muscle, aim for three to four sets of eight to twelve reps on each "
        "exercise. Rest about one to two minutes between sets. Pick a weight where the last "
        "two reps feel hard but your form stays clean. Add a little weight or one more rep "
        "each week. And make sure you sleep seven to nine hours, because that is when your "
        "muscles actually grow.")
TYPICAL = ("Good question. A simple start is three sets of ten bodyweight squats, "
           "resting a minute between sets, three times a week.")
KEYS = AudioKeys("bench")
CALL_LINES = [
    "hello",
    "how many sets and reps should I do to build muscle",
    "(0.1) mumble mumble",
    "",
    "how long should I rest between sets",
    "thanks",
    "how much protein do I need",
    "",
    "thank you",
    "bye",
]



def ms(seconds):
    return f"{seconds * 1000:7.1f} ms"


def variants(text, n):
    """n texts that sound alike but are not cached alike."""
    return [f"{text} Number {i}." for i in range(n)]


def local_engine(args, fmt="mp3"):
    model, config = default_voice_files()
    worker = PiperWorker(model, config, timeout=30)
    started = time.perf_counter()
    worker.start()
    worker.synthesize("Ready.")
    startup = time.perf_counter() - started
    return LocalEngine(worker, fmt), startup


def bench_local(args):
    print("== local engine: piper in a long-lived subprocess ==")
    engine, startup = local_engine(args)
    print(f"start-up (load the voice, first line)  {ms(startup)}")
    for label, text in (("short", SHORT), ("two sentences", TWO_SENTENCES), ("long", LONG)):
        times, durations = [], []
        for variant in variants(text, args.repeat):
            started = time.perf_counter()
            wav = engine.worker.synthesize(variant)
            times.append(time.perf_counter() - started)
            samples, rate = read_wav(wav)
            durations.append(len(samples) / rate)
        median, audio = statistics.median(times), statistics.median(durations)
        print(f"{label:<15} {len(text):4d} chars  synth {ms(median)}  audio {audio:5.2f} s  "
              f"RTF {median / audio:.3f}")
    engine.close()

    model, config = default_voice_files()
    times = []
    for variant in variants(TWO_SENTENCES, max(2, args.repeat // 2)):
        with tempfile.NamedTemporaryFile(suffix=".wav") as out:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "piper", "-m", model, "-c", config,
                            "-f", out.name], input=variant, text=True, check=True,
                           capture_output=True)
            times.append(time.perf_counter() - started)
    print(f"(one-shot `python -m piper` per reply, two sentences: {ms(statistics.median(times))}"
          " - why the worker is kept running)")
    print()


def bench_formats(args):
    print("== MP3 vs 8 kHz mu-law WAV, local engine, typical reply ==")
    engine, _ = local_engine(args)
    samples, rate = read_wav(engine.worker.synthesize(TYPICAL))
    seconds = len(samples) / rate
    print(f"typical reply: {len(TYPICAL)} chars, {seconds:.2f} s of speech")
    results = {}
    for fmt in ("mp3", "wav"):
        encode_times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            data = encode(samples, rate, fmt)
            encode_times.append(time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as folder:
            engine.fmt = fmt
            speaker = Speaker(engine, LocalStore(folder), fmt, KEYS)
            speaker.audio_url("Warm up the engine.")
            to_url = []
            for variant in variants(TYPICAL, args.repeat):
                started = time.perf_counter()
                assert speaker.audio_url(variant)
                to_url.append(time.perf_counter() - started)
        results[fmt] = (len(data), statistics.median(encode_times), statistics.median(to_url))
        print(f"{fmt}: {len(data) / 1024:6.1f} KB ({len(data) * 8 / seconds / 1000:5.1f} kbit/s)"
              f"   encode {ms(results[fmt][1])}   text-to-URL (miss) {ms(results[fmt][2])}")
    engine.close()
    print()
    return results


def bench_polly(args):
    from tests.peers.polly_server import PollyPeer
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    print("== Polly code path, against the local Polly peer (tone audio; not AWS latency) ==")
    with PollyPeer(renderer="tone") as peer, tempfile.TemporaryDirectory() as folder:
        for fmt in ("mp3", "wav"):
            config = {"SECRET_KEY": "bench", "TTS_ENGINE": "polly", "POLLY_ENDPOINT_URL": peer.url,
                      "AUDIO_FORMAT": fmt, "AUDIO_DIR": os.path.join(folder, fmt)}
            speaker = speech.build_speaker(config, folder)
            speaker.audio_url("Warm up the connection.")
            for label, text in (("short", SHORT), ("long", LONG)):
                times = []
                for variant in variants(text, args.repeat):
                    started = time.perf_counter()
                    assert speaker.audio_url(variant)
                    times.append(time.perf_counter() - started)
                print(f"{fmt} {label:<6} text-to-URL (miss) {ms(statistics.median(times))}")
    print()


def bench_hits(args):
    print("== cache hit: overhead per turn (audio_url of a phrase already cached) ==")
    from tests.peers.s3_server import S3Peer

    class Tone:
        name, voice, fmt = "tone", "a440", "mp3"

        def synthesize(self, text):
            import numpy as np
            return encode((np.sin(np.arange(8000) / 3) * 8000).astype("<i2"),
                                 22050, "mp3")

    figures = {}
    with tempfile.TemporaryDirectory() as folder, S3Peer() as s3:
        s3.create_bucket("bench-audio")
        stores = {
            "local": LocalStore(folder),
            "s3 presigned": build_store({"AUDIO_BUCKET": "bench-audio",
                                                "S3_ENDPOINT_URL": s3.url}, folder),
        }
        for label, store in stores.items():
            speaker = Speaker(Tone(), store, "mp3", KEYS)
            speaker.audio_url(TYPICAL)
            times = []
            for _ in range(args.hits):
                started = time.perf_counter()
                speaker.audio_url(TYPICAL)
                times.append(time.perf_counter() - started)
            figures[label] = (percentile(times, 0.5), percentile(times, 0.95))
            first_hit = Speaker(Tone(), store, "mp3", KEYS)  # a new process: one existence check
            started = time.perf_counter()
            first_hit.audio_url(TYPICAL)
            first = time.perf_counter() - started
            print(f"{label:<13} p50 {ms(figures[label][0])}   p95 {ms(figures[label][1])}"
                  f"   (first hit in a fresh process: {ms(first)})")
    print()
    return figures


def bench_call(args):
    print("== scripted ten-line call after `flask speech warm` (local engine) ==")
    from fitness_voice import create_app
    from fitness_voice.simulator import Phone, ScriptedCaller, serve_in_process

    with tempfile.TemporaryDirectory() as folder:
        app = create_app({
            "APP_ENV": "testing", "TESTING": False, "TWILIO_AUTH_TOKEN": "bench-token",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
            "TTS_ENGINE": "local", "AUDIO_DIR": os.path.join(folder, "audio"),
        })
        with app.app_context():
            from fitness_voice.extensions import db
            db.create_all()
        services = app.extensions["fitness_voice"]
        if not isinstance(services.speaker, Speaker):  # until create_app builds it
            services.speaker = speech.build_speaker(app.config, app.instance_path)
        speech.init_app(app)
        speaker = services.speaker
        warm = app.test_cli_runner().invoke(args=["speech", "warm"])
        print(warm.output.strip())
        before = dict(speaker.stats)
        fixed = {fold(for_speech(p))
                 for p in services.coach.fixed_phrases()}
        synthesized = []
        engine_synthesize = speaker.engine.synthesize

        def recording(text):
            synthesized.append(text)
            return engine_synthesize(text)

        speaker.engine.synthesize = recording
        url, _server = serve_in_process(app)
        phone = Phone(url, "bench-token", ScriptedCaller(list(CALL_LINES)), out=lambda *a: None)
        result = phone.call()
        after = speaker.stats
        counts = {key: after[key] - before[key] for key in after}
        renders = counts["hits"] + counts["stored"] + counts["synthesized"]
        played = sum(1 for _, kind, _ in result.audio if kind)
        print(f"{len(CALL_LINES)} caller lines, {renders} replies rendered: "
              f"{counts['hits'] + counts['stored']} cache hits, {counts['synthesized']} "
              f"synthesized, {counts['failures']} failed "
              f"-> hit rate {(counts['hits'] + counts['stored']) / max(renders, 1):.0%}; "
              f"{played} <Play> files fetched and checked")
        for text in synthesized:
            status = "FIXED PHRASE (should have been warm)" if fold(text) in fixed else "new"
            print(f"  synthesized ({status}): {text[:70]}")
        speaker.close()
    print()


def main():
    import logging
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per synthesis figure")
    parser.add_argument("--hits", type=int, default=2000, help="calls per cache-hit figure")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-call", action="store_true", help="skip the scripted call")
    add_arguments(parser)
    args = parser.parse_args()
    if args.quick:
        args.repeat, args.hits, args.callers, args.lines = 2, 300, 6, 2
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    if piper_available():
        bench_local(args)
        bench_formats(args)
    else:
        print("piper-tts is not installed: skipping the local engine\n")
    bench_polly(args)
    bench_hits(args)
    if piper_available() and not args.skip_call:
        bench_call(args)
    if piper_available():
        bench_pool(args)


if __name__ == "__main__":
    main()
