"""How many SQL statements a turn costs, counted on a real Postgres with an
SQLAlchemy event listener: one locking read of the call, the turn and its history
in one query, the claim, then the state and the turn (timings included) at once.
Before this count was kept, a plain turn took 14 statements."""

import pytest
from sqlalchemy import event

from fitness_voice.extensions import db
from tests.conftest import TwilioActions
from tests.postgres import fresh_database

PLAIN_TURN_STATEMENTS = 5


@pytest.fixture
def counted(make_app):
    url, drop = fresh_database()
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    statements = []
    with app.app_context():
        engine = db.engine

    def seen(connection, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))
    event.listen(engine, "before_cursor_execute", seen)
    yield app, statements
    event.remove(engine, "before_cursor_execute", seen)
    engine.dispose()
    drop()


def statements_of(statements, twilio, n, speech):
    statements.clear()
    twilio.say(n, speech)
    return list(statements)


def test_a_turn_reads_the_call_once_and_writes_once(counted):
    app, statements = counted
    twilio = TwilioActions(app.test_client(), "test-auth-token")
    twilio.start()
    turns = [statements_of(statements, twilio, n, line) for n, line in
             enumerate(["skip", "how much protein do I need", "", "how do I do a plank"], 1)]
    print("statements per turn:", [len(turn) for turn in turns])
    for turn in turns:
        assert len(turn) == PLAIN_TURN_STATEMENTS, "\n".join(turn)
        assert sum("FROM call_session" in s and "FOR UPDATE" in s for s in turn) == 1
        assert sum(s.startswith("SELECT") and "FROM turn" in s for s in turn) == 1
        assert sum(s.startswith("INSERT INTO turn") for s in turn) == 1
        assert not any(s.startswith("UPDATE turn") for s in turn)  # timings in the INSERT
        assert not any("FROM caller" in s or "FROM workout" in s for s in turn)


def test_the_training_summary_is_read_again_after_the_log_changes(counted):
    app, statements = counted
    twilio = TwilioActions(app.test_client(), "test-auth-token")
    twilio.start()
    twilio.say(1, "skip")
    statements_of(statements, twilio, 2, "make me a plan for the week")
    after_plan = statements_of(statements, twilio, 3, "what's today's workout")
    assert any("FROM weekly_plan" in s for s in after_plan)  # the new plan is seen
    later = statements_of(statements, twilio, 4, "how much protein do I need")
    assert not any("FROM weekly_plan" in s for s in later)
