"""A fresh Postgres database for a test, on the server at 127.0.0.1:5432.

Outside CI a missing server skips the test with the reason; in CI (CI=true) it
fails, so a broken database set-up can never pass unnoticed.
"""

import os
import uuid

import psycopg2
import pytest

SERVER = os.environ.get("TEST_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432")


def _admin_connection():
    connection = psycopg2.connect(f"{SERVER}/postgres", connect_timeout=3)
    connection.autocommit = True
    return connection


def fresh_database():
    """Create an empty database; return (url, drop callable)."""
    try:
        admin = _admin_connection()
    except psycopg2.OperationalError as error:
        message = f"no Postgres server at {SERVER}: {error}".strip()
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    name = f"fitness_voice_test_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return f"{SERVER}/{name}", drop
