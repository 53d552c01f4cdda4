"""Training: planning a workout from the exercise library, leading it turn by turn,
and the training log in the database.

Imports run downward only: the dialogue calls in here; nothing here imports the
dialogue, the call loop or the web layer.
"""
