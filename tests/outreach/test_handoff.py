"""Hand-off to a person: put through with a whisper when they answer; a call back
promised and recorded when they do not; "that's not what I asked" said twice
hands off too; a red flag is answered first, whatever else was asked."""

import xml.etree.ElementTree as ET

from fitness_voice.extensions import db
from fitness_voice.models import Handoff
from fitness_voice.outreach.cli import callbacks_command
from tests.conftest import TwilioActions
from tests.outreach.conftest import PERSON_NUMBER

NUMBER = "+15555550177"


def handoffs(app):
    with app.app_context():
        rows = db.session.execute(db.select(Handoff).order_by(Handoff.id)).scalars().all()
        return [(row.reason, row.status, row.callback_promised) for row in rows]


def dial_of(result):
    dials = [ET.fromstring(turn.twiml).find("Dial") for turn in result.turns
             if "<Dial" in turn.twiml]
    return dials[0] if dials else None


def test_put_through_to_a_person_who_answers(outreach):
    result = outreach.call_in(NUMBER, ["Sam", "skip", "can I talk to a real coach"],
                              dialled="answer")
    dial = dial_of(result)
    assert dial.find("Number").text == PERSON_NUMBER and dial.get("timeout") == "20"
    assert "I'll put you through to a coach" in " ".join(result.said)
    whisper = [turn for turn in result.turns if "handoff/whisper" in turn.url]
    assert "A caller, Sam, is asking for a person: they asked to talk to a person" in (
        whisper[0].twiml)
    assert result.ended_by == "hangup"
    assert handoffs(outreach.app) == [("asked", "connected", False)]


def test_no_answer_promises_a_call_back_the_operator_can_list(outreach):
    result = outreach.call_in(NUMBER, ["Sam", "skip", "I want to speak to a human", "bye"],
                              dialled="no-answer")
    said = " ".join(result.said)
    assert dial_of(result) is not None
    assert "a coach will call you soon" in said and "Goodbye" in said
    assert handoffs(outreach.app) == [("asked", "no-answer", True)]
    listed = outreach.app.test_cli_runner().invoke(callbacks_command)
    assert NUMBER in listed.output and "Sam" in listed.output and "(asked)" in listed.output


def test_a_repeated_complaint_hands_off(outreach):
    result = outreach.call_in(NUMBER, ["Sam", "skip", "how do I do a plank",
                                       "that's not what I asked", "that's not what I asked"],
                              dialled="answer")
    assert "I'm sorry I'm not getting this right" in " ".join(result.said)
    assert handoffs(outreach.app) == [("complaints", "connected", False)]


def test_a_red_flag_never_waits_on_a_hand_off(outreach):
    result = outreach.call_in(NUMBER, ["Sam", "skip",
                                       "I have chest pain, let me talk to a real person"],
                              dialled="answer")
    said = " ".join(result.said)
    assert "911" in said or "nine one one" in said
    assert dial_of(result) is None and handoffs(outreach.app) == []


def test_without_a_person_to_call_a_call_back_is_promised(make_app):
    app = make_app(HUMAN_COACH_NUMBER=None)
    twilio = TwilioActions(app.test_client(), "test-auth-token")
    assert "press zero" not in twilio.start().get_data(as_text=True)
    twilio.say(1, "Sam")
    twilio.say(2, "skip")
    answer = twilio.say(3, "put me through to a person").get_data(as_text=True)
    assert "I've noted that you'd like a call back" in answer and "<Dial" not in answer
    assert handoffs(app) == [("asked", "unavailable", True)]
