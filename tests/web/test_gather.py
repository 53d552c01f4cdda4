"""<Gather> speech settings that Twilio accepts: no model with speechTimeout "auto"
by default, a whole number of seconds with a pinned model, and a refusal at start
(one line, with the reason) for a pair Twilio rejects."""

import xml.etree.ElementTree as ET

import pytest

from fitness_voice.config import ConfigError, gather_speech_timeout
from tests.conftest import TwilioActions


def gather(app):
    response = TwilioActions(app.test_client(), "test-auth-token").start()
    return ET.fromstring(response.get_data(as_text=True)).find("Gather")


def test_by_default_twilio_chooses_the_model_and_the_turn_ends_at_a_pause(app):
    found = gather(app)
    assert found.get("speechModel") is None
    assert found.get("speechTimeout") == "auto"


@pytest.mark.parametrize("model", ["deepgram_nova-3", "googlev2_telephony", "phone_call"])
def test_a_pinned_model_gets_one_second_of_silence(make_app, model):
    found = gather(make_app(GATHER_SPEECH_MODEL=model))
    assert (found.get("speechModel"), found.get("speechTimeout")) == (model, "1")


def test_a_pinned_model_takes_the_configured_whole_seconds(make_app):
    found = gather(make_app(GATHER_SPEECH_MODEL="deepgram_nova-3", GATHER_SPEECH_TIMEOUT="2"))
    assert found.get("speechTimeout") == "2"


@pytest.mark.parametrize("model, speech_timeout, reason", [
    ("deepgram_nova-3", "auto", "whole seconds with a model"),
    ("phone_call", "0", "at least 1"),
    ("", "1.5", "whole number"),
    ("nova-3", None, "not a Twilio speech model"),
])
def test_a_pair_twilio_rejects_stops_the_app(make_app, model, speech_timeout, reason):
    with pytest.raises(ConfigError) as refused:
        make_app(GATHER_SPEECH_MODEL=model, GATHER_SPEECH_TIMEOUT=speech_timeout)
    assert reason in str(refused.value) and "\n" not in str(refused.value)


def test_no_model_takes_auto_or_whole_seconds():
    assert gather_speech_timeout(None, None) == "auto"
    assert gather_speech_timeout("", "3") == "3"
