"""Recorded calls: the requests the simulator sent and the TwiML the app answered.

Re-record after an intended change to what the coach says:

    .venv/bin/python -m tests.fixtures

then review `git diff tests/fixtures/` and commit the recordings with the change.
"""

import json
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
AUTH_TOKEN = "test-auth-token"
CALL_SID = "CA" + "f1" * 16


def fixture_config(tmp_dir, chroma_path=None):
    """The settings recordings are made and replayed with: grounded answers, and
    Twilio's <Say> so the recorded TwiML shows the words."""
    config = {
        "TESTING": True, "APP_ENV": "testing", "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp_dir) / 'fixtures.db'}",
        "TTS_ENGINE": "say", "OPENAI_API_KEY": None, "SLOW_REPLY_SECONDS": 0,
    }
    if chroma_path:
        config["CHROMA_PATH"] = chroma_path
    return config


def normalise(twiml_text):
    """A TwiML document as (tag, attributes, text, children), URLs reduced to their path."""
    def walk(element):
        attributes = {key: _path_only(value) for key, value in element.attrib.items()}
        text = (element.text or "").strip()
        if element.tag in ("Play", "Redirect"):
            text = _path_only(text)
        return (element.tag, attributes, text, [walk(child) for child in element])
    return walk(ET.fromstring(twiml_text))


def _path_only(value):
    if value.startswith(("http://", "https://", "/")):
        parts = urlsplit(value)
        return parts.path + (f"?{parts.query}" if parts.query and "Signature" not in parts.query
                             else "")
    return value


def record(script_path, app_factory):
    from fitness_voice.extensions import db
    from fitness_voice.simulator import Phone, ScriptedCaller, save_recording, serve_in_process

    with tempfile.TemporaryDirectory() as tmp:
        app = app_factory(fixture_config(tmp))
        with app.app_context():
            db.create_all()
        base_url, server = serve_in_process(app)
        try:
            phone = Phone(base_url, AUTH_TOKEN, ScriptedCaller.from_file(script_path),
                          out=lambda *_: None)
            result = phone.call(CALL_SID)
        finally:
            server.shutdown()
        target = script_path.with_suffix(".json")
        save_recording(result, target)
        with open(target, encoding="utf-8") as handle:
            recording = json.load(handle)
        return recording


if __name__ == "__main__":
    from fitness_voice import create_app
    for script in sorted(FIXTURES.glob("*.script")):
        recording = record(script, create_app)
        print(f"recorded {len(recording['requests'])} requests to {script.with_suffix('.json')}")
