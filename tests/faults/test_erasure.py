"""After "forget me" and "yes", nothing of the caller is left in any table, and
the log never carries their number or words."""

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from fitness_voice.extensions import db
from fitness_voice.models import Caller
from tests.conftest import TwilioActions, new_call_sid
from tests.postgres import fresh_database

NUMBER = "+15555550123"
SIP_FROM = "sip:+15555550123@fitness-voice.sip.us1.twilio.com"  # 49 characters
WORDS = ["Jordan", "quadriceps", "marathon"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One app for the module, on a fresh Postgres database (its columns are sized)."""
    from fitness_voice import create_app
    from tests.conftest import app_config
    url, drop = fresh_database()
    app = create_app(app_config(tmp_path_factory.mktemp("erasure"), SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()
    drop()


def every_row(app):
    """Every row of every table the models know, as text."""
    with app.app_context():
        dump = {table.name: [tuple(row) for row in db.session.execute(table.select())]
                for table in db.metadata.sorted_tables}
        db.session.commit()
    return dump


def a_call(app, number):
    twilio = TwilioActions(app.test_client(), "test-auth-token")
    twilio.from_number = number
    return twilio


def say_all(twilio, lines, start=1):
    for n, line in enumerate(lines, start):
        assert twilio.say(n, line).status_code == 200
    return start + len(lines)


def test_forget_me_leaves_nothing_of_the_caller_in_any_table(app):
    other = a_call(app, "+15555550999")
    other.start()
    say_all(other, ["Casey", "build muscle"])

    earlier = a_call(app, NUMBER)
    earlier.start()
    say_all(earlier, ["Jordan", "I want to run a marathon", "how do I stretch my quadriceps"])
    earlier.post("/voice/status", CallStatus="completed", CallDuration="60")

    today = a_call(app, NUMBER)
    assert "Jordan" in today.start().get_data(as_text=True)
    n = say_all(today, ["how do I stretch my quadriceps", "forget me", "yes"])
    # From that point on too: the rest of this call keeps none of their words.
    say_all(today, ["my name is Jordan and I run marathons"], start=n)
    mid_call = every_row(app)
    session_id = next(row[0] for row in mid_call["call_session"] if row[1] == today.call_sid)
    assert all(turn[4] is None for turn in mid_call["turn"] if turn[1] == session_id)
    for trace in [NUMBER, "quadriceps", earlier.call_sid]:
        assert trace not in str(mid_call), (trace, mid_call)
    today.post("/voice/status", CallStatus="completed", CallDuration="90")

    dump = str(every_row(app))
    for trace in [NUMBER, earlier.call_sid, today.call_sid, *WORDS]:
        assert trace not in dump
    assert "Casey" in dump and other.call_sid in dump  # only this caller went

    again = a_call(app, NUMBER)
    assert "Welcome back" not in again.start().get_data(as_text=True)


def test_a_sip_caller_longer_than_the_old_column_is_answered(app):
    response = a_call(app, SIP_FROM).start()
    assert response.status_code == 200 and b"Gather" in response.data
    with app.app_context():
        query = db.select(Caller.phone_number).filter_by(phone_number=SIP_FROM)
        assert db.session.execute(query).scalar_one() == SIP_FROM
        db.session.commit()


def test_database_errors_in_the_log_carry_no_number(app, caplog):
    number = "+15555550777"
    with app.app_context():
        db.session.add(Caller(phone_number=number, profile={}))
        db.session.commit()
        db.session.add(Caller(phone_number=number, profile={}))
        with caplog.at_level(logging.ERROR), pytest.raises(IntegrityError):
            try:
                db.session.commit()  # Postgres' DETAIL quotes the duplicate key
            except IntegrityError:
                logging.getLogger("fitness_voice.test").exception("store failed for %s",
                                                                  SIP_FROM)
                raise
        db.session.rollback()
    logged = caplog.text
    assert "already exists" in logged and "Traceback" in logged
    assert number not in logged and "15555550777" not in logged and SIP_FROM not in logged


def test_a_transcript_is_not_logged_with_its_field_name():
    from fitness_voice.redaction import redact
    assert "knee" not in redact("form: SpeechResult=my knee hurts&Confidence=0.9")
    assert "Confidence=0.9" in redact("form: SpeechResult=my knee hurts&Confidence=0.9")
    assert new_call_sid()[:2] == "CA"
