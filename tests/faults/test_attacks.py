"""Forged webhooks of every kind are refused and store nothing; a fuzz of every
route with signed, malformed requests gets 400/413 with a reason, never a 5xx
and never the apology that ends the call."""

import pytest
from hypothesis import HealthCheck, given, settings

from fitness_voice import lang
from fitness_voice.extensions import db
from tests.conftest import new_call_sid
from tests.faults.attacks import (
    PUBLIC_URL,
    ROUTES,
    call_fields,
    forgeries,
    fuzzed_request,
    seeded,
    send,
    signed,
)

FUZZ_CASES = 300  # bench/faults.py runs 10,000 and more


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from fitness_voice import create_app
    from tests.conftest import app_config, reset_database
    folder = tmp_path_factory.mktemp("attacks")
    app = create_app(app_config(folder, PUBLIC_URL=PUBLIC_URL, WAIT_FOR_REPLY_SECONDS=0.05,
                                SPOOL_DIR=str(folder / "spool")))
    reset_database(app)
    return app


def row_counts(app):
    with app.app_context():
        counts = {table.name: db.session.execute(db.select(db.func.count()).select_from(table))
                  .scalar_one() for table in db.metadata.sorted_tables}
        db.session.commit()
    return counts


def test_every_forgery_is_refused_and_stores_nothing(app):
    client, call_sid = app.test_client(), new_call_sid()
    before = row_counts(app)
    attempts = forgeries(call_sid, seeded(12))
    accepted = [(attempt.kind, attempt.path) for attempt in attempts
                if send(client, attempt).status_code < 300]
    assert accepted == [] and len(attempts) > 200
    assert row_counts(app) == before


def test_the_genuine_requests_the_forgeries_copy_are_accepted(app):
    client = app.test_client()
    form = call_fields(new_call_sid(), SpeechResult="how do I do a plank", Confidence="0.9")
    for path in ROUTES:  # guards the test above: a refusal must be for the forgery
        assert client.post(path, data=form, headers=signed(path, form)).status_code == 200


def test_a_body_over_the_limit_is_refused_before_it_is_parsed(app):
    body = b"SpeechResult=" + b"a" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = app.test_client().post("/voice/turn?n=1", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"})
    assert response.status_code == 413


@pytest.mark.parametrize("field, value, reason", [
    ("SpeechResult", "my knee\x00hurts", "SpeechResult contains a NUL byte"),
    ("From", "x" * 256, "From is longer than 255 characters"),
    ("CallStatus", "in-progress" * 3, "CallStatus is longer than 20"),
    ("CallDuration", "99999999999", "CallDuration is out of range"),
    ("Confidence", "nan", "Confidence must be a finite number"),
])
def test_values_that_do_not_fit_get_400_with_the_reason(app, field, value, reason):
    form = call_fields(new_call_sid(), **{field: value})
    path = "/voice/turn?n=1"
    response = app.test_client().post(path, data=form, headers=signed(path, form))
    assert response.status_code == 400 and reason in response.get_data(as_text=True)


@settings(max_examples=FUZZ_CASES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(attempt=fuzzed_request())
def test_fuzzed_signed_requests_get_an_answer_or_a_reason(app, attempt):
    response = send(app.test_client(), attempt)
    assert response.status_code in (200, 400, 404, 405, 413), response.get_data(as_text=True)
    assert not apology_instead_of_answer(attempt, response.get_data(as_text=True))


def apology_instead_of_answer(attempt, text):
    """The goodbye that ends the call, where the request deserved an answer or a 400.
    The fallback says it by design when the URL that failed is not a turn of ours."""
    return lang.catalogue()["web.apology"] in text and not attempt.path.startswith(
        "/voice/fallback")


def test_the_default_port_may_be_spelt_out_but_no_other_port_passes(app):
    form = call_fields(new_call_sid())
    client = app.test_client()
    with_port = signed("/voice", form, base="https://coach.example.com:443")
    assert client.post("/voice", data=form, headers=with_port).status_code == 200
    other_port = signed("/voice", form, base="https://coach.example.com:444")
    assert client.post("/voice", data=form, headers=other_port).status_code == 403


@pytest.mark.parametrize("public_url, message", [
    (None, "PUBLIC_URL must be set"),
    ("coach.example.com", "PUBLIC_URL must be http"),
    ("https://coach.example.com/?x=1", "PUBLIC_URL must be http"),
])
def test_production_needs_a_well_formed_public_url(tmp_path, public_url, message):
    from fitness_voice import create_app
    from fitness_voice.config import ConfigError
    with pytest.raises(ConfigError, match=message):
        create_app({"APP_ENV": "production", "SECRET_KEY": "s", "TWILIO_AUTH_TOKEN": "t",
                    "PUBLIC_URL": public_url,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
