"""Speech synthesis and the audio cache.

`build_speaker(config, instance_path)` gives the speaker the settings ask for;
its `audio_url(text)` turns a reply into the URL of its audio, or None, and
never raises: whatever fails (Polly throttling, S3 down, the local engine
crashing, bytes that are not audio), the reply is spoken by Twilio's <Say>
and the call goes on.

    base           the SpeechEngine and AudioStore interfaces, SpeechError
    speaker        the cached speaker (twilio_say: the one without audio)
    engines        polly_engine   Amazon Polly (boto3), SSML with the text escaped
                   local_engine   piper-tts, in a long-lived subprocess
                                  (piper_process; GPL-3.0, never imported here)
    stores         local_store    files under instance/audio, served by the app
                   s3_store       an S3 bucket (or an S3-compatible store)
    formats        mp3 (lameenc, 32 kbit/s mono), wav (8 kHz mono mu-law)
    files          cache file names, content types, caching headers
    build, aws     providers from the settings; the boto3 clients
    cli            `flask speech warm` / `flask speech say`
"""

from .base import SpeechError
from .build import build_speaker
from .cli import init_app

__all__ = ["SpeechError", "build_speaker", "init_app"]
