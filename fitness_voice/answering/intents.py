"""The small talk and call control the grounded responder recognises: repeat,
slower, more, capabilities, how are you, thanks, goodbye, greeting, yes, ack and no.

Each is matched against the whole utterance after light clean-up, so a
question that merely contains "repeat" or "more" is still answered as a question.
"""

import re

from ..text import vocab
from .plain_text import normalise

_POLITE = r"(?:(?:sorry|pardon|excuse me|please|coach|ok(?:ay)?|so|um+|uh+|oh|and|hey|" \
          r"yes|yeah|yep|sure|can you|could you|would you|will you|can u|just)\s+)*"
_TAIL = r"(?:\s+(?:please|again|for me|coach|thanks|thank you|a bit|a little|then))*"
_THANKS = (r"(?:thanks|thank you|thank u|thankyou|cheers|ta|much appreciated|appreciate it|"
           r"(?:that's|that is|that was|this is|you're|you are|you've been) (?:really |very |so |"
           r"super |a )?(?:helpful|great|useful|perfect|awesome|a big help|a great help|"
           r"a star|brilliant|amazing)|that helps|that helped|great thanks|perfect|awesome|"
           r"brilliant|amazing|lovely)")
# In order: the first that matches is the intent.
class _Vocabulary:
    """A whole-line match of one of text.vocab's call-control vocabularies."""

    def __init__(self, name):
        self.name = name

    def match(self, text):
        return vocab.means(self.name, text, vocab.WHOLE)


_INTENTS = (
    ("slower", _Vocabulary("slower")),
    ("repeat", _Vocabulary("repeat")),
    ("more", re.compile(
        "^" + _POLITE + r"(?:go on|tell me more(?: about (?:that|it|this))?|more|"
        r"more (?:details?|info|information)|continue|keep going|carry on|go ahead|"
        r"and then|then what|and|and what else|what else|what's next|what next|"
        r"what else (?:should|do) i (?:know|need to know)|anything else(?: i should know)?|"
        r"explain more|say more|(?:give me |i want |i'd like )?(?:some )?more(?: detail)?)"
        + _TAIL + "$")),
    ("capabilities", re.compile(
        "^" + _POLITE + r"(?:(?:so|okay|ok|but|and|then) )?(?:what (?:else )?(?:can|do|could) "
        r"you (?:even |actually |really |exactly |all )?(?:do|help(?: me)? with|know(?: about)?|"
        r"cover|offer|talk about)(?: for me)?|"
        r"what are you|who are you|who (?:am i|is this|are you that i'm) (?:talking|speaking) "
        r"(?:to|with)|who is this|what is this|what's this|what is this (?:thing|line|number|"
        r"service)|how (?:can|do) you help(?: me)?|how does this work|help|"
        r"what (?:can|should) i ask(?: you)?|what (?:kind of )?(?:things|questions) can i ask"
        r"(?: you)?|(?:help )?(?:i )?(?:don't|do not|dont) (?:really )?know what to (?:ask|say)"
        r"(?: you)?|(?:i'm )?not sure what to (?:ask|say)(?: you)?|are you (?:a|an) (?:robot|ai|"
        r"bot|real person|human|computer|person))" + _TAIL + "$")),
    ("how_are_you", re.compile(
        r"^(?:(?:and|so|hey|hi|hello) )*(?:coach )?(?:how (?:are|r) (?:you|u|ya)(?: doing| going)?"
        r"|how's it going|how is it going|how are things|how have you been|how's your day"
        r"(?: going)?|you (?:good|ok|okay|alright))(?: today| this morning| tonight| coach)?$")),
    ("thanks", re.compile(
        "^" + _POLITE + _THANKS + r"(?:\s+(?:" + _THANKS[3:-1] + r"|so much|very much|a lot|"
        r"a bunch|coach|for that|for the help|for your help|mate))*$")),
    ("goodbye", re.compile(
        r"^(?:(?:ok(?:ay)?|alright|all right|right|cool|great|thanks|thank you|cheers|so|well)\s+)*"
        r"(?:(?:that's|that is|that'll be|that will be|that's about) (?:all|it|everything)"
        r"(?: for (?:now|today|tonight))?(?: (?:thanks|thank you))?\s*)?"
        r"(?:(?:i'm|i am) (?:gonna|going to|off to|heading|off)[a-z ]*?\s+)?"
        r"(?:bye(?: bye)?|goodbye|good bye|"
        r"see (?:you|ya)(?: later| soon| next time| tomorrow| next week| then)?|"
        r"talk (?:to you )?(?:later|soon)|catch you later|later|take care|have a good (?:one|day|"
        r"night)|i(?:'ve| have) got to go|i (?:gotta|have to|need to) go|that's all(?: for "
        r"(?:now|today))?|that's it(?: for (?:now|today))?)"
        r"(?:\s+(?:for now|for today|now|then|thanks|thank you|coach|bye))*$")),
    ("greeting", re.compile(
        r"^(?:hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening)|hi there|"
        r"hello there|hey there)(?:\s+coach)?(?:\s+how are you(?: doing)?(?: today)?)?$")),
    ("yes", _Vocabulary("yes")),
    ("ack", _Vocabulary("ack")),
    ("no", _Vocabulary("no")),
)
INTENTS = tuple(name for name, _pattern in _INTENTS)
# Said before a real question, e.g. "Hi coach, how much protein do I need?"
_LEADING_SMALL_TALK = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|thanks|thank you|"
    r"ok(?:ay)?|alright|so|um+|uh+|well|right|coach|great|cool|yeah|quick question|"
    r"i have a question|i've got a question|another question)\b[\s,.!?]*)+")
_MORE_ABOUT = re.compile(r"^(?:can you |could you )?(?:tell me more|say more|more) about\s+")


def intent_of(utterance):
    """The intent of the whole utterance (one of INTENTS), or None for anything else."""
    text = normalise(utterance)
    if not text:
        return None
    for intent, pattern in _INTENTS:
        if pattern.match(text):
            return intent
    return None


def question_part(utterance):
    """The utterance, normalised, without leading small talk or "tell me more about"."""
    text = _LEADING_SMALL_TALK.sub("", normalise(utterance))
    return _MORE_ABOUT.sub("", text).strip()
