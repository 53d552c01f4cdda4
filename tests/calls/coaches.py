"""The app's real coach, wrapped to count its runs and to hold them on a signal."""

import threading


class WatchedCoach:
    """Delegates to the real coach; records what each `respond` heard and, while
    `gate` is cleared, holds each run (or only those that heard `hold_only`) until it
    is set (or `hold_seconds` pass)."""

    def __init__(self, coach, hold_seconds=20, hold_only=None):
        self.coach = coach
        self.hold_only = hold_only
        self.gate = threading.Event()
        self.gate.set()
        self.hold_seconds = hold_seconds
        self.runs = []
        self._lock = threading.Lock()

    def respond(self, turn):
        with self._lock:
            self.runs.append(turn.speech)
        if self.hold_only in (None, turn.speech):
            self.gate.wait(self.hold_seconds)
        return self.coach.respond(turn)

    def __getattr__(self, name):
        return getattr(self.coach, name)


def watch(app, **options):
    services = app.extensions["fitness_voice"]
    services.coach = WatchedCoach(services.coach, **options)
    return services.coach
