"""TTS_ENGINE=say: no audio of our own; Twilio speaks every reply with <Say>."""

from .speaker import WarmResult


class TwilioSay:
    """A speaker with no audio: every reply is left to Twilio's <Say>."""

    engine_name = "say"

    def audio_url(self, text, caller=None):
        return None

    def audio_urls(self, texts, caller=None):
        return [None] * len(texts)

    def share(self, phrases):
        pass

    def warm(self, phrases):
        return WarmResult()

    def delete_caller_audio(self, caller_key):
        return 0  # nothing was ever stored

    def prepare(self):
        pass

    def close(self):
        pass
