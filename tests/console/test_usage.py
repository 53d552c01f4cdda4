"""Cost from real usage: minutes, recognition, speech characters (cache hits free)
and tokens, priced by the table in config; the month's report beside the seed's."""

from datetime import datetime, timedelta

import pytest

from fitness_voice import config
from fitness_voice.cli.report import report_command
from fitness_voice.models import CallSession, Turn, utcnow
from fitness_voice.speech import meter
from fitness_voice.speech.local_store import LocalStore
from fitness_voice.speech.speaker import Speaker
from fitness_voice.usage import metering, report
from fitness_voice.usage.prices import Prices
from tests.console.conftest import place_call
from tests.speech.helpers import KEYS, ToneEngine

PRICES = Prices.from_config({
    "PRICE_TWILIO_VOICE_PER_MINUTE": 0.01, "PRICE_TWILIO_SPEECH_PER_15S": 0.02,
    "PRICE_TWILIO_SAY_PER_100_CHARS": 0.1, "PRICE_POLLY_NEURAL_PER_MILLION_CHARS": 20.0,
    "OPENAI_PRICES": "gpt-4o-mini=0.001/0.002", "OPENAI_MODEL": "gpt-4o-mini"})


def a_call(duration_seconds=61):
    started = datetime(2026, 12, 2, 9, 0)
    session = CallSession(call_sid="CA" + "0" * 32, started_at=started,
                          duration_seconds=duration_seconds)
    forty_words = " ".join(["word"] * 40)
    turns = [
        Turn(index=0, kind="greeting", reply="Hi.", created_at=started,
             details={"speech": {"engine": "polly", "synthesized": 1000, "cached": 0,
                                 "said": 0}}),
        Turn(index=1, kind="answer", speech=forty_words, reply="Sure.",
             created_at=started + timedelta(seconds=20),
             details={"speech": {"engine": "polly", "synthesized": 0, "cached": 500,
                                 "said": 200},
                      "usage": {"prompt_tokens": 1000, "completion_tokens": 500}}),
        Turn(index=2, kind="reprompt", speech="", reply="Sorry?",
             created_at=started + timedelta(seconds=40), details={}),
    ]
    return session, turns


def test_a_calls_usage_from_what_was_stored():
    usage = metering.call_usage(*a_call())
    assert usage.minutes == 2                      # 61 s is two billed minutes
    assert usage.recognition_blocks == 2 + 1       # forty words (16 s) and a silence
    assert usage.synthesized == {"polly": 1000}
    assert usage.cached_characters == 500 and usage.said_characters == 200
    assert (usage.prompt_tokens, usage.completion_tokens) == (1000, 500)


def test_its_cost_by_service():
    spent = metering.cost(metering.call_usage(*a_call()), PRICES)
    assert spent["telephony"] == pytest.approx(2 * 0.01)
    assert spent["recognition"] == pytest.approx(3 * 0.02)
    assert spent["synthesis"] == pytest.approx(1000 * 20 / 1e6 + 200 * 0.1 / 100)
    assert spent["llm"] == pytest.approx(1000 * 0.001 / 1000 + 500 * 0.002 / 1000)


def test_without_a_status_callback_the_call_is_timed_by_its_turns():
    usage = metering.call_usage(*a_call(duration_seconds=None))
    assert usage.seconds == 40 and usage.estimated_duration and usage.minutes == 1


def test_cache_hits_cost_nothing(tmp_path):
    engine = ToneEngine("wav")
    speaker = Speaker(engine, LocalStore(tmp_path), "wav", KEYS)
    with meter.metering() as first:
        speaker.audio_url("Rest for thirty seconds.")
    with meter.metering() as again:
        speaker.audio_url("Rest for thirty seconds.")
    assert first.synthesized > 0 and first.cached == 0
    assert again.synthesized == 0 and again.cached == first.synthesized
    assert len(engine.calls) == 1


def test_every_price_is_overridable_by_its_environment_variable(monkeypatch):
    for name in config.PRICE_DEFAULTS:
        monkeypatch.setenv(name, "0.5")
    monkeypatch.setenv("OPENAI_PRICES", "my-model=0.7/0.9,gpt-4o-mini=0.3/0.4")
    settings = config.from_environment()
    assert all(settings[name] == 0.5 for name in config.PRICE_DEFAULTS)
    prices = Prices.from_config(settings)
    assert prices.voice_per_minute == 0.5
    assert prices.openai_per_1k["my-model"] == (0.7, 0.9)
    assert prices.openai_per_1k["gpt-4o-mini"] == (0.3, 0.4)  # the override wins
    assert prices.openai_per_1k["gpt-4o"] == (0.0025, 0.01)     # defaults stay


def test_a_malformed_model_price_is_refused():
    with pytest.raises(config.ConfigError):
        Prices.from_config({"OPENAI_PRICES": "gpt-4o-mini=cheap"})


def test_the_month_report_projects_and_sets_the_seeds_estimate_beside(console_app):
    place_call(console_app, ["hi coach my name is Sam", "bye"], duration="130")
    place_call(console_app, ["what should I eat after a workout"], duration="50")
    today = utcnow().date()
    with console_app.app_context():
        found = report.month_report(today.strftime("%Y-%m"), PRICES, today=today)
    assert (found.calls, found.minutes) == (2, 3 + 1)
    assert found.days_counted == today.day
    assert found.projected_total == pytest.approx(found.total * found.days_in_month / today.day)
    low, high = found.seed_estimate(1000)
    assert (low, high) == (35.0, 45.0)
    lines = report.format_report(found)
    assert any(line.strip().startswith("calls    2") for line in lines)
    assert any("the seed's estimate" in line for line in lines)


def test_the_report_command(console_app):
    place_call(console_app, ["hi coach my name is Sam", "bye"], duration="130")
    runner = console_app.test_cli_runner()
    month = utcnow().date().strftime("%Y-%m")
    result = runner.invoke(report_command, ["--month", month])
    assert result.exit_code == 0, result.output
    assert f"usage for {month}" in result.output
    for service in ("telephony", "recognition", "synthesis", "llm", "total"):
        assert service in result.output
    assert "$35-45 per 1,000" in result.output
    past = runner.invoke(report_command, ["--month", "2001-02"])
    assert past.exit_code == 0 and "calls    0" in past.output
    wrong = runner.invoke(report_command, ["--month", "December"])
    assert wrong.exit_code != 0 and "2026-12" in wrong.output
