"""Start-up checks of the configured providers: one sentence per problem, real sockets."""

import logging
import socket

import pytest

from fitness_voice import preflight
from tests.peers.polly_server import PollyPeer
from tests.peers.s3_server import aws_environment, closed_port

FAST = {"STARTUP_CHECK_TIMEOUT": 1.0}


def test_nothing_configured_nothing_checked():
    assert preflight.problems({"TTS_ENGINE": "say", **FAST}) == []


def test_an_unreachable_openai_is_named_with_its_variable():
    config = {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": f"http://127.0.0.1:{closed_port()}/v1"}
    [problem] = preflight.problems({**config, **FAST})
    assert problem.startswith("OpenAI at 127.0.0.1:") and "OPENAI_BASE_URL" in problem


def test_a_reachable_openai_is_no_problem(openai_server):
    config = {"OPENAI_API_KEY": "k", "OPENAI_BASE_URL": openai_server.base_url}
    assert preflight.problems({**config, **FAST}) == []


def test_a_base_url_without_a_key():
    [problem] = preflight.problems({"OPENAI_BASE_URL": "http://127.0.0.1:1/v1", **FAST})
    assert "OPENAI_API_KEY is not" in problem


def test_polly_without_credentials(monkeypatch):
    aws_environment(monkeypatch)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    with PollyPeer() as peer:
        [problem] = preflight.problems({"TTS_ENGINE": "polly", "POLLY_ENDPOINT_URL": peer.url,
                                        **FAST})
    assert "no AWS credentials" in problem and "AWS_ACCESS_KEY_ID" in problem


def test_polly_with_credentials_and_its_endpoint_up(monkeypatch):
    aws_environment(monkeypatch)
    with PollyPeer() as peer:
        assert preflight.problems({"TTS_ENGINE": "polly", "POLLY_ENDPOINT_URL": peer.url,
                                   **FAST}) == []


def test_every_problem_at_once(monkeypatch):
    aws_environment(monkeypatch)
    down = closed_port()
    config = {"TTS_ENGINE": "polly", "POLLY_ENDPOINT_URL": f"http://127.0.0.1:{down}",
              "AUDIO_STORE": "s3", "AUDIO_BUCKET": "b", "S3_ENDPOINT_URL": f"http://127.0.0.1:{down}",
              "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": down,
              "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg2://u@127.0.0.1:{down}/d", **FAST}
    found = preflight.problems(config)
    assert [problem.split(" at ")[0] for problem in found] == [
        "Polly", "S3", "the Chroma server", "the database"]
    assert [variable for variable in ("POLLY_ENDPOINT_URL", "S3_ENDPOINT_URL", "CHROMA_HOST",
                                      "DATABASE_URL") if any(variable in p for p in found)] == [
        "POLLY_ENDPOINT_URL", "S3_ENDPOINT_URL", "CHROMA_HOST", "DATABASE_URL"]


def test_a_listener_that_accepts_counts_as_reachable():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert preflight.problems({"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": port,
                                   **FAST}) == []


@pytest.mark.usefixtures("openai_server")
def test_the_app_logs_one_line_per_problem(make_app, caplog):
    with caplog.at_level(logging.WARNING, logger="fitness_voice.preflight"):
        make_app(reset=False, OPENAI_API_KEY="k",
                 OPENAI_BASE_URL=f"http://127.0.0.1:{closed_port()}/v1")
    lines = [r.getMessage() for r in caplog.records if r.name == "fitness_voice.preflight"]
    assert len(lines) == 1 and lines[0].startswith("start-up check: OpenAI at 127.0.0.1:")
