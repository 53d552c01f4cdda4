"""`flask speech warm` and `flask speech say`, added to the app by init_app."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

speech_cli = AppGroup("speech", help="Speech synthesis and the audio cache.")


@speech_cli.command("warm")
@click.option("--strict", is_flag=True, help="Exit with an error if any phrase failed.")
def warm_command(strict):
    """Pre-render every fixed phrase (greetings, reprompts, goodbyes, ...)."""
    services = current_app.extensions["fitness_voice"]
    phrases = services.coach.fixed_phrases()
    started = time.perf_counter()
    result = services.speaker.warm(phrases)
    engine = services.speaker.engine_name
    if engine == "say":
        click.echo(f"TTS_ENGINE=say: nothing to render ({len(phrases)} fixed phrases "
                   "are spoken by Twilio).")
        return
    click.echo(f"{len(phrases)} fixed phrases ({engine}): {result.rendered} rendered, "
               f"{result.cached} already cached, {result.failed} failed "
               f"in {time.perf_counter() - started:.1f} s")
    if result.failed and strict:
        raise click.ClickException(f"{result.failed} phrases could not be rendered")


@speech_cli.command("say")
@click.argument("text")
def say_command(text):
    """Render TEXT and print its audio URL (or why there is none)."""
    speaker = current_app.extensions["fitness_voice"].speaker
    url = speaker.audio_url(text)
    click.echo(url if url else "no audio: Twilio would <Say> it (see the log)")


def init_app(app):
    """Add `flask speech` to `app` (once)."""
    if "speech" not in app.cli.commands:
        app.cli.add_command(speech_cli)
