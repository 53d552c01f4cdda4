"""Audio bytes: what kind they are, and turning samples into the two formats.

    mp3   MPEG audio (lameenc), 32 kbit/s mono
    wav   8 kHz mono mu-law, the phone network's own encoding

Resampling and the mu-law coder are numpy: no ffmpeg, no audioop (deprecated).
"""

import functools
import io
import struct
import wave
from fractions import Fraction

import numpy as np

from .base import NotAudio

DEFAULT_FORMAT = "wav"  # as config.speech_settings(); bench/speech.py has the figures
MP3_BITRATE = 32  # kbit/s: mono speech for an 8 kHz phone line needs no more
PHONE_RATE = 8000


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
    """int16 mono samples at `rate` -> MP3 bytes at MP3_BITRATE."""
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
