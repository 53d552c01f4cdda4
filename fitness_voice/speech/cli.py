"""`flask speech warm`, `say` and `lifecycle`, added to the app by init_app."""

import time

import click
from flask import current_app
from flask.cli import AppGroup

from .base import SpeechError

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
    """Render TEXT (however long it takes) and print its audio URL, or why there is none."""
    speaker = current_app.extensions["fitness_voice"].speaker
    if speaker.engine_name == "say":
        click.echo("no audio: TTS_ENGINE=say, Twilio would <Say> it")
        return
    try:
        url, _ = speaker.render(text)
    except Exception as error:
        click.echo(f"no audio: Twilio would <Say> it ({type(error).__name__}: {error})")
        return
    click.echo(url or "no audio: nothing to say")


@speech_cli.command("lifecycle")
def lifecycle_command():
    """Make S3 expire cached audio AUDIO_EXPIRY_DAYS after it was written."""
    store = getattr(current_app.extensions["fitness_voice"].speaker, "store", None)
    if getattr(store, "name", None) != "s3":
        click.echo("no S3 audio store: nothing to do (the local folder is bounded by "
                   "AUDIO_MAX_BYTES / AUDIO_MAX_FILES)")
        return
    try:
        rule = store.apply_lifecycle()
    except (SpeechError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"s3://{store.bucket}/{store.prefix}*: objects expire "
               f"{rule['Expiration']['Days']} days after they are written")


def init_app(app):
    """Add `flask speech` to `app` (once)."""
    if "speech" not in app.cli.commands:
        app.cli.add_command(speech_cli)
