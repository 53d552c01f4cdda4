from fitness_voice import create_app
from fitness_voice.cli.errors import exit_on_operator_error

# A mistake in the settings stops the start with one line, not a traceback.
with exit_on_operator_error("fitness-voice cannot start"):
    app = create_app()
