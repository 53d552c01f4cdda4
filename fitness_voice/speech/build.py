"""The engine, store and speaker that the settings ask for."""

import os

from .aws import aws_client
from .elevenlabs_engine import ElevenLabsEngine
from .files import AudioKeys, local_audio_dir
from .formats import DEFAULT_FORMAT
from .local_engine import LocalEngine, default_voice_files
from .local_store import LocalStore
from .piper_process import PiperWorker
from .polly_engine import PollyEngine
from .pool import SynthesisPool
from .s3_store import S3Store
from .speaker import Speaker
from .twilio_say import TwilioSay

ENGINES = ("polly", "local", "elevenlabs", "say")
HTTP_WORKERS = 4  # concurrent requests to an HTTP engine (Polly, ElevenLabs) per process


def build_engine(config):
    """The engine TTS_ENGINE names, or None for Twilio's <Say>."""
    name = (config.get("TTS_ENGINE") or "say").lower()
    fmt = config.get("AUDIO_FORMAT", DEFAULT_FORMAT)
    if name == "polly":
        client = aws_client("polly", config, config.get("POLLY_ENDPOINT_URL"))
        return PollyEngine(client, config.get("POLLY_VOICE", "Joanna"),
                           config.get("POLLY_ENGINE", "neural"), fmt)
    if name == "local":
        return LocalEngine([_piper_worker(config) for _ in range(engine_workers(config, name))],
                           fmt)
    if name == "elevenlabs":
        return ElevenLabsEngine(
            config.get("ELEVENLABS_API_KEY"), config.get("ELEVENLABS_VOICE_ID"),
            config.get("ELEVENLABS_MODEL"), fmt, config.get("ELEVENLABS_BASE_URL"),
            timeout=(config.get("SPEECH_CONNECT_TIMEOUT", 2.0), config.get("SPEECH_TIMEOUT", 5.0)),
            attempts=config.get("SPEECH_MAX_ATTEMPTS", 2))
    if name == "say":
        return None
    raise ValueError(f"TTS_ENGINE must be one of {ENGINES}, not {name!r}")


def engine_workers(config, engine_name):
    """SPEECH_WORKERS, or: piper processes for half the cores (at least one) per
    gunicorn worker, since each uses a core while it speaks; a few concurrent
    requests for an HTTP engine."""
    if config.get("SPEECH_WORKERS"):
        return int(config["SPEECH_WORKERS"])
    if engine_name == "local":
        return max(1, (os.cpu_count() or 1) // 2)
    return HTTP_WORKERS


def _piper_worker(config):
    model, voice_config = config.get("PIPER_MODEL"), config.get("PIPER_CONFIG")
    if not model or not voice_config:
        default_model, default_config = default_voice_files()
        model = model or default_model
        voice_config = voice_config or (default_config if model == default_model
                                        else model + ".json")
    return PiperWorker(model, voice_config, timeout=config.get("SPEECH_TIMEOUT", 5.0),
                       niceness=config.get("PIPER_NICENESS", PiperWorker.NICENESS))


def build_store(config, instance_path, script_root=None):
    """The store AUDIO_STORE names (S3 when AUDIO_BUCKET is set, else a local folder).

    `script_root` (local store only) gives the path the app is mounted under."""
    kind = (config.get("AUDIO_STORE") or ("s3" if config.get("AUDIO_BUCKET") else "local")).lower()
    if kind == "local":
        return LocalStore(local_audio_dir(config, instance_path), script_root,
                          max_bytes=config.get("AUDIO_MAX_BYTES"),
                          max_files=config.get("AUDIO_MAX_FILES"))
    if kind == "s3":
        if not config.get("AUDIO_BUCKET"):
            raise ValueError("AUDIO_STORE=s3 needs AUDIO_BUCKET")
        client = aws_client("s3", config, config.get("S3_ENDPOINT_URL"))
        return S3Store(client, config["AUDIO_BUCKET"], config.get("AUDIO_PREFIX", "audio/"),
                       config.get("AUDIO_URL_MODE", "presigned"),
                       config.get("AUDIO_URL_EXPIRY", 86400), config.get("AUDIO_BASE_URL"),
                       expiry_days=config.get("AUDIO_EXPIRY_DAYS"))
    raise ValueError(f"AUDIO_STORE must be local or s3, not {kind!r}")


def audio_keys(config):
    """Audio names keyed with AUDIO_KEY_SECRET, or else SECRET_KEY."""
    return AudioKeys(config.get("AUDIO_KEY_SECRET") or config.get("SECRET_KEY"))


def build_speaker(config, instance_path, script_root=None):
    """The speaker the settings ask for. Misconfiguration raises here, at start-up;
    failures at run time only ever make audio_url return None."""
    engine = build_engine(config)
    if engine is None:
        return TwilioSay()
    fmt = config.get("AUDIO_FORMAT", DEFAULT_FORMAT)
    store = build_store(config, instance_path, script_root)
    budget = config.get("SPEECH_BUDGET_SECONDS", 1.5)
    if not budget or budget <= 0:  # no budget: every line waits for its audio
        return Speaker(engine, store, fmt, audio_keys(config))
    pool = SynthesisPool(engine_workers(config, engine.name), config.get("SPEECH_QUEUE", 8))
    return Speaker(engine, store, fmt, audio_keys(config), budget_seconds=budget, pool=pool)
