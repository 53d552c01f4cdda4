"""The typed per-call state and turn timings, and their JSON columns."""

import json

import pytest

from fitness_voice.contract import CallState, TurnTimings

WORKOUT = {"key": "ab" * 16, "plan": {"steps": []}, "position": 2, "phase": "set"}


@pytest.mark.parametrize(("stored", "state", "stored_again"), [
    (None, CallState(), {}),
    ({}, CallState(), {}),
    ({"missed": 2, "asked_again": True}, CallState(missed=2, asked_again=True),
     {"missed": 2, "asked_again": True}),
    # Defaults are what an absent key meant: they are not stored.
    ({"missed": 0, "asked_again": False, "intake": "name"}, CallState(intake="name"),
     {"intake": "name"}),
    ({"workout": WORKOUT, "last_reply": "Go."}, CallState(workout=WORKOUT, last_reply="Go."),
     {"last_reply": "Go.", "workout": WORKOUT}),
    ({"safety_events": ["chest_pain"], "red_flag": "chest_pain"},
     CallState(safety_events=["chest_pain"], red_flag="chest_pain"),
     {"safety_events": ["chest_pain"], "red_flag": "chest_pain"}),
    # Old and unknown keys are left behind; no migration needed.
    ({"slow": True, "from_a_later_version": 1, "grounded": {"reply": "More?"}},
     CallState(grounded={"reply": "More?"}), {"grounded": {"reply": "More?"}}),
])
def test_call_state_round_trips_through_its_json_column(stored, state, stored_again):
    loaded = CallState.from_json(stored)
    assert loaded == state
    assert loaded.to_json() == stored_again
    assert CallState.from_json(json.loads(json.dumps(loaded.to_json()))) == state


def test_dict_style_access_sees_only_what_is_set():
    state = CallState()
    assert "workout" not in state and state.get("workout") is None
    assert state.get("missed", 0) == 0 and state.pop("intake", None) is None
    with pytest.raises(KeyError):
        state.pop("intake")
    state["workout"] = WORKOUT
    assert "workout" in state and state["workout"] is WORKOUT and state.workout is WORKOUT
    assert state.pop("workout") is WORKOUT and "workout" not in state
    state.setdefault("safety_events", []).append("crisis")
    state.setdefault("safety_events", []).append("red_flag")
    assert state.safety_events == ["crisis", "red_flag"]
    assert state.pop("confirm_forget", False) is False


def test_nested_state_is_changed_in_place_as_the_owners_expect():
    state = CallState(grounded={"offered": True})
    state.get("grounded")["offered"] = False
    assert state.to_json() == {"grounded": {"offered": False}}


@pytest.mark.parametrize("access", [
    lambda state: state["slower"],
    lambda state: state.__setitem__("mood", "happy"),
    lambda state: state.get("mood"),
    lambda state: state.pop("mood", None),
    lambda state: state.setdefault("mood", "happy"),
    lambda state: "mood" in state,
])
def test_undeclared_keys_are_refused(access):
    with pytest.raises(KeyError, match="not a declared CallState key"):
        access(CallState())


def test_undeclared_attributes_are_refused():
    with pytest.raises(AttributeError):
        CallState().mood = "happy"


def test_a_retired_key_is_accepted_and_dropped():
    state = CallState()
    state["slow"] = True
    assert state.to_json() == {}


@pytest.mark.parametrize(("timings", "stored"), [
    (TurnTimings(), {}),
    (TurnTimings(db_ms=1.5, coach_ms=20.0, speech_ms=3.25, total_ms=26.0),
     {"db_ms": 1.5, "coach_ms": 20.0, "speech_ms": 3.25, "total_ms": 26.0}),
    (TurnTimings(retrieval_ms=12.0, llm_ms=800.0, primary_ms=790.0),
     {"retrieval_ms": 12.0, "llm_ms": 800.0, "primary_ms": 790.0}),
])
def test_turn_timings_round_trip_without_the_stages_that_did_not_run(timings, stored):
    assert timings.to_json() == stored
    assert TurnTimings.from_json(json.loads(json.dumps(stored))) == timings


def test_turn_timings_from_json_leave_unknown_keys_behind():
    assert TurnTimings.from_json({"llm_ms": 5.0, "gpu_ms": 1.0}) == TurnTimings(llm_ms=5.0)


def test_a_provider_adds_only_declared_timings():
    timings = TurnTimings(retrieval_ms=3.0).add({"llm_ms": 40.0, "primary_ms": 30.0})
    assert timings.to_json() == {"retrieval_ms": 3.0, "llm_ms": 40.0, "primary_ms": 30.0}
    with pytest.raises(KeyError, match="not a declared TurnTimings key"):
        timings.add({"gpu_ms": 1.0})
