"""Settings from the environment, with defaults that run with no accounts."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Used by the app in development and by the call simulator, so that signature
# validation is never switched off. Production refuses to start with it.
DEVELOPMENT_AUTH_TOKEN = "fitness-voice-development-token"

DEFAULT_HINTS = (
    "squat, squats, deadlift, burpee, burpees, kettlebell, HIIT, macros, "
    "protein, creatine, lunge, lunges, plank, push-up, push-ups, pull-up, "
    "glute bridge, dumbbell, barbell, reps, sets, cardio, warm-up, cool-down, "
    "stretching, mobility, deload, RPE, sore, soreness, hydration, calories"
)


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
        "SECRET_KEY": _env("SECRET_KEY", "development-only-secret"),
        "TWILIO_AUTH_TOKEN": _env("TWILIO_AUTH_TOKEN"),
        "PROXY_FIX_HOPS": _env_int("PROXY_FIX_HOPS", 1),
        "PUBLIC_BASE_URL": _env("PUBLIC_BASE_URL"),
        "DATABASE_URL": _env("DATABASE_URL"),
        # <Gather> settings. "auto" ends the caller's turn at the first natural
        # pause instead of after `timeout` seconds of silence; Twilio accepts it
        # with phone_call but not with the "default" model (warning 13335).
        "GATHER_TIMEOUT": _env_int("GATHER_TIMEOUT", 5),
        "GATHER_SPEECH_TIMEOUT": _env("GATHER_SPEECH_TIMEOUT", "auto"),
        "GATHER_SPEECH_MODEL": _env("GATHER_SPEECH_MODEL", "phone_call"),
        "GATHER_LANGUAGE": _env("GATHER_LANGUAGE", "en-US"),
        "GATHER_HINTS": _env("GATHER_HINTS", DEFAULT_HINTS),
        "GATHER_ACTION_ON_EMPTY_RESULT": _env_bool("GATHER_ACTION_ON_EMPTY_RESULT", True),
        "MAX_MISSED_TURNS": _env_int("MAX_MISSED_TURNS", 3),
        "MIN_SPEECH_CONFIDENCE": _env_float("MIN_SPEECH_CONFIDENCE", 0.3),
        "MAX_FIELD_LENGTH": _env_int("MAX_FIELD_LENGTH", 2000),
        "SAY_VOICE": _env("SAY_VOICE", "Polly.Joanna-Neural"),
        "SAY_LANGUAGE": _env("SAY_LANGUAGE", "en-US"),
        **knowledge_settings(),
        **speech_settings(),
        **coach_settings(),
    }


def knowledge_settings():
    # -- knowledge (kb/, embeddings, Chroma) --
    return {}


def speech_settings():
    # -- speech (synthesis engines, audio cache) --
    return {}


def coach_settings():
    # -- coach (LLM, safety, caller memory, workouts) --
    return {
        "EMERGENCY_NUMBER": _env("EMERGENCY_NUMBER", "911"),
        "CRISIS_LINE": _env("CRISIS_LINE", "988"),
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
