"""piper-tts's own command line, kept running in a subprocess.

piper is GPL-3.0: it is never imported into this process, only run as a
program (`python -m piper`), fed one line at a time.
"""

import contextlib
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from collections import deque
from pathlib import Path

from .base import SpeechError

WROTE = re.compile(r"Wrote (.+\.wav)\s*$")


class PiperWorker:
    """piper's own command line, kept running: one text line in on stdin, one
    WAV file out in a private folder, announced on stderr ("Wrote <path>").

    Loading the voice takes longer than speaking a sentence, so the process is
    started once (lazily, per OS process: a gunicorn worker forked from a
    parent that had one starts its own) and reused. It is restarted only when
    really dead: it exited, or gave no answer within `timeout` seconds plus
    SECONDS_PER_CHARACTER of the line, counted from when the line was written
    to it (the caller's own wait is bounded by the speaker's budget, not by
    this). After a failure it is not started again for a while, doubling from
    RETRY_FIRST to RETRY_AFTER, so a sick engine is never restarted in a storm."""

    # piper runs this much nicer than the app: a turn's own work (safety, routing,
    # retrieval, the database) takes the CPU first, and a line that cannot be
    # spoken within the budget is <Say>d, rather than every turn slowing down.
    NICENESS = 10

    RETRY_FIRST = 1.0
    RETRY_AFTER = 30.0
    # Seconds to load the voice (about 0.6 s on an idle machine, several on a busy
    # one), on top of the timeout, for a process's first line.
    START_ALLOWANCE = 15.0
    SECONDS_PER_CHARACTER = 0.02  # a long reply on a busy machine is slow, not dead

    def __init__(self, model, config, timeout=5.0, sentence_silence=0.3, python=None,
                 niceness=NICENESS):
        self.niceness = niceness
        self.model = str(model)
        self.config = str(config)
        self.timeout = timeout
        self.sentence_silence = sentence_silence
        self.python = python or sys.executable
        self._lock = threading.Lock()
        self._proc = None
        self._pid = None
        self._lines = None
        self._outdir = None
        self._finalizer = None
        self._broken_until = 0.0
        self._retry = self.RETRY_FIRST
        self._answered = False  # whether this process has spoken a line yet
        self.starts = 0

    def synthesize(self, text):
        """Return WAV bytes for one line of text."""
        line = " ".join(text.split())
        with self._lock:
            self._ensure_running()
            # Until it has answered once, the process may still be loading the voice
            # (started by start(), or just now).
            limit = (self.timeout + len(line) * self.SECONDS_PER_CHARACTER
                     + (0 if self._answered else self.START_ALLOWANCE))
            try:
                self._proc.stdin.write(line + "\n")
                self._proc.stdin.flush()
                path = self._await_output(limit)
                data = path.read_bytes()
                path.unlink()
            except (OSError, ValueError, SpeechError) as error:
                self._stop(kill=True)
                self._back_off()
                if isinstance(error, SpeechError):
                    raise
                raise SpeechError(f"local speech engine failed: {error}") from error
            self._retry = self.RETRY_FIRST
            self._answered = True
            return data

    def start(self):
        """Start the process now rather than on the first reply."""
        with self._lock:
            self._ensure_running()

    def close(self):
        with self._lock:
            self._stop()

    def _ensure_running(self):
        if self._proc is not None and self._pid == os.getpid() and self._proc.poll() is None:
            return
        if self._pid != os.getpid():
            self._proc = None  # inherited across fork: the parent's, not ours to stop
            self._finalizer = None
        else:
            self._stop()
        if time.monotonic() < self._broken_until:
            raise SpeechError("local speech engine failed recently; not restarting yet")
        for path in (self.model, self.config):
            if not os.path.isfile(path):
                self._broken_until = time.monotonic() + self.RETRY_AFTER
                raise SpeechError(f"piper voice file not found: {path}")
        self._outdir = tempfile.mkdtemp(prefix="fitness-voice-piper-")
        command = [*_nicer(self.niceness), self.python, "-m", "piper", "--model", self.model,
                   "--config", self.config, "--output-dir", self._outdir,
                   "--sentence-silence", str(self.sentence_silence)]
        try:
            proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True, encoding="utf-8", errors="replace", bufsize=1,
                env=_worker_environment(),
            )
        except OSError as error:
            self._back_off()
            raise SpeechError(f"cannot start the local speech engine: {error}") from error
        lines = queue.Queue()
        pump = threading.Thread(target=_pump, args=(proc.stderr, lines), daemon=True,
                                name="piper-stderr")
        pump.start()
        self._proc, self._pid, self._lines = proc, os.getpid(), lines
        self._answered = False
        self._finalizer = weakref.finalize(self, _terminate, proc, self._outdir, pump,
                                           os.getpid())
        self.starts += 1

    def _back_off(self):
        self._broken_until = time.monotonic() + self._retry
        self._retry = min(self._retry * 2, self.RETRY_AFTER)

    def _await_output(self, timeout):
        deadline = time.monotonic() + timeout
        tail = deque(maxlen=5)
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self._lines.get(timeout=max(remaining, 0))
            except queue.Empty:
                raise SpeechError(f"local speech engine timed out after {timeout:.1f} s") from None
            if line is None:
                raise SpeechError("local speech engine exited: " + " | ".join(tail))
            match = WROTE.search(line)
            if match:
                path = Path(match.group(1))
                if path.parent != Path(self._outdir):
                    raise SpeechError(f"unexpected output path {path}")
                return path
            tail.append(line.strip())

    def _stop(self, kill=False):
        if kill and self._proc is not None and self._pid == os.getpid():
            with contextlib.suppress(OSError):
                self._proc.kill()
        if self._finalizer is not None:
            self._finalizer()
        self._proc = self._finalizer = self._lines = None


def _worker_environment():
    """What piper needs from our environment, and none of our secrets."""
    keep = ("PATH", "HOME", "TMPDIR", "TEMP", "TMP", "LANG", "SYSTEMROOT", "VIRTUAL_ENV")
    env = {name: value for name, value in os.environ.items()
           if name in keep or name.startswith(("LC_", "OMP_", "ORT_", "LD_", "PYTHONPATH"))}
    env.update(PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
    return env


def _nicer(niceness):
    """The prefix that starts a program at a lower CPU priority (coreutils' nice, so
    that every thread the program starts inherits it), or none."""
    found = shutil.which("nice") if niceness else None
    return [found, "-n", str(niceness)] if found else []


def _pump(stream, lines):
    try:
        for line in stream:
            lines.put(line)
    except (OSError, ValueError):
        pass
    lines.put(None)


def _terminate(proc, outdir, pump, owner):
    """Stop piper: end of input asks it to finish; kill it if it will not.
    Only in the process that started it: a forked child (gunicorn worker, a
    sync job) must not stop its parent's engine or delete its files."""
    if os.getpid() != owner:
        return
    with contextlib.suppress(OSError, ValueError):
        proc.stdin.close()
    try:
        proc.wait(timeout=2)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    pump.join(timeout=2)
    with contextlib.suppress(OSError, ValueError):
        proc.stderr.close()
    with contextlib.suppress(OSError):
        for leftover in Path(outdir).iterdir():
            leftover.unlink()
        os.rmdir(outdir)
