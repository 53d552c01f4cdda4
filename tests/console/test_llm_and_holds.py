"""An answer from the LLM (the local OpenAI-protocol peer) is priced by its tokens,
and a slow turn's filler and redirect are recorded and shown on the call page."""

import json
import logging

import pytest

from fitness_voice.usage.prices import Prices
from fitness_voice.web.console.auth import create_user
from tests.conftest import TwilioActions
from tests.console.conftest import OPERATOR, PASSWORD, Console


@pytest.fixture
def llm_app(make_app, openai_server):
    app = make_app(CONSOLE_ENABLED=True, OPENAI_API_KEY="test-key", OPENAI_TIMEOUT=5.0,
                   OPENAI_BASE_URL=openai_server.base_url)
    with app.app_context():
        create_user(OPERATOR, PASSWORD)
    return app


def test_llm_tokens_and_a_filler_on_the_call_page(llm_app, openai_server, caplog):
    console_app = llm_app
    console = Console(console_app.test_client())
    console.sign_in()
    twilio = TwilioActions(console_app.test_client(), console_app.config["TWILIO_AUTH_TOKEN"])
    twilio.start()
    twilio.say(1, "skip")
    openai_server.reply_text = "Aim for about one point six grams of protein per kilogram a day."
    twilio.say(2, "how much protein do I need")
    console_app.config["SLOW_REPLY_SECONDS"] = 0.2
    openai_server.mode, openai_server.delay = "slow", 1.0
    with caplog.at_level(logging.INFO, logger="fitness_voice.journal"):
        held = twilio.say(3, "how long should I rest between sets").get_data(as_text=True)
        assert "<Redirect" in held
        twilio.post("/voice/turn/wait?n=3")
    twilio.post("/voice/status", CallStatus="completed", CallDuration="95")

    page = console.client.get("/console/calls/1").get_data(as_text=True)
    assert "answer · llm" in page
    assert "filler + redirect" in page.split('id="turn-3"')[1]
    assert "1 filler" in page
    exported = json.loads(console.client.get("/console/calls/1/transcript.json").data)
    tokens = exported["usage"]["prompt_tokens"] + exported["usage"]["completion_tokens"]
    assert tokens > 0
    prices = Prices.from_config(console_app.config)
    assert exported["cost"]["llm"] > 0
    assert exported["cost"]["llm"] <= tokens * max(max(p) for p in prices.openai_per_1k.values())
    holds = [record.fields for record in caplog.records
             if getattr(record, "fields", {}).get("event") == "hold"]
    assert holds == [{"event": "hold", "call": twilio.call_sid, "turn": 3, "kind": "filler"}]
    overview = console.client.get("/console/overview").get_data(as_text=True)
    assert ">llm<" in overview.split('id="chart-sources"')[1]
