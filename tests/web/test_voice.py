"""The webhooks, end to end through Flask, with signatures on as Twilio sends them."""

import xml.etree.ElementTree as ET

import pytest

from fitness_voice.extensions import db
from fitness_voice.models import Caller, CallSession, Turn


def twiml(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    return ET.fromstring(response.get_data(as_text=True))


def spoken(document):
    return " ".join(el.text or "" for el in document.iter() if el.tag in ("Say", "Play"))


def rows(app, model):
    with app.app_context():
        return db.session.execute(db.select(model)).scalars().all()


def test_incoming_call_greets_inside_a_speech_gather(twilio):
    document = twiml(twilio.start())
    gather = document.find("Gather")
    assert gather is not None
    assert gather.get("input") == "dtmf speech" and gather.get("numDigits") == "1"
    assert gather.get("action") == "/voice/turn?n=1"
    assert gather.get("speechTimeout") == "auto"
    assert gather.get("speechModel") is None
    assert gather.get("actionOnEmptyResult") == "true"
    assert "squat" in gather.get("hints")
    assert "coach" in spoken(gather)


def test_gather_settings_come_from_config(make_app):
    from tests.conftest import TwilioActions
    app = make_app(GATHER_SPEECH_TIMEOUT="2", GATHER_SPEECH_MODEL="", GATHER_TIMEOUT=7,
                   GATHER_LANGUAGE="en-GB", GATHER_HINTS="")
    gather = twiml(TwilioActions(app.test_client(), "test-auth-token").start()).find("Gather")
    assert (gather.get("speechTimeout"), gather.get("timeout"), gather.get("language")) == \
        ("2", "7", "en-GB")
    assert gather.get("speechModel") is None and gather.get("hints") is None


def test_a_question_gets_a_reply_and_the_next_gather(twilio, app):
    twilio.start()
    document = twiml(twilio.say(1, "hello coach"))
    assert document.find("Gather").get("action") == "/voice/turn?n=2"
    turns = rows(app, Turn)
    assert [t.index for t in turns] == [0, 1]
    assert turns[1].speech == "hello coach" and turns[1].confidence == pytest.approx(0.93)
    assert set(turns[1].timings) >= {"db_ms", "coach_ms", "speech_ms", "total_ms"}


def test_silence_reprompts_then_says_goodbye_after_the_configured_misses(make_app):
    from tests.conftest import TwilioActions
    app = make_app(MAX_MISSED_TURNS=2)
    twilio = TwilioActions(app.test_client(), "test-auth-token")
    twilio.start()
    first = twiml(twilio.say(1, ""))
    assert first.find("Gather") is not None and "didn't hear" in spoken(first)
    second = twiml(twilio.say(2, ""))
    assert second.find("Hangup") is not None and second.find("Gather") is None
    assert [t.kind for t in rows(app, Turn)] == ["greeting", "reprompt", "silence-goodbye"]


def test_speech_resets_the_missed_count(twilio):
    twilio.start()
    twilio.say(1, "")
    twilio.say(2, "")
    twiml(twilio.say(3, "hi"))
    assert twiml(twilio.say(4, "")).find("Gather") is not None


def test_low_confidence_asks_once_then_takes_what_it_heard(twilio, app):
    twilio.start()
    assert "say it again" in spoken(twiml(twilio.say(1, "mumble", confidence="0.1")))
    twiml(twilio.say(2, "thank you", confidence="0.1"))
    assert [t.kind for t in rows(app, Turn)][1:] == ["unclear", "thanks"]


def test_missing_confidence_is_not_low_confidence(twilio, app):
    twilio.start()
    twilio.post("/voice/turn?n=1", SpeechResult="hello")
    assert rows(app, Turn)[1].kind != "unclear"


@pytest.mark.parametrize("goodbye", ["bye", "Goodbye.", "that's all", "ok thanks bye",
                                     "hang up", "that's all for today"])
def test_goodbye_closes_the_call(twilio, goodbye):
    twilio.start()
    document = twiml(twilio.say(1, goodbye))
    assert document.find("Hangup") is not None
    assert "Goodbye" in spoken(document)


@pytest.mark.parametrize("not_goodbye", ["how do I say bye to belly fat", "byes and lunges"])
def test_words_containing_bye_do_not_hang_up(twilio, not_goodbye):
    twilio.start()
    assert twiml(twilio.say(1, not_goodbye)).find("Hangup") is None


def test_returning_caller_is_greeted_by_name(twilio, app):
    twilio.start()
    with app.app_context():
        caller = db.session.execute(db.select(Caller)).scalar_one()
        caller.name = "Sam"
        db.session.commit()
    twilio.call_sid = twilio.call_sid[:-4] + "beef"
    assert "Sam" in spoken(twiml(twilio.start()))


def test_status_callback_closes_the_session(twilio, app):
    twilio.start()
    answer = twilio.post("/voice/status", CallStatus="completed", CallDuration="42")
    assert answer.status_code == 200
    session = rows(app, CallSession)[0]
    assert (session.status, session.duration_seconds) == ("completed", 42)
    assert session.ended_at is not None


# -- retries and concurrency ---------------------------------------------------

def test_the_same_turn_posted_twice_is_stored_once_and_answered_alike(twilio, app):
    twilio.start()
    first = twilio.say(1, "hello")
    second = twilio.say(1, "hello")
    assert first.get_data() == second.get_data()
    assert [t.index for t in rows(app, Turn)] == [0, 1]


def test_the_incoming_call_posted_twice_makes_one_session(twilio, app):
    assert twilio.start().get_data() == twilio.start().get_data()
    assert len(rows(app, CallSession)) == 1 and len(rows(app, Turn)) == 1


def test_a_turn_for_an_unknown_call_starts_its_session(twilio, app):
    twiml(twilio.say(1, "hello"))
    assert len(rows(app, CallSession)) == 1


# -- security and bad input ----------------------------------------------------

@pytest.mark.parametrize("path", ["/voice", "/voice/turn?n=1", "/voice/status", "/voice/fallback"])
def test_unsigned_requests_are_refused_and_store_nothing(client, twilio, app, path):
    response = client.post(path, data=twilio.params(SpeechResult="hi"))
    assert response.status_code == 403
    forged = client.post(path, data=twilio.params(SpeechResult="hi"),
                         headers={"X-Twilio-Signature": "AAAAAAAAAAAAAAAAAAAAAAAAAAA="})
    assert forged.status_code == 403
    assert rows(app, CallSession) == [] and rows(app, Caller) == []


def test_a_signature_for_other_parameters_is_refused(client, twilio):
    signature = twilio.validator.compute_signature("http://localhost/voice", twilio.params())
    response = client.post("/voice", data=twilio.params(From="+15550000000"),
                           headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def test_the_signature_is_checked_against_the_public_url(make_app):
    from tests.conftest import TwilioActions
    app = make_app(PUBLIC_URL="https://coach.example.com")
    twilio = TwilioActions(app.test_client(), "test-auth-token", "https://coach.example.com")
    assert twilio.post("/voice").status_code == 200
    assert len(rows(app, CallSession)) == 1


def test_forwarded_headers_do_not_choose_the_validated_url(make_app):
    from tests.conftest import TwilioActions
    app = make_app(PUBLIC_URL="https://coach.example.com")
    twilio = TwilioActions(app.test_client(), "test-auth-token", "https://staging.example.com")
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "staging.example.com",
               "Host": "staging.example.com"}
    assert twilio.post("/voice", headers=headers).status_code == 403


@pytest.mark.parametrize("fields, reason", [
    ({"CallSid": ""}, "CallSid is required"),
    ({"CallSid": "not-a-call"}, "CallSid must be"),
    ({"From": ""}, "From is required"),
    ({"SpeechResult": "x" * 2001}, "SpeechResult is longer"),
    ({"Confidence": "very"}, "Confidence must be a number"),
    ({"Confidence": "7"}, "Confidence is out of range"),
])
def test_malformed_requests_get_400_with_a_reason(twilio, app, fields, reason):
    response = twilio.post("/voice/turn?n=1", **fields)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)
    assert rows(app, Turn) == []


def test_a_bad_turn_number_gets_400(twilio):
    assert twilio.post("/voice/turn?n=zero").status_code == 400


def test_production_refuses_to_start_without_an_auth_token(monkeypatch, tmp_path):
    from fitness_voice import create_app
    from fitness_voice.config import ConfigError
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN"):
        create_app({"APP_ENV": "production", "SECRET_KEY": "s",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_development_uses_the_development_token(monkeypatch, tmp_path):
    from fitness_voice import create_app
    from fitness_voice.config import DEVELOPMENT_AUTH_TOKEN
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["TWILIO_AUTH_TOKEN"] == DEVELOPMENT_AUTH_TOKEN


def test_heroku_postgres_urls_are_accepted():
    from fitness_voice.config import database_url
    assert database_url("postgres://u:p@h:5432/d", "/i") == "postgresql+psycopg2://u:p@h:5432/d"
    assert database_url(None, "/i").startswith("sqlite:////i/")


# -- failures ------------------------------------------------------------------

def test_fallback_asks_again_without_the_database(make_app):
    from tests.conftest import TwilioActions
    app = make_app(reset=False, SQLALCHEMY_DATABASE_URI="postgresql://nobody@127.0.0.1:1/none")
    document = twiml(TwilioActions(app.test_client(), "test-auth-token").post(
        "/voice/fallback", ErrorCode="11205", ErrorUrl="https://x/voice/turn?n=4"))
    assert document.find("Hangup") is None and "Sorry" in spoken(document)
    assert document.find("Gather").get("action") == "/voice/turn?n=4"


def test_fallback_says_goodbye_when_the_failed_url_is_not_a_turn(make_app):
    from tests.conftest import TwilioActions
    app = make_app(reset=False, SQLALCHEMY_DATABASE_URI="postgresql://nobody@127.0.0.1:1/none")
    document = twiml(TwilioActions(app.test_client(), "test-auth-token").post(
        "/voice/fallback", ErrorCode="11205"))
    assert document.find("Hangup") is not None and "Sorry" in spoken(document)


def test_a_database_outage_still_answers_twiml(make_app):
    from tests.conftest import TwilioActions
    app = make_app()
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    with app.app_context():
        db.drop_all()  # every query now fails
    document = twiml(TwilioActions(app.test_client(), "test-auth-token").say(1, "hello"))
    assert document.find("Hangup") is not None and "Sorry" in spoken(document)


def test_a_failing_coach_still_answers_and_stores_the_turn(twilio, app):
    def broken(turn):
        raise RuntimeError("boom")
    app.extensions["fitness_voice"].coach.pipeline.answer = broken
    twilio.start()
    document = twiml(twilio.say(1, "how many squats"))
    assert document.find("Gather") is not None
    assert rows(app, Turn)[1].kind == "error"


def test_a_failing_speech_engine_falls_back_to_say(twilio, app):
    class Broken:
        def audio_url(self, text):
            raise OSError("engine crashed")
    app.extensions["fitness_voice"].speaker = Broken()
    document = twiml(twilio.start())
    assert document.find("Gather/Say") is not None
