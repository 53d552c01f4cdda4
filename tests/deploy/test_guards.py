"""The production guards: no throwaway database, no empty knowledge base, production defaults."""

import pytest

from fitness_voice import config as settings
from fitness_voice import create_app, create_database_app
from fitness_voice.config import ConfigError
from fitness_voice.retrieval import KnowledgeError, kb
from fitness_voice.retrieval.sync import apply_changes
from tests.conftest import app_config
from tests.retrieval.samples import copy_kb, make_kb

PRODUCTION = {"APP_ENV": "production", "TWILIO_AUTH_TOKEN": "a-real-token", "SECRET_KEY": "s",
              "PUBLIC_URL": "https://coach.example.com"}


@pytest.fixture
def no_database_url(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)


def test_production_refuses_to_start_without_a_database_url(no_database_url, tmp_path):
    config = {**app_config(tmp_path), **PRODUCTION, "SQLALCHEMY_DATABASE_URI": None}
    with pytest.raises(ConfigError, match="DATABASE_URL must be set when APP_ENV=production"):
        create_app(config)


def test_production_refuses_sqlite_unless_allowed(no_database_url, tmp_path):
    sqlite = {**PRODUCTION, "DATABASE_URL": f"sqlite:///{tmp_path}/coach.db"}
    with pytest.raises(ConfigError, match="ALLOW_SQLITE_IN_PRODUCTION"):
        create_database_app(sqlite)
    allowed = create_database_app({**sqlite, "ALLOW_SQLITE_IN_PRODUCTION": True})
    assert allowed.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    # Development still runs on SQLite with no URL at all.
    assert create_database_app({"APP_ENV": "development"}).config[
        "SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_production_accepts_postgres(no_database_url):
    app = create_database_app({**PRODUCTION, "DATABASE_URL": "postgres://u@127.0.0.1:5432/d"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg2://u@127.0.0.1:5432/d"


def test_production_defaults_are_onnx_and_twilio_say(monkeypatch):
    for name in ("EMBEDDINGS", "TTS_ENGINE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    production = settings.from_environment()
    assert (production["EMBEDDINGS"], production["TTS_ENGINE"]) == ("onnx", "say")


def test_an_empty_knowledge_base_stops_the_app(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(KnowledgeError, match="holds no passages"):
        create_app(app_config(tmp_path, KB_PATH=str(tmp_path / "empty"),
                              CHROMA_PATH=str(tmp_path / "chroma")))


def test_an_empty_folder_never_empties_an_index(tmp_path):
    kb_path = copy_kb(tmp_path / "kb", ["creatine.md", "hydration.md"])
    index = make_kb(kb_path, tmp_path / "chroma")
    total = index.sync()["added"]
    for path in kb_path.iterdir():
        path.unlink()  # a failed checkout, a wrong mount
    with pytest.raises(KnowledgeError, match="holds no passages"):
        index.sync()
    with pytest.raises(KnowledgeError, match="holds no passages"):
        index.sync_at_start()
    with pytest.raises(KnowledgeError, match="refusing to remove every passage"):
        apply_changes(index._get_collection(), [], index.embedder.embed, batch_size=64)
    assert index.count() == total
    # Only an explicit rebuild may leave it empty.
    assert index.sync(rebuild=True) == {"added": 0, "updated": 0, "removed": 0, "unchanged": 0}
    assert index.count() == 0
    assert kb.read_kb(kb_path) == []
