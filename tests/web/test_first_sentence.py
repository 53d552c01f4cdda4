"""First sentence first: the reply's first sentence is spoken (<Play> or <Say>,
then <Redirect>) before the rest exists, and the continuation answers the rest
inside the next <Gather>. The LLM is the local Chat Completions peer, streaming;
it holds the rest of a reply back until the test lets it go, so nothing is timed."""

import xml.etree.ElementTree as ET

import pytest

from fitness_voice.extensions import db
from fitness_voice.models import Turn
from tests.conftest import TwilioActions
from tests.peers.polly_server import PollyPeer
from tests.peers.s3_server import aws_environment

REPLY = ("Warm up for five minutes first. Then do three sets of ten squats. "
         "Rest a minute between sets.")
FIRST = "Warm up for five minutes first."
REST = "Then do three sets of ten squats. Rest a minute between sets."
QUESTION = "how should I start doing squats"


def document(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return ET.fromstring(response.get_data(as_text=True))


def words(element):
    return " ".join(el.text or "" for el in element.iter() if el.tag == "Say")


def stored_turn(app, index):
    with app.app_context():
        return db.session.execute(db.select(Turn).filter_by(index=index)).scalar_one()


def past_the_intake(app):
    twilio = TwilioActions(app.test_client(), "test-auth-token")
    document(twilio.start())
    skipped = document(twilio.say(1, "skip"))
    if "/rest" in (skipped[-1].text or ""):  # a long reply: its rest, once the turn is stored
        document(twilio.post(skipped[-1].text))
    return twilio


@pytest.fixture
def streaming_call(make_app, openai_server):
    """A call past the intake, on an app whose LLM (the peer) streams."""
    def start(**settings):
        settings = {"WAIT_FOR_REPLY_SECONDS": 20, **settings}
        app = make_app(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=openai_server.base_url,
                       OPENAI_TIMEOUT=20.0, OPENAI_STREAM=True, **settings)
        twilio = past_the_intake(app)
        openai_server.reply_text = REPLY
        return app, twilio
    return start


def test_the_first_sentence_is_spoken_then_the_rest_inside_the_next_gather(
        streaming_call, openai_server):
    app, twilio = streaming_call()
    openai_server.pause_after_words = 8  # the first sentence, and the next one begun
    first = document(twilio.say(2, QUESTION))
    assert [el.tag for el in first] == ["Say", "Redirect"]
    assert words(first) == FIRST
    assert first.find("Redirect").text == "/voice/turn/rest?n=2"
    assert len(openai_server.requests) == 1 and not openai_server.resume.is_set()

    openai_server.resume.set()  # the model finishes while the caller hears the first
    rest = document(twilio.post("/voice/turn/rest?n=2"))
    gather = rest.find("Gather")
    assert gather.get("action") == "/voice/turn?n=3"
    assert words(gather) == REST
    turn = stored_turn(app, 2)
    assert turn.reply == REPLY  # the whole reply is the turn
    assert turn.details["source"] == "openai" and turn.details["first_sentence_spoken"]

    retried = document(twilio.say(2, QUESTION))  # Twilio's retry hears the whole reply
    assert words(retried.find("Gather")) == REPLY


def test_with_rendered_audio_it_is_play_then_redirect_and_the_rest_is_one_clip(
        streaming_call, openai_server, monkeypatch, tmp_path):
    aws_environment(monkeypatch)
    with PollyPeer(renderer="tone") as polly:
        app, twilio = streaming_call(TTS_ENGINE="polly", POLLY_ENDPOINT_URL=polly.url,
                                     AUDIO_DIR=str(tmp_path / "audio"))
        openai_server.pause_after_words = 8
        first = document(twilio.say(2, QUESTION))
        assert [el.tag for el in first] == ["Play", "Redirect"]
        openai_server.resume.set()
        gather = document(twilio.post("/voice/turn/rest?n=2")).find("Gather")
        assert [el.tag for el in gather] == ["Play"]
        for url in (first.find("Play").text, gather.find("Play").text):
            with twilio.client.get(url) as audio:
                assert audio.status_code == 200 and audio.mimetype.startswith("audio/")
        spoken = [p for p in polly.requests if "Warm up" in str(p) or "squats" in str(p)]
        assert len(spoken) == 2  # the first sentence, then the rest as one clip


def test_an_unsafe_first_sentence_is_never_spoken_early(streaming_call, openai_server):
    app, twilio = streaming_call()
    openai_server.reply_text = ("You have a torn meniscus, so rest it. "
                                "Then do three sets of ten squats.")
    answer = document(twilio.say(2, QUESTION))
    assert answer.find("Redirect").text == "/voice/turn?n=3"  # the Gather's own fall-through
    assert "meniscus" not in words(answer)
    assert "meniscus" not in stored_turn(app, 2).reply


@pytest.mark.parametrize("ending", ["close", "error"])
def test_a_stream_failing_after_the_first_sentence_ends_the_reply_there(
        streaming_call, openai_server, ending):
    app, twilio = streaming_call()
    openai_server.mode, openai_server.cut_ending = "cut", ending
    openai_server.cut_after, openai_server.pause_after_words = 10, 8
    first = document(twilio.say(2, QUESTION))
    assert words(first) == FIRST
    openai_server.resume.set()
    rest = document(twilio.post("/voice/turn/rest?n=2"))
    assert rest.find("Gather").get("action") == "/voice/turn?n=3"
    assert words(rest) == ""  # nothing whole came after it: listen again
    turn = stored_turn(app, 2)
    assert turn.reply == FIRST and turn.details["llm_error"]


def test_a_stream_failing_before_the_first_sentence_answers_from_the_kb(
        streaming_call, openai_server):
    app, twilio = streaming_call()
    openai_server.mode, openai_server.cut_after = "cut", 3
    answer = document(twilio.say(2, "how much protein do I need"))
    heard = words(answer)
    if answer[-1].tag == "Redirect" and "rest" in answer[-1].text:  # a long grounded answer
        heard += " " + words(document(twilio.post(answer[-1].text)))
    assert "protein" in heard.lower()
    turn = stored_turn(app, 2)
    assert turn.details["source"] == "grounded" and turn.details["llm_error"]


def test_a_reply_replaced_after_its_first_sentence_continues_with_the_replacement(
        streaming_call, openai_server):
    app, twilio = streaming_call()
    openai_server.reply_text = f"{FIRST} You have a torn meniscus, so rest it for a month."
    openai_server.pause_after_words = 8
    first = document(twilio.say(2, QUESTION))
    assert words(first) == FIRST
    openai_server.resume.set()
    rest = words(document(twilio.post("/voice/turn/rest?n=2")))
    assert "meniscus" not in rest and rest == stored_turn(app, 2).reply


def test_a_first_sentence_later_than_the_filler_is_not_spoken_early(
        streaming_call, openai_server):
    app, twilio = streaming_call(SLOW_REPLY_SECONDS=0.2)
    openai_server.pause_after_words = 3  # the first sentence cannot be complete yet
    held = document(twilio.say(2, QUESTION))
    assert held.find("Redirect").text == "/voice/turn/wait?n=2"  # the filler
    openai_server.resume.set()
    answer = document(twilio.post("/voice/turn/wait?n=2"))
    assert words(answer.find("Gather")) == REPLY
    assert "first_sentence_spoken" not in stored_turn(app, 2).details


def test_the_rest_is_waited_for_in_steps_then_asked_again_under_the_next_turn(
        streaming_call, openai_server):
    app, twilio = streaming_call(WAIT_STEP_SECONDS=0.1, WAIT_FOR_REPLY_SECONDS=0.2)
    openai_server.pause_after_words = 8  # the rest is held back until the end
    try:
        assert words(document(twilio.say(2, QUESTION))) == FIRST
        still = document(twilio.post("/voice/turn/rest?n=2"))
        assert words(still) == "Still thinking."
        assert still.find("Redirect").text == "/voice/turn/rest?n=2&w=1"
        last = document(twilio.post("/voice/turn/rest?n=2&w=1"))
        assert "too long" in words(last)
        assert last.find("Gather").get("action") == "/voice/turn?n=3"
    finally:
        openai_server.resume.set()


def test_a_full_turn_pool_asks_the_caller_again_at_once(streaming_call, openai_server):
    app, first = streaming_call(TURN_WORKERS=1, TURN_BACKLOG=0)
    second = past_the_intake(app)
    openai_server.pause_after_words = 8  # the first caller's turn keeps the one worker
    try:
        assert words(document(first.say(2, QUESTION))) == FIRST
        busy = document(second.say(2, QUESTION))
    finally:
        openai_server.resume.set()
    assert "busy" in words(busy)
    assert busy.find("Gather").get("action") == "/voice/turn?n=2"  # the same turn, again
    assert words(document(first.post("/voice/turn/rest?n=2")).find("Gather")) == REST
