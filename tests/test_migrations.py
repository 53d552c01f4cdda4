"""The migrations build the schema the models describe, so `flask db upgrade`
(the Procfile's release step) brings a deployed database up to date."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from fitness_voice.extensions import db
from tests.postgres import fresh_database


def drift_after_upgrade(app):
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            return compare_metadata(MigrationContext.configure(connection), db.metadata)


def test_migrations_match_the_models_on_sqlite(make_app, tmp_path):
    app = make_app(reset=False, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'fresh.db'}")
    assert drift_after_upgrade(app) == []


def test_migrations_match_the_models_on_postgres_and_downgrade(make_app):
    url, drop = fresh_database()
    try:
        app = make_app(reset=False, SQLALCHEMY_DATABASE_URI=url)
        assert drift_after_upgrade(app) == []
        with app.app_context():
            downgrade(revision="base")
            assert db.inspect(db.engine).get_table_names() == ["alembic_version"]
            db.engine.dispose()
    finally:
        drop()
