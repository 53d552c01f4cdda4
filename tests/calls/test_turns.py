"""What a turn stores: the typed state and timings, as JSON the types read back."""

from fitness_voice.contract import CallState, TurnTimings
from fitness_voice.extensions import db
from fitness_voice.models import CallSession, Turn


def test_stored_state_and_timings_are_the_typed_forms(twilio, app):
    twilio.start()
    for n, line in enumerate(["skip", "how much protein do I need", "", "bye"], 1):
        twilio.say(n, line)
    with app.app_context():
        session = db.session.execute(db.select(CallSession)).scalar_one()
        turns = db.session.execute(db.select(Turn).order_by(Turn.index)).scalars().all()
        assert CallState.from_json(session.state).to_json() == session.state
        assert session.state["last_reply"] and "intake" not in session.state
        for turn in turns:
            assert TurnTimings.from_json(turn.timings).to_json() == turn.timings
            assert {"db_ms", "coach_ms", "speech_ms", "total_ms"} <= set(turn.timings)
        assert "retrieval_ms" in turns[2].timings and "llm_ms" in turns[2].timings
        assert "retrieval_ms" not in turns[3].timings  # a reprompt retrieves nothing
