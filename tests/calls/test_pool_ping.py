"""Pooled connections are pinged only after sitting idle (fitness_voice/pool_ping.py),
on a real Postgres whose backend for the pooled connection is terminated."""

import pytest
from sqlalchemy import create_engine, exc, text

from fitness_voice.pool_ping import ping_when_idle
from tests.postgres import fresh_database


@pytest.fixture
def database():
    url, drop = fresh_database()
    yield url.replace("postgresql://", "postgresql+psycopg2://", 1)
    drop()


def pooled_engine(url, idle_seconds):
    engine = create_engine(url, pool_size=1, max_overflow=0)
    ping_when_idle(engine, idle_seconds)
    return engine


def backend_of(engine):
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar()


def terminate(engine, pid):
    with create_engine(engine.url).connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def test_a_busy_connection_is_not_pinged(database):
    engine = pooled_engine(database, idle_seconds=60)
    pings = []
    original = engine.dialect.do_ping
    engine.dialect.do_ping = lambda connection: pings.append(1) or original(connection)
    for _ in range(3):
        backend_of(engine)
    assert pings == []
    engine.dispose()


def test_an_idle_dead_connection_is_replaced_before_use(database):
    engine = pooled_engine(database, idle_seconds=0)
    pid = backend_of(engine)
    terminate(engine, pid)
    assert backend_of(engine) != pid  # the ping found it dead; a new one answered
    engine.dispose()


def test_a_busy_dead_connection_fails_once_then_the_pool_is_fresh(database):
    engine = pooled_engine(database, idle_seconds=60)
    pid = backend_of(engine)
    terminate(engine, pid)
    with pytest.raises(exc.DBAPIError) as failure:
        backend_of(engine)
    assert failure.value.connection_invalidated  # what calls/outage.py retries on
    assert backend_of(engine) != pid
    engine.dispose()
