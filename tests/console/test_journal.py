"""The operator's log: one line per turn and one per call at its end, as text or
JSON, with ids, kinds and timings but never a phone number or the words said."""

import json
import logging

from fitness_voice.log_format import JsonLines
from tests.console.conftest import place_call

NUMBER = "+15555550142"
WORDS = ["hi coach my name is Priya", "how many sets and reps should I do to build muscle",
         "bye"]


def test_one_line_per_turn_and_one_at_the_end_without_numbers_or_words(console_app, caplog):
    with caplog.at_level(logging.INFO, logger="fitness_voice.journal"):
        call_sid = place_call(console_app, WORDS, from_number=NUMBER, duration="42")
    journal = [record for record in caplog.records if record.name == "fitness_voice.journal"]
    turns = [record.fields for record in journal if record.fields["event"] == "turn"]
    ends = [record.fields for record in journal if record.fields["event"] == "call-end"]
    assert [line["turn"] for line in turns] == [0, 1, 2, 3]
    assert all(line["call"] == call_sid and "total_ms" in line for line in turns)
    assert turns[2]["source"] == "grounded" and "retrieval_ms" in turns[2]
    assert len(ends) == 1
    assert (ends[0]["turns"], ends[0]["duration_s"], ends[0]["status"]) == (4, 42, "completed")
    everything = caplog.text + " ".join(record.getMessage() for record in caplog.records)
    assert NUMBER not in everything and NUMBER[-7:] not in everything
    for said in ("Priya", "sets and reps"):
        assert said not in everything


def test_json_lines_carry_the_fields():
    record = logging.LogRecord("fitness_voice.journal", logging.INFO, __file__, 1,
                               "%s %s", ("turn", "call=CA1 turn=2"), None)
    record.fields = {"event": "turn", "call": "CA1", "turn": 2, "total_ms": 12.5}
    line = json.loads(JsonLines().format(record))
    assert line["event"] == "turn" and line["turn"] == 2 and line["total_ms"] == 12.5
    assert line["level"] == "INFO" and line["logger"] == "fitness_voice.journal"
    plain = logging.LogRecord("x", logging.WARNING, __file__, 1, "speech failed", (), None)
    assert json.loads(JsonLines().format(plain))["message"] == "speech failed"


def test_log_format_json_makes_every_line_json():
    """The factory's logging set-up, in a fresh interpreter (the root logger is global)."""
    import subprocess
    import sys
    from pathlib import Path
    program = (
        "import logging, types\n"
        "import fitness_voice\n"
        "fitness_voice._configure_logging(types.SimpleNamespace(config={'LOG_FORMAT': 'json'}))\n"
        "logging.getLogger('fitness_voice.journal').info('%s %s', 'turn', 'turn=1',\n"
        "    extra={'fields': {'event': 'turn', 'turn': 1}})\n"
        "logging.getLogger('fitness_voice.web').warning('plain words')\n")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          cwd=root, env={"PYTHONPATH": str(root), "LOG_LEVEL": "INFO",
                                         "PATH": "/usr/bin:/bin"}, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in (done.stdout + done.stderr).splitlines()
             if line.startswith("{")]
    assert [line.get("event") for line in lines] == ["turn", None]
    assert lines[1]["message"] == "plain words" and lines[1]["level"] == "WARNING"
