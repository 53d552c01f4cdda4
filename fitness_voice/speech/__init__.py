"""Speech synthesis and the audio cache.

`build_speaker(config, instance_path)` gives the speaker the settings ask for;
its `audio_urls(texts, caller)` turns the lines of a reply into the URLs of
their audio, or None, within the synthesis budget, and never raises: whatever
fails or is late (Polly throttling, S3 down, the local engine crashing or
busy, bytes that are not audio), the line is spoken by Twilio's <Say> and the
call goes on. `delete_caller_audio(caller_key)` erases what was said to a caller.

    base           the SpeechEngine and AudioStore interfaces, SpeechError
    speaker        the cached speaker (twilio_say: the one without audio)
    pool           the synthesis threads and their bounded queue
    engines        polly_engine       Amazon Polly (boto3), SSML with the text escaped
                   elevenlabs_engine  ElevenLabs' HTTP API (requests), 8 kHz mu-law
                   local_engine       piper-tts, in long-lived subprocesses
                                      (piper_process; GPL-3.0, never imported here)
    stores         local_store    files under instance/audio, served by the app
                   s3_store       an S3 bucket (or an S3-compatible store)
    formats        mp3 (lameenc, 32 kbit/s mono), wav (8 kHz mono mu-law)
    files          keyed cache names, callers' folders, content types, caching headers
    build, aws     providers from the settings; the boto3 clients
    cli            `flask speech warm` / `say` / `lifecycle`
"""

from .base import SpeechError
from .build import build_speaker
from .cli import init_app

__all__ = ["SpeechError", "build_speaker", "init_app"]
