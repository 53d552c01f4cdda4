"""TTS_ENGINE=say: no audio of our own; Twilio speaks every reply with <Say>."""

from .speaker import WarmResult


class TwilioSay:
    """A speaker with no audio: every reply is left to Twilio's <Say>."""

    engine_name = "say"

    def audio_url(self, text):
        return None

    def warm(self, phrases):
        return WarmResult()

    def prepare(self):
        pass

    def close(self):
        pass
