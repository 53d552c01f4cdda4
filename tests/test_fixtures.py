"""Replay each recorded call against a fresh app; the answers must match in structure
(verbs, attributes, spoken text). See tests/fixtures.py to re-record."""

import json

import pytest

from fitness_voice import create_app
from fitness_voice.extensions import db
from tests.conftest import TwilioActions
from tests.fixtures import AUTH_TOKEN, FIXTURES, fixture_config, normalise

RECORDINGS = sorted(FIXTURES.glob("*.json"))


def test_there_are_recordings():
    assert RECORDINGS, "no recorded calls in tests/fixtures"


@pytest.mark.parametrize("recording_path", RECORDINGS, ids=lambda path: path.stem)
def test_replayed_call_answers_as_recorded(recording_path, tmp_path, shared_index):
    recording = json.loads(recording_path.read_text(encoding="utf-8"))
    app = create_app(fixture_config(tmp_path, shared_index))
    with app.app_context():
        db.create_all()
    twilio = TwilioActions(app.test_client(), AUTH_TOKEN)
    for number, request in enumerate(recording["requests"]):
        answer = twilio.client.post(request["path"], data=request["params"], headers={
            "X-Twilio-Signature": twilio.validator.compute_signature(
                twilio.base_url + request["path"], request["params"])})
        assert answer.status_code == request["status"], f"request {number} {request['path']}"
        assert normalise(answer.get_data(as_text=True)) == normalise(request["twiml"]), \
            f"request {number} {request['path']} answered differently"
