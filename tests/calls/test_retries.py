"""Idempotency without the turn number: a /voice/turn request that lacks `n` is
numbered from the call's state, so Twilio's retries of it store one turn."""

from fitness_voice.extensions import db
from fitness_voice.models import Turn


def stored(app):
    with app.app_context():
        return db.session.execute(db.select(Turn.index, Turn.speech).order_by(Turn.index)).all()


def post_without_n(twilio, speech, token=None):
    headers = {"I-Twilio-Idempotency-Token": token} if token else {}
    return twilio.post("/voice/turn", headers=headers, SpeechResult=speech, Confidence="0.9")


def test_retries_with_the_idempotency_token_store_one_turn(twilio, app):
    twilio.start()
    answers = [post_without_n(twilio, "how much protein do I need", "token-1")
               for _ in range(3)]
    assert len({answer.get_data(as_text=True) for answer in answers}) == 1
    assert stored(app) == [(0, None), (1, "how much protein do I need")]
    post_without_n(twilio, "how do I do a plank", "token-2")
    assert [index for index, _ in stored(app)] == [0, 1, 2]


def test_retries_without_a_token_are_known_by_what_they_posted(twilio, app):
    twilio.start()
    for _ in range(3):
        post_without_n(twilio, "skip")
    post_without_n(twilio, "how much protein do I need")
    assert stored(app) == [(0, None), (1, "skip"), (2, "how much protein do I need")]


def test_a_numbered_turn_and_its_unnumbered_retry_are_one_turn(twilio, app):
    twilio.start()
    headers = {"I-Twilio-Idempotency-Token": "token-7"}
    first = twilio.post("/voice/turn?n=1", headers=headers, SpeechResult="skip")
    retry = twilio.post("/voice/turn", headers=headers, SpeechResult="skip")
    assert first.get_data() == retry.get_data()
    assert [index for index, _ in stored(app)] == [0, 1]
