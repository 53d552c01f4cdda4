"""The engine, store and speaker that the settings ask for."""

from .aws import aws_client
from .files import local_audio_dir
from .formats import DEFAULT_FORMAT
from .local_engine import LocalEngine, default_voice_files
from .local_store import LocalStore
from .piper_process import PiperWorker
from .polly_engine import PollyEngine
from .s3_store import S3Store
from .speaker import Speaker
from .twilio_say import TwilioSay

ENGINES = ("polly", "local", "say")


def build_engine(config):
    """The engine TTS_ENGINE names, or None for Twilio's <Say>."""
    name = (config.get("TTS_ENGINE") or "say").lower()
    fmt = config.get("AUDIO_FORMAT", DEFAULT_FORMAT)
    if name == "polly":
        client = aws_client("polly", config, config.get("POLLY_ENDPOINT_URL"))
        return PollyEngine(client, config.get("POLLY_VOICE", "Joanna"),
                           config.get("POLLY_ENGINE", "neural"), fmt)
    if name == "local":
        return LocalEngine(_piper_worker(config), fmt)
    if name == "say":
        return None
    raise ValueError(f"TTS_ENGINE must be one of {ENGINES}, not {name!r}")


def _piper_worker(config):
    model, voice_config = config.get("PIPER_MODEL"), config.get("PIPER_CONFIG")
    if not model or not voice_config:
        default_model, default_config = default_voice_files()
        model = model or default_model
        voice_config = voice_config or (default_config if model == default_model
                                        else model + ".json")
    return PiperWorker(model, voice_config, timeout=config.get("SPEECH_TIMEOUT", 5.0))


def build_store(config, instance_path, script_root=None):
    """The store AUDIO_STORE names (S3 when AUDIO_BUCKET is set, else a local folder).

    `script_root` (local store only) gives the path the app is mounted under."""
    kind = (config.get("AUDIO_STORE") or ("s3" if config.get("AUDIO_BUCKET") else "local")).lower()
    if kind == "local":
        return LocalStore(local_audio_dir(config, instance_path), script_root)
    if kind == "s3":
        if not config.get("AUDIO_BUCKET"):
            raise ValueError("AUDIO_STORE=s3 needs AUDIO_BUCKET")
        client = aws_client("s3", config, config.get("S3_ENDPOINT_URL"))
        return S3Store(client, config["AUDIO_BUCKET"], config.get("AUDIO_PREFIX", "audio/"),
                       config.get("AUDIO_URL_MODE", "presigned"),
                       config.get("AUDIO_URL_EXPIRY", 86400), config.get("AUDIO_BASE_URL"))
    raise ValueError(f"AUDIO_STORE must be local or s3, not {kind!r}")


def build_speaker(config, instance_path, script_root=None):
    """The speaker the settings ask for. Misconfiguration raises here, at start-up;
    failures at run time only ever make audio_url return None."""
    engine = build_engine(config)
    if engine is None:
        return TwilioSay()
    fmt = config.get("AUDIO_FORMAT", DEFAULT_FORMAT)
    return Speaker(engine, build_store(config, instance_path, script_root), fmt)
