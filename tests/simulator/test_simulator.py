"""The call simulator against the app: in-process, and under gunicorn as deployed."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text

from fitness_voice.extensions import db
from fitness_voice.models import CallSession, Turn
from fitness_voice.simulator import CallFailed, Phone, ScriptedCaller, audio_kind, serve_in_process
from tests.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "fixtures" / "ten_turns.script"


def quiet(*_):
    pass


def test_scripted_call_stores_every_turn_with_timings(app):
    base_url, server = serve_in_process(app)
    try:
        result = Phone(base_url, "test-auth-token", ScriptedCaller.from_file(SCRIPT),
                       out=quiet).call()
    finally:
        server.shutdown()
    assert result.ended_by == "hangup"
    with app.app_context():
        session = db.session.execute(db.select(CallSession)).scalar_one()
        turns = session.turns
        assert session.status == "completed" and session.duration_seconds >= 1
    assert len(turns) == 10  # greeting + nine caller turns
    assert [turn.kind for turn in turns][-1] == "goodbye"
    assert all(turn.timings.get("total_ms") is not None for turn in turns)
    assert [t.kind for t in turns].count("reprompt") == 1
    assert [t.kind for t in turns].count("unclear") == 1


def test_simulator_follows_redirects_and_falls_through_gather(app):
    app.config["GATHER_ACTION_ON_EMPTY_RESULT"] = False
    base_url, server = serve_in_process(app)
    try:
        result = Phone(base_url, "test-auth-token", ScriptedCaller(["", "bye"]),
                       out=quiet).call()
    finally:
        server.shutdown()
    assert result.ended_by == "hangup"
    with app.app_context():
        kinds = db.session.execute(db.select(Turn.kind).order_by(Turn.index)).scalars().all()
    assert kinds == ["greeting", "reprompt", "goodbye"]


def test_simulator_reports_a_forged_token_as_a_failed_call(app):
    base_url, server = serve_in_process(app)
    try:
        with pytest.raises(CallFailed, match="403"):
            Phone(base_url, "wrong-token", ScriptedCaller(["bye"]), out=quiet).call()
    finally:
        server.shutdown()


@pytest.mark.parametrize("data, kind", [
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", "wav"), (b"ID3\x04", "mp3"),
    (b"\xff\xfb\x90\x00", "mp3"), (b"\x00" * 8, None), (b"<Error/>", None)])
def test_audio_kind_reads_the_bytes(data, kind):
    assert audio_kind(data) == kind


@pytest.mark.slow
def test_ten_turn_call_against_gunicorn_after_migrations(tmp_path):
    from fitness_voice.config import database_url
    from tests.conftest import TEST_DATABASE_URL
    port = free_port()
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'gunicorn.db'}"
    env = {**os.environ, "DATABASE_URL": url, "PORT": str(port), "WEB_CONCURRENCY": "2",
           "TWILIO_AUTH_TOKEN": "gunicorn-token", "FLASK_APP": "wsgi"}
    if TEST_DATABASE_URL:
        with create_engine(database_url(url, tmp_path)).begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    server = subprocess.Popen([str(bin_dir / "gunicorn"), "wsgi:app", "--config",
                               "gunicorn.conf.py"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base_url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(base_url + "healthz", timeout=1).ok:
                    break
            except (requests.ConnectionError, requests.Timeout):  # bound, workers still warming
                time.sleep(0.3)
        result = Phone(base_url, "gunicorn-token", ScriptedCaller.from_file(SCRIPT),
                       out=quiet).call()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert result.ended_by == "hangup"
    with create_engine(database_url(url, tmp_path)).connect() as connection:
        turns = connection.execute(text(
            "SELECT turn.\"index\", turn.timings FROM turn JOIN call_session s "
            "ON s.id = turn.session_id WHERE s.call_sid = :sid ORDER BY turn.\"index\""),
            {"sid": result.call_sid}).all()
        status = connection.execute(text("SELECT status FROM call_session WHERE call_sid = :s"),
                                    {"s": result.call_sid}).scalar_one()
    assert [index for index, _ in turns] == list(range(10))
    assert status == "completed"
