"""ElevenLabs' text-to-speech HTTP API (through requests), in the phone's own format.

    POST {base}/v1/text-to-speech/{voice_id}?output_format=ulaw_8000
    xi-api-key: <key>
    {"text": "...", "model_id": "eleven_flash_v2_5"}

ulaw_8000 is 8 kHz mu-law, what Twilio plays without transcoding; it comes
back as bare samples, which are wrapped in a WAVE header here. For
AUDIO_FORMAT=mp3 it asks for mp3_22050_32 instead.
"""

import threading
import time

import requests

from .base import NotAudio, SpeechError
from .formats import DEFAULT_FORMAT, PHONE_RATE, audio_kind, mulaw_wav

DEFAULT_BASE_URL = "https://api.elevenlabs.io"
DEFAULT_MODEL = "eleven_flash_v2_5"  # the lowest-latency model
OUTPUT_FORMATS = {"wav": "ulaw_8000", "mp3": "mp3_22050_32"}
RETRIED = (429, 500, 502, 503, 504)
MIN_SAMPLES = PHONE_RATE // 20  # less than 50 ms of audio is not a spoken reply


class ElevenLabsEngine:
    """One voice of ElevenLabs, over its HTTP API."""

    name = "elevenlabs"

    def __init__(self, api_key, voice_id, model=DEFAULT_MODEL, fmt=DEFAULT_FORMAT,
                 base_url=DEFAULT_BASE_URL, timeout=(2.0, 5.0), attempts=2):
        if not api_key or not voice_id:
            raise ValueError("TTS_ENGINE=elevenlabs needs ELEVENLABS_API_KEY and "
                             "ELEVENLABS_VOICE_ID")
        if fmt not in OUTPUT_FORMATS:
            raise ValueError(f"ElevenLabs cannot make {fmt!r}")
        self.api_key = api_key
        self.voice_id = voice_id
        self.model = model or DEFAULT_MODEL
        self.fmt = fmt
        self.voice = f"{voice_id}:{self.model}"
        self.url = f"{(base_url or DEFAULT_BASE_URL).rstrip('/')}/v1/text-to-speech/{voice_id}"
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self._local = threading.local()  # a requests.Session per pool thread

    def synthesize(self, text):
        data = self._request(text)
        if self.fmt == "mp3" or audio_kind(data) == "wav":
            return data  # the speaker checks that it really is audio
        if len(data) < MIN_SAMPLES:
            raise NotAudio(f"ElevenLabs answered {len(data)} bytes of mu-law: not speech")
        return mulaw_wav(data)

    def close(self):
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()

    def _request(self, text):
        for attempt in range(1, self.attempts + 1):
            try:
                response = self._session().post(
                    self.url, params={"output_format": OUTPUT_FORMATS[self.fmt]},
                    json={"text": text, "model_id": self.model},
                    headers={"xi-api-key": self.api_key,
                             "Accept": "audio/mpeg" if self.fmt == "mp3" else "audio/basic"},
                    timeout=self.timeout)
            except requests.RequestException as error:
                if attempt == self.attempts:
                    raise SpeechError(f"ElevenLabs: {type(error).__name__}: {error}") from error
                continue
            if response.status_code == 200:
                return self._audio(response)
            if response.status_code not in RETRIED or attempt == self.attempts:
                raise SpeechError(f"ElevenLabs answered {response.status_code}: "
                                  f"{_reason(response)}")
            time.sleep(0.1 * attempt)  # the last attempt has returned or raised

    def _audio(self, response):
        kind = response.headers.get("Content-Type", "")
        if not kind.startswith(("audio/", "application/octet-stream")):
            raise NotAudio(f"ElevenLabs answered {kind or 'no content type'}, not audio")
        return response.content

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session


def _reason(response):
    """ElevenLabs' error detail ({"detail": {"status": ..., "message": ...}}), shortly."""
    try:
        detail = response.json().get("detail")
    except ValueError:
        return response.text[:200]
    if isinstance(detail, dict):
        return f"{detail.get('status', '')}: {detail.get('message', '')}"[:200]
    return str(detail)[:200]
