"""Audio bytes: telling MP3 from WAV, the mu-law coder, resampling, encoding."""

import io
import struct
import warnings
import wave

import numpy as np
import pytest

from fitness_voice.speech.base import NotAudio
from fitness_voice.speech.formats import (
    audio_kind,
    duration_seconds,
    encode,
    mulaw_encode,
    mulaw_wav,
    pcm_to_wav,
    read_wav,
    resample,
)
from tests.speech.helpers import tone


@pytest.mark.parametrize(("data", "kind"), [
    (b"ID3\x04\0\0\0\0\0\0", "mp3"),
    (b"\xff\xfb\x90\x64" + bytes(100), "mp3"),
    (b"\xff\xf3\x40\xc4" + bytes(100), "mp3"),
    (b"RIFF\x24\0\0\0WAVEfmt " + bytes(40), "wav"),
    (bytes(8), None),  # what moto's Polly answers
    (b"", None),
    (b"\xff", None),
    (b"\xff\xe0\0\0", None),  # frame sync with no layer: not MPEG audio
    (b'{"message": "Rate exceeded"}', None),
    (b"<html><body>403</body></html>", None),
    (b"RIFF\0\0\0\0WAVE", None),  # too short to hold a header
])
def test_audio_kind(data, kind):
    assert audio_kind(data) == kind


def test_mulaw_matches_the_reference_coder_for_every_sample():
    every = np.arange(-32768, 32768, dtype=np.int32).astype("<i2")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import audioop  # deprecated, used here only as the reference
        reference = audioop.lin2ulaw(every.tobytes(), 2)
    assert mulaw_encode(every) == reference


@pytest.mark.parametrize(("sample", "code"), [
    (0, 0xFF), (1, 0xFF), (3, 0xFF), (4, 0xFE),  # 14-bit: the two low bits are dropped
    (-1, 0x7E), (-4, 0x7E),  # ... rounding toward minus infinity
    (100, 0xF2), (-100, 0x72),
    (1000, 0xCE), (-1000, 0x4E),
    (8158, 0x9F),
    (32124, 0x80), (32125, 0x80), (32767, 0x80),  # the top segment is clipped
    (-32768, 0x00),
    (40000, 0x80), (-40000.0, 0x00), (99.6, 0xF2),  # clipped, rounded
])
def test_mulaw_codes(sample, code):
    assert mulaw_encode([sample]) == bytes([code])


def test_mulaw_wav_header():
    data = mulaw_wav(mulaw_encode(np.zeros(801)))
    assert audio_kind(data) == "wav"
    riff_size, = struct.unpack("<I", data[4:8])
    assert riff_size == len(data) - 8
    fmt = struct.unpack("<HHIIHH", data[20:36])
    assert fmt == (7, 1, 8000, 8000, 1, 8)  # mu-law, mono, 8 kHz, 8 bits
    assert data[38:42] == b"fact"
    start = data.index(b"data")
    assert struct.unpack("<I", data[start + 4:start + 8])[0] == 801
    assert len(data) % 2 == 0  # chunks are padded to even length
    assert duration_seconds(data) == pytest.approx(801 / 8000)


@pytest.mark.parametrize(("samples", "padded"), [(0, 0), (1, 1), (2, 0), (801, 1), (8000, 0)])
def test_mulaw_wav_pads_odd_data_to_even_length(samples, padded):
    data = mulaw_wav(bytes(samples))
    assert len(data) == 58 + samples + padded  # RIFF, fmt (18), fact, data headers
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8


def test_resampling_keeps_speech_band_and_does_not_alias():
    rate = 22050
    t = np.arange(rate) / rate
    mixed = np.sin(2 * np.pi * 1000 * t) * 10000 + np.sin(2 * np.pi * 6000 * t) * 10000
    out = resample(mixed, rate, 8000)
    assert len(out) == 8000
    window = out[1000:7000] * np.hanning(6000)
    spectrum = np.abs(np.fft.rfft(window))
    freqs = np.fft.rfftfreq(6000, 1 / 8000)
    assert freqs[spectrum.argmax()] == pytest.approx(1000, abs=2)
    # 6 kHz is above the 4 kHz Nyquist limit: it must not fold back to 2 kHz.
    assert spectrum[np.abs(freqs - 2000).argmin()] < 1e-3 * spectrum.max()
    assert np.abs(out[1000:7000]).max() == pytest.approx(10000, rel=0.05)


@pytest.mark.parametrize(("source", "target", "count", "expected"), [
    (22050, 8000, 22050, 8000),
    (16000, 8000, 1600, 800),
    (24000, 8000, 3, 1),
    (44100, 8000, 44100, 8000),
    (8000, 16000, 800, 1600),
    (8000, 8000, 123, 123),  # nothing to do
    (22050, 8000, 0, 0),
])
def test_resampled_length(source, target, count, expected):
    assert len(resample(np.ones(count), source, target)) == expected


def test_resampling_to_the_same_rate_keeps_the_samples():
    samples = np.array([1, -2, 3], dtype="<i2")
    assert resample(samples, 8000, 8000).tolist() == [1.0, -2.0, 3.0]


def test_resampling_refuses_rates_with_no_small_ratio():
    with pytest.raises(ValueError):
        resample(np.ones(10), 8000, 7919)


def _wav(samples, rate=22050, channels=1, width=2):
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(width)
        writer.setframerate(rate)
        writer.writeframes(np.asarray(samples, dtype="<i2" if width == 2 else "u1").tobytes())
    return out.getvalue()


@pytest.mark.parametrize(("channels", "frames", "first_channel"), [
    (1, [5, -6, 7], [5, -6, 7]),
    (2, [5, 50, -6, -60, 7, 70], [5, -6, 7]),
])
def test_read_wav_gives_the_first_channel_and_the_rate(channels, frames, first_channel):
    samples, rate = read_wav(_wav(frames, rate=16000, channels=channels))
    assert samples.tolist() == first_channel and rate == 16000


def test_read_wav_refuses_8_bit_audio():
    with pytest.raises(NotAudio):
        read_wav(_wav([128, 129], width=1))


@pytest.mark.parametrize("fmt", ["mp3", "wav"])
def test_encode(fmt):
    data = encode(tone(2.0), 22050, fmt)
    assert audio_kind(data) == fmt
    assert duration_seconds(data) == pytest.approx(2.0, abs=0.1)


def test_encode_refuses_silence_of_zero_length():
    with pytest.raises(NotAudio):
        encode(np.zeros(0, dtype="<i2"), 22050, "mp3")


def test_encode_refuses_an_unknown_format():
    with pytest.raises(ValueError):
        encode(tone(0.1), 22050, "ogg")


@pytest.mark.parametrize("pcm", [bytes(8), bytes(4000), b"\x01" * 7])
def test_pcm_that_is_not_speech_is_refused(pcm):
    with pytest.raises(NotAudio):
        pcm_to_wav(pcm, 8000)


def test_pcm_that_is_speech_becomes_a_phone_wav():
    data = pcm_to_wav(tone(0.5, rate=8000).tobytes(), 8000)
    assert audio_kind(data) == "wav"
    assert duration_seconds(data) == pytest.approx(0.5)


@pytest.mark.parametrize(("size", "seconds"), [(0, 0.0), (4000, 1.0), (1000, 0.25)])
def test_mp3_duration_follows_the_bitrate(size, seconds):
    assert duration_seconds(b"\xff\xfb" + bytes(size - 2) if size else b"") == seconds
