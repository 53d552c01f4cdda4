"""Small builders for the TwiML documents the webhooks answer with."""

from dataclasses import dataclass

from twilio.twiml.voice_response import VoiceResponse

from ..calls import Silence


@dataclass
class GatherSettings:
    timeout: int
    speech_timeout: str
    speech_model: str | None
    language: str
    hints: str
    action_on_empty_result: bool

    @classmethod
    def from_config(cls, config):
        return cls(
            timeout=config["GATHER_TIMEOUT"],
            speech_timeout=str(config["GATHER_SPEECH_TIMEOUT"]),
            speech_model=config["GATHER_SPEECH_MODEL"] or None,
            language=config["GATHER_LANGUAGE"],
            hints=config["GATHER_HINTS"],
            action_on_empty_result=config["GATHER_ACTION_ON_EMPTY_RESULT"],
        )

    def attributes(self):
        attributes = {
            # The keypad too: one key is a whole answer (see outreach.requests.keypad_words).
            "input": "dtmf speech",
            "num_digits": 1,
            "method": "POST",
            "timeout": self.timeout,
            "speech_timeout": self.speech_timeout,
            "language": self.language,
            "action_on_empty_result": "true" if self.action_on_empty_result else "false",
        }
        if self.speech_model:
            attributes["speech_model"] = self.speech_model
        if self.hints:
            attributes["hints"] = self.hints
        return attributes


@dataclass
class Voice:
    """How Twilio speaks text that has no rendered audio."""

    name: str
    language: str


def _speak(verb, parts, voice):
    for part in parts:
        if isinstance(part, Silence):
            verb.pause(length=part.seconds)
        elif part.audio_url:
            verb.play(part.audio_url)
        elif part.text:
            verb.say(part.text, voice=voice.name, language=voice.language)


def listen(parts, action_url, gather, voice):
    """Speak inside a <Gather> (so the caller can talk over it), then listen."""
    response = VoiceResponse()
    with response.gather(action=action_url, **gather.attributes()) as nested:
        _speak(nested, parts, voice)
    # Reached only when Twilio does not post empty results to the action.
    response.redirect(action_url, method="POST")
    return response


def hold(parts, wait_url, voice):
    """Say something short, then come back to hear the answer."""
    response = VoiceResponse()
    _speak(response, parts, voice)
    response.redirect(wait_url, method="POST")
    return response


def hang_up(parts, voice):
    response = VoiceResponse()
    _speak(response, parts, voice)
    response.hangup()
    return response


def transfer(parts, dial, voice):
    """Say `parts`, then put the caller through to a person; `dial.action` hears how
    the dialled leg ended (DialCallStatus), and `dial.whisper_url` is what the
    person hears before they are connected."""
    response = VoiceResponse()
    _speak(response, parts, voice)
    with response.dial(action=dial.action, method="POST", timeout=dial.timeout,
                       **({"caller_id": dial.caller_id} if dial.caller_id else {})) as nested:
        nested.number(dial.number, url=dial.whisper_url, method="POST")
    return response


@dataclass
class Dial:
    number: str
    action: str
    whisper_url: str
    timeout: int
    caller_id: str | None = None


def announce(parts, voice):
    """Say `parts` and nothing else (a whisper before a <Dial> connects)."""
    response = VoiceResponse()
    _speak(response, parts, voice)
    return response


def empty():
    return VoiceResponse()
