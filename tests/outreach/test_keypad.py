"""The keypad: <Gather> takes dtmf and speech; the greeting offers 0 for a person;
in a workout 1 is done, 2 repeat, 3 easier and 9 stop, said once when it starts."""

import xml.etree.ElementTree as ET

import pytest

from tests.conftest import TwilioActions
from tests.outreach.conftest import PERSON_NUMBER


@pytest.fixture
def phone(make_app):
    app = make_app(HUMAN_COACH_NUMBER=PERSON_NUMBER)
    return TwilioActions(app.test_client(), app.config["TWILIO_AUTH_TOKEN"])


def press(phone, n, digit):
    return phone.post(f"/voice/turn?n={n}", Digits=digit).get_data(as_text=True)


def said(twiml):
    return " ".join(element.text or "" for element in ET.fromstring(twiml).iter("Say"))


def test_out_of_a_workout_zero_reaches_a_person_and_two_repeats(phone):
    greeting = phone.start().get_data(as_text=True)
    gather = ET.fromstring(greeting).find("Gather")
    assert gather.get("input") == "dtmf speech" and gather.get("numDigits") == "1"
    assert "press zero at any time to reach a person" in said(greeting)
    asked_name = said(greeting).replace(" You can press zero at any time to reach a person.", "")
    assert said(press(phone, 1, "2")) == asked_name  # "say that again"
    transfer = ET.fromstring(press(phone, 2, "0"))
    assert transfer.find("Dial/Number").text == PERSON_NUMBER


def test_in_a_workout_the_keys_are_its_commands_told_once(phone):
    phone.start()
    phone.say(1, "skip")
    started = said(phone.say(2, "let's work out, ten minutes, no equipment").get_data(
        as_text=True))
    hint = ("You can also use the keypad: one for done, two to repeat, three for easier, "
            "nine to stop.")
    assert hint in started and started.index(hint) < started.index("Warm-up: March in place")
    step = said(press(phone, 3, "1"))  # done: the next move
    assert step.startswith("Warm-up: Hip circles")
    assert said(press(phone, 4, "2")) == step  # repeat
    assert said(press(phone, 5, "3")).startswith("That's already the easiest version")
    assert said(press(phone, 6, "1")).startswith("Warm-up: Leg swings")
    assert said(press(phone, 7, "9")).startswith("Okay, we'll stop here.")
    again = said(phone.say(8, "let's work out").get_data(as_text=True))
    assert again.startswith("Here's a ten-minute full body session") and hint not in again
