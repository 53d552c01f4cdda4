"""Speech synthesis and the audio cache."""


class TwilioSay:
    """No audio of our own: Twilio speaks the text with <Say>."""

    def audio_url(self, text):
        return None
