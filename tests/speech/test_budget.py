"""The synthesis budget and the pool: a turn never waits on synthesis past its
budget, a full pool answers at once, and late audio still reaches the cache.

The engine here waits on an Event the test sets, so "too slow" is decided by
the test, not by the machine's speed."""

import threading
import time
from concurrent.futures import Future

from fitness_voice.extensions import db
from fitness_voice.models import Turn
from fitness_voice.speech.pool import SynthesisPool
from tests.speech.helpers import local_speaker

BUDGET = 0.5  # seconds; the gated engine cannot finish inside it, however fast it is


def gated_speaker(tmp_path, workers=1, queue_size=4):
    gate = threading.Event()
    speaker = local_speaker(tmp_path, budget_seconds=BUDGET,
                            pool=started_pool(workers, queue_size), gate=gate)
    return speaker, gate


def started_pool(workers, queue_size):
    """A pool whose threads are up and waiting for work."""
    pool = SynthesisPool(workers, queue_size)
    done = [Future() for _ in range(workers)]
    for future in done:
        pool.submit(future, lambda: None)
    settle(done)
    return pool


def settle(futures):
    """Wait until each Future is done and the speaker has counted it (its own
    callback ran first: callbacks run in the order they were added)."""
    for future in futures:
        counted = threading.Event()
        future.add_done_callback(lambda _, counted=counted: counted.set())
        assert counted.wait(timeout=30)


def occupy(speaker, text):
    """Keep the (one) engine busy with `text`, with no deadline, until the gate opens."""
    future = speaker._start(text, None, None)
    speaker.engine.entered.wait(timeout=30)
    return future


def in_flight(speaker):
    """The Futures of work still running (to wait for it, not for a time)."""
    with speaker._guard:
        return list(speaker._inflight.values())


def test_audio_past_the_budget_is_said_by_twilio_and_still_cached(tmp_path):
    speaker, gate = gated_speaker(tmp_path)
    assert speaker.audio_url("Three sets of ten.") is None  # <Say> now
    assert speaker.stats["late"] == 1
    running = in_flight(speaker)
    gate.set()
    settle(running)
    url = speaker.audio_url("Three sets of ten.")  # the next time it is there
    assert url and speaker.stats["synthesized"] == 1 and speaker.stats["hits"] == 1
    assert speaker.engine.calls == ["Three sets of ten."]


def test_a_full_pool_answers_at_once_without_synthesis(tmp_path):
    speaker, gate = gated_speaker(tmp_path, workers=1, queue_size=1)
    occupy(speaker, "One.")
    assert speaker.audio_urls(["Two.", "Three."]) == [None, None]
    assert speaker.stats["busy"] == 1  # "Two." waits in the queue, "Three." found it full
    gate.set()
    settle(in_flight(speaker))
    assert "Three." not in speaker.engine.calls


def test_work_not_started_by_its_deadline_is_dropped(tmp_path):
    speaker, gate = gated_speaker(tmp_path, workers=1, queue_size=4)
    occupy(speaker, "One.")
    assert speaker.audio_url("Two.") is None
    waiting = in_flight(speaker)
    gate.set()  # "One." started in time and finishes; "Two." never started
    settle(waiting)
    assert speaker.engine.calls == ["One."]
    assert speaker.stats["synthesized"] == 1 and speaker.stats["dropped"] == 1


def test_one_deadline_for_all_the_lines_of_a_turn(tmp_path):
    speaker, gate = gated_speaker(tmp_path, workers=2)
    gate.set()
    ready = speaker.audio_url("Ready.")  # no budget worry: the gate is open
    gate.clear()
    urls = speaker.audio_urls(["Ready.", "Not yet.", "Ready."])
    assert urls == [ready, None, ready]
    gate.set()


def test_copies_of_one_line_share_one_synthesis(tmp_path):
    speaker, gate = gated_speaker(tmp_path, workers=2)
    assert speaker.audio_urls(["Same line.", "Same line."]) == [None, None]
    running = in_flight(speaker)
    assert len(running) == 1
    gate.set()
    settle(running)
    assert speaker.engine.calls == ["Same line."]


def test_a_turn_whose_audio_is_late_answers_with_say_and_is_stored(app, twilio, tmp_path):
    speaker, gate = gated_speaker(tmp_path, workers=2, queue_size=8)
    app.extensions["fitness_voice"].speaker = speaker
    try:
        greeting = twilio.start()
        assert greeting.status_code == 200
        assert b"<Say" in greeting.data and b"<Play" not in greeting.data
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Turn)) == 1
        assert speaker.stats["late"] >= 1
    finally:
        gate.set()
    settle(in_flight(speaker))
    assert speaker.stats["synthesized"] >= 1  # the late audio reached the cache


def test_work_whose_turn_has_answered_takes_no_room_in_the_queue(tmp_path):
    speaker, gate = gated_speaker(tmp_path, workers=1, queue_size=1)
    occupy(speaker, "One.")
    assert speaker.audio_url("Two.") is None  # waits in the queue, past its deadline
    assert speaker.audio_url("Three.") is None  # "Two." is dropped to make room
    assert speaker.stats["busy"] == 0 and speaker.stats["dropped"] == 1
    gate.set()
    settle(in_flight(speaker))
    assert "Two." not in speaker.engine.calls


def test_a_line_that_cannot_be_ready_in_time_is_refused_at_once(tmp_path):
    speaker, gate = gated_speaker(tmp_path, workers=1, queue_size=4)
    occupy(speaker, "One.")
    speaker._synthesis_seconds = 60.0  # as if the engine had lately taken a minute a line
    assert speaker.audio_urls(["Two.", "Three."]) == [None, None]
    assert speaker.stats["busy"] == 1  # "Three.", behind "Two.", could never make it
    gate.set()
    settle(in_flight(speaker))
    assert "Three." not in speaker.engine.calls


def test_an_idle_pool_always_tries(tmp_path):
    speaker, gate = gated_speaker(tmp_path, workers=1, queue_size=4)
    speaker._synthesis_seconds = 60.0
    gate.set()
    running = speaker._start("Quick now.", None, time.monotonic() + 30)
    assert running.result(timeout=30)[1] == "synthesized"
    assert speaker._synthesis_seconds < 60.0  # the estimate follows the engine


def test_audio_still_being_made_for_an_erased_caller_is_erased_too(tmp_path):
    speaker, gate = gated_speaker(tmp_path, workers=1)
    assert speaker.audio_url("Bye for now, Jordan.", caller="17") is None  # late
    running = in_flight(speaker)
    assert speaker.delete_caller_audio("17") == 0  # nothing written yet
    erased = threading.Event()
    running[0].add_done_callback(lambda _: erased.set())  # runs after the speaker's own
    gate.set()
    assert erased.wait(timeout=30)
    folder = tmp_path / "instance" / "audio" / speaker.keys.folder("17")
    assert not folder.exists() or not list(folder.iterdir())
    assert speaker.render("Bye for now, Jordan.", caller="17")[1] == "synthesized"
