"""fitness-voice: an AI fitness coach on the phone.

Importing the package is cheap: the factory imports the app's parts when it runs,
so a CLI command that needs none of them (`call --url`, `release` with nothing to
do) never pays for them.
"""

import functools
import logging
import os
from dataclasses import dataclass

from flask import Flask, has_request_context, request

from . import config as settings


@dataclass
class Services:
    """The providers a turn needs, built once per process."""

    coach: object  # a dialogue.flow.CallFlow
    speaker: object
    resume_window_minutes: int = 120
    # A claim on a turn older than this is a claimer that died: a copy takes it over.
    claim_seconds: float = 12.5
    outage: object = None  # calls.outage.OutageSettings: database blips ridden out
    after_call: object = None  # (caller_id, call_sid): the summary text when a call ends


def create_database_app(config=None):
    """The settings, their guards and the database, without the coach: for migrations
    and the release step, which must not pay for the models and the index."""
    from . import pool_ping
    from .extensions import db, migrate

    app = Flask(__name__, instance_relative_config=True)
    app.config.update(settings.from_environment())
    app.config.update(config or {})
    settings.check(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.database_url(
        app.config.get("SQLALCHEMY_DATABASE_URI") or app.config["DATABASE_URL"], app.instance_path)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _engine_options(app))
    _configure_logging(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(settings.PROJECT_ROOT / "migrations"))
    with app.app_context():
        _tune_sqlite(db.engine)
        if db.engine.dialect.name != "sqlite":
            pool_ping.ping_when_idle(db.engine, app.config["DB_PING_IDLE_SECONDS"])
    return app


def create_app(config=None):
    """Build the app from the environment, overridden by `config`."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from . import lang, preflight, retrieval, speech
    from .web import audio, console, health, voice

    app = create_database_app(config)
    if app.config.get("GATHER_HINTS") is None:
        app.config["GATHER_HINTS"] = retrieval.gather_hints(app.config["LANGUAGE"])
        settings.check(app.config)  # the filled-in hints obey Twilio's limits too
    lang.activate(app.config["LANGUAGE"])
    lang.catalogue()  # a broken line file stops the app here, not mid-call
    preflight.log_problems(app.config)

    if app.config["PROXY_FIX_HOPS"]:
        # Only the client's address: the URL Twilio signed comes from PUBLIC_URL,
        # never from forwarded headers a client can set (web/signature.py).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_HOPS"], x_proto=0,
                                x_host=0, x_port=0, x_prefix=0)

    from .outreach import cli as outreach_cli
    from .web import outreach as outreach_web

    app.register_blueprint(voice.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(outreach_web.bp)
    console.init_app(app)
    outreach_cli.init_app(app)
    audio.init_app(app)
    speech.init_app(app)
    kb = retrieval.init_app(app)
    app.extensions["fitness_voice"] = build_services(app.config, app.instance_path, kb)
    return app


def build_services(config, instance_path, kb):
    """The coach and the speaker, with the providers the settings choose."""
    from . import answering, retrieval, safety, speech
    from .dialogue import memory
    from .dialogue import outreach as outreach_dialogue
    from .dialogue.flow import CallFlow, CallFlowSettings
    from .dialogue.intents import IntentRouter
    from .dialogue.pipeline import Pipeline, Providers
    from .outreach import sms
    from .outreach.schedule import quiet_hours
    from .training.leading import WorkoutCoach
    from .web.voice import hold_lines
    responder = answering.build_responder(config, passages_of=kb.passages_of,
                                          normalize=retrieval.normalize_query)
    workouts = WorkoutCoach(retrieval.load_exercises(kb.kb_path), profile_facts=memory.extract)
    safety.use_semantic(kb.embedder)  # the semantic check beside the safety rules
    safety_lines = {"emergency_number": config["EMERGENCY_NUMBER"],
                    "crisis_line": config["CRISIS_LINE"]}
    # Routing by meaning uses the model retrieval loaded; its examples are embedded
    # (and checked) here, once per process, not on a caller's first turn.
    router = IntentRouter(kb.embedder.embed)
    router.classifier()
    outreach = outreach_dialogue.OutreachSettings(
        handoff_number=bool(config.get("HUMAN_COACH_NUMBER")),
        after_complaints=config["HANDOFF_AFTER_COMPLAINTS"],
        quiet=quiet_hours(config["CHECKIN_QUIET_HOURS"]),
        texts=bool(config.get("TWILIO_ACCOUNT_SID") and config.get("TWILIO_FROM_NUMBER")))
    pipeline = Pipeline(Providers(kb, responder, workouts, safety_lines, router=router,
                                  answers_with_llm=bool(config.get("OPENAI_API_KEY")),
                                  repair=retrieval.repair_speech, outreach=outreach))
    flow = CallFlowSettings(config["MAX_MISSED_TURNS"], config["MIN_SPEECH_CONFIDENCE"])
    coach = CallFlow(flow, pipeline, hold_lines=hold_lines())
    speaker = speech.build_speaker(config, instance_path, _script_root)
    speaker.share(coach.fixed_phrases())  # they name nobody: one copy for every caller
    return Services(coach=coach, speaker=speaker,
                    resume_window_minutes=config["RESUME_WINDOW_MINUTES"],
                    claim_seconds=config["SLOW_REPLY_SECONDS"] + config["WAIT_FOR_REPLY_SECONDS"],
                    outage=_outage_settings(config, instance_path),
                    after_call=functools.partial(sms.text_after_call, config))


def _outage_settings(config, instance_path):
    from .calls.outage import OutageSettings

    return OutageSettings(retry_seconds=config["DB_RETRY_SECONDS"],
                          outage_seconds=config["DB_OUTAGE_SECONDS"],
                          spool_dir=config["SPOOL_DIR"] or os.path.join(instance_path, "spool"))


def _script_root():
    # The local store's audio URLs are relative to where the app is mounted.
    return request.script_root if has_request_context() else ""


def _engine_options(app):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return {"connect_args": {"timeout": 30}, "hide_parameters": True}
    # Error messages must not quote a caller's number or words (redaction.py).
    options = {"hide_parameters": True}
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg2"):
        # Connecting gives up quickly: a database that is away is retried by the turn
        # (calls/outage.py) and reported by the readiness check, not waited on.
        options["connect_args"] = {"connect_timeout": 2}
    return options


def _tune_sqlite(engine):
    """Make SQLite honour transactions: BEGIN IMMEDIATE takes the write lock up
    front, which stands in for Postgres' row locks, and WAL lets readers in."""
    from sqlalchemy import event

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, record):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA foreign_keys=ON")

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _configure_logging(app):
    # Heroku-style hosts collect stdout; never log to files.
    from . import redaction
    from .log_format import JsonLines

    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        if app.config["LOG_FORMAT"] == "json":
            for handler in root.handlers:
                handler.setFormatter(JsonLines())
    redaction.install()
