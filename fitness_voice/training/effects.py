"""The log records the coach sends out as effects on a Reply (training.log stores them)."""


def ended(workout, status):
    return {"type": "workout_ended", "key": workout["key"], "status": status}


def replanned(workout):
    """The plan as it now stands, for the log (names, resuming)."""
    return {"type": "workout_replanned", "key": workout["key"], "plan": workout["plan"]}
