"""The training part of the per-call state: the workout being led, and a resume
offer waiting for the caller's answer.

The call's state is a plain dict stored as JSON with the session. These
functions are the only readers and writers of its "workout" and "offer_resume"
keys, so the shape of each is declared here once.
"""

WORKOUT = "workout"
RESUME_OFFER = "offer_resume"
SESSION_OFFER = "offer_session"


def in_workout(state):
    return WORKOUT in state


def workout(state):
    """The running workout: {"key", "plan", "position", "phase", "silences", "sets_done",
    "missed"}, and while a timed hold runs "timed_at", and after a pain "after_pain".

    "plan" is a Plan as a dict; "phase" is "set", "timed", "effort" or "paused";
    "sets_done" counts every step done, this call and any call it resumes;
    "missed" counts main sets skipped or stopped for pain; "timed_at" is when the
    hold was announced (seconds since the epoch).
    """
    return state[WORKOUT]


def begin_workout(state, key, plan, position=0, sets_done=0, missed=0):
    """Lead the workout `key` from step `position` of `plan` (a Plan as a dict), with
    `sets_done` and `missed` counted before (a resumed workout)."""
    state[WORKOUT] = {"key": key, "plan": plan, "position": position, "phase": "set",
                      "silences": 0, "sets_done": sets_done, "missed": missed}
    return state[WORKOUT]


def end_workout(state):
    """Stop leading the workout; the one that was running, or None."""
    return state.pop(WORKOUT, None)


def resume_offer(state):
    """The unfinished workout offered for resuming (as training.log.summary gives it), or None."""
    return state.get(RESUME_OFFER)


def offer_resume(state, resumable):
    state[RESUME_OFFER] = resumable


def withdraw_resume_offer(state):
    return state.pop(RESUME_OFFER, None)


def session_offer(state):
    """The session offered after suggesting exercises ("want me to take you through
    them?"): {"request", "chosen", "position"}, or None. It lives for one turn."""
    return state.get(SESSION_OFFER)


def offer_session(state, offer):
    state[SESSION_OFFER] = offer


def withdraw_session_offer(state):
    return state.pop(SESSION_OFFER, None)
