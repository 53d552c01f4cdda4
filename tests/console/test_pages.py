"""The console's pages after calls placed through the real webhooks."""

import csv
import io
import json
import re

from fitness_voice.extensions import db
from fitness_voice.models import Caller, CallSession, Turn, WeeklyPlan, Workout, WorkoutSet
from fitness_voice.web.console.exports import CSV_COLUMNS
from tests.console.conftest import place_call

SAM = ["hi coach my name is Sam", ("how many sets and reps should I do to build muscle", "0.81"),
       "bye"]


def rows(page):
    return re.findall(r'<tr class="call-row">(.*?)</tr>', page, re.S)


def test_the_calls_list_shows_each_call_with_its_figures(console, console_app):
    place_call(console_app, SAM, duration="75")
    place_call(console_app, ["my chest hurts and my left arm is numb"],
               from_number="+15555550177")
    page = console.client.get("/console/calls").get_data(as_text=True)
    listed = rows(page)
    assert len(listed) == 2
    newest, oldest = listed
    assert "red flag" in newest
    assert "Sam" in oldest and "completed" in oldest
    assert "1:15" in oldest                          # the status callback's duration
    assert "hi coach my name is Sam" in oldest       # the caller's first words
    assert re.search(r"\d+ ms", oldest)              # p95 turn wait
    assert re.search(r"\$0\.\d{4}", oldest)          # cost


def test_searching_and_filtering_calls(console, console_app):
    place_call(console_app, SAM)
    place_call(console_app, ["my chest hurts and my left arm is numb"],
               from_number="+15555550177")
    by_name = console.client.get("/console/calls?q=sam").get_data(as_text=True)
    assert len(rows(by_name)) == 1 and "Sam" in by_name
    by_number = console.client.get("/console/calls?q=0177").get_data(as_text=True)
    assert len(rows(by_number)) == 1 and "red flag" in rows(by_number)[0]
    red = console.client.get("/console/calls?outcome=red+flag").get_data(as_text=True)
    assert len(rows(red)) == 1
    none = console.client.get("/console/calls?from=2001-01-01&to=2001-01-31")
    assert rows(none.get_data(as_text=True)) == []


def test_a_call_page_shows_the_transcript_timings_audio_and_twiml(console, console_app):
    place_call(console_app, SAM)
    page = console.client.get("/console/calls/1").get_data(as_text=True)
    assert page.count('class="turn"') == 4  # the greeting and three caller turns
    assert "how many sets and reps should I do to build muscle" in page
    assert ">0.81<" in page                          # what was heard, with its confidence
    assert 'data-stage="retrieval_ms"' in page and 'data-stage="total_ms"' in page
    assert "grounded" in page                        # the answer's source
    audio = re.findall(r'<audio controls preload="none" src="([^"]+)"', page)
    assert audio, "no audio to play"
    with console.client.get(audio[0]) as played:
        assert played.status_code == 200 and played.data[:4] == b"RIFF"
    assert "&lt;Gather" in page and "<details>" in page  # the TwiML, collapsed
    assert "/console/calls/1/transcript.txt" in page


def test_sets_logged_in_a_call_are_listed(console, console_app):
    place_call(console_app, SAM)
    with console_app.app_context():
        session = db.session.get(CallSession, 1)
        workout = Workout(key="w1", caller_id=session.caller_id, call_session_id=session.id,
                          focus="full body", minutes_planned=20, plan={"steps": []})
        workout.sets.append(WorkoutSet(step_index=3, exercise="Glute bridge", block="main",
                                       set_number=1, reps=12, effort=6, outcome="done"))
        db.session.add(workout)
        db.session.commit()
    page = console.client.get("/console/calls/1").get_data(as_text=True)
    assert "Glute bridge" in page
    caller = console.client.get("/console/callers/1").get_data(as_text=True)
    assert "Glute bridge 12 reps" in caller and "full body" in caller


def test_exports(console, console_app):
    place_call(console_app, SAM)
    text = console.client.get("/console/calls/1/transcript.txt")
    assert text.mimetype == "text/plain"
    lines = text.get_data(as_text=True).splitlines()
    assert "caller: hi coach my name is Sam [0.93]" in lines
    assert any(line.startswith("coach: ") for line in lines)
    data = json.loads(console.client.get("/console/calls/1/transcript.json").data)
    assert [turn["index"] for turn in data["turns"]] == [0, 1, 2, 3]
    assert data["outcome"] == "completed" and data["usage"]["minutes"] == 2
    exported = console.client.get("/console/calls.csv")
    assert exported.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert list(table[0]) == list(CSV_COLUMNS)
    assert table[0]["name"] == "Sam" and table[0]["turns"] == "4"
    assert float(table[0]["cost_total"]) > 0


def test_forgetting_a_caller_needs_the_box_ticked_then_deletes_their_data(console,
                                                                         console_app):
    place_call(console_app, SAM)
    place_call(console_app, ["what should I eat after a workout"])
    with console_app.app_context():
        db.session.add(WeeklyPlan(caller_id=1, days=[{"day": "Monday", "focus": "legs",
                                                      "minutes": 20}]))
        db.session.commit()
    unticked = console.post("/console/callers/1/forget", "/console/callers/1")
    assert unticked.status_code == 302
    with console_app.app_context():
        assert db.session.get(Caller, 1).name == "Sam"
    done = console.post("/console/callers/1/forget", "/console/callers/1", confirm="forget")
    assert done.status_code == 302
    with console_app.app_context():
        assert db.session.get(Caller, 1) is None
        assert db.session.execute(db.select(WeeklyPlan)).scalars().all() == []
        assert db.session.execute(db.select(CallSession)).scalars().all() == []
        assert db.session.execute(db.select(Turn)).scalars().all() == []
    assert done.headers["Location"].endswith("/console/callers")
    assert console.client.get("/console/callers/1").status_code == 404
    page = console.client.get("/console/callers").get_data(as_text=True)
    assert "Everything the coach knew about this caller was deleted." in page


def test_the_overview_draws_its_charts(console, console_app):
    place_call(console_app, SAM)
    place_call(console_app, ["my chest hurts and my left arm is numb"],
               from_number="+15555550177")
    page = console.client.get("/console/overview").get_data(as_text=True)
    for chart in ("calls", "minutes", "waits", "cost", "sources", "safety", "months"):
        section = page.split(f'id="chart-{chart}"')[1].split("</div>")[0]
        assert "<svg" in section, chart
    assert page.count('class="bar"') >= 3
    assert "red flag" in page.split('id="chart-safety"')[1]
    assert "the seed's estimate" in page
