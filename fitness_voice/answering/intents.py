"""The small talk and call control the grounded responder recognises: repeat,
slower, more, capabilities, thanks, greeting, yes, ack and no.

Each is matched against the whole utterance after light clean-up, so a
question that merely contains "repeat" or "more" is still answered as a question.
"""

import re

from .plain_text import normalise

_POLITE = r"(?:(?:sorry|pardon|excuse me|please|coach|ok(?:ay)?|so|um+|uh+|oh|and|hey|" \
          r"yes|yeah|yep|sure|can you|could you|would you|will you|can u|just)\s+)*"
_TAIL = r"(?:\s+(?:please|again|for me|coach|thanks|thank you|a bit|a little|then))*"
# In order: the first that matches is the intent.
_INTENTS = (
    ("slower", re.compile(
        "^" + _POLITE + r"(?:(?:say|speak|talk|read|go|repeat)(?: (?:that|it|this))?"
        r"(?: (?:a bit|a little))? (?:more )?slow(?:er|ly)(?: (?:please|down))?|slow(?:er)?"
        r"(?: it)? down|slower|(?:you(?:'re| are) )?(?:talking|speaking|going)? ?too fast|"
        r"not so fast)" + _TAIL + "$")),
    ("repeat", re.compile(
        "^" + _POLITE + r"(?:repeat(?: (?:that|it|this|yourself|what you said|the last "
        r"(?:bit|part|thing)))?|say (?:that|it|this) (?:again|one more time)|say again|"
        r"come again|pardon(?: me)?|what did you (?:just )?say|one more time|"
        r"(?:i )?(?:didn't|did not|couldn't|could not) (?:catch|hear|get|understand) "
        r"(?:that|it|you|what you said)|what was that|what|huh|sorry)" + _TAIL + "$")),
    ("more", re.compile(
        "^" + _POLITE + r"(?:go on|tell me more(?: about (?:that|it|this))?|more|"
        r"more (?:details?|info|information)|continue|keep going|carry on|go ahead|"
        r"and then|then what|and|and what else|what else|what's next|what next|"
        r"what else (?:should|do) i (?:know|need to know)|anything else(?: i should know)?|"
        r"explain more|say more|(?:give me |i want |i'd like )?(?:some )?more(?: detail)?)"
        + _TAIL + "$")),
    ("capabilities", re.compile(
        "^" + _POLITE + r"(?:what (?:can|do) you (?:do|help(?: me)? with|know|cover)|"
        r"what are you|who are you|what is this|what's this|how (?:can|do) you help(?: me)?|"
        r"how does this work|help|what (?:can|should) i ask(?: you)?|"
        r"what (?:kind of )?(?:things|questions) can i ask(?: you)?)" + _TAIL + "$")),
    ("thanks", re.compile(
        "^" + _POLITE + r"(?:thanks|thank you|thank u|cheers|ta|much appreciated|"
        r"(?:that's|that is|that was) (?:really )?(?:helpful|great|useful|perfect|awesome)|"
        r"that helps|great thanks|perfect|awesome|brilliant)"
        r"(?:\s+(?:so much|very much|a lot|a bunch|coach|for that|for the help))*$")),
    ("greeting", re.compile(
        r"^(?:hi|hello|hey|hiya|howdy|yo|good (?:morning|afternoon|evening)|hi there|"
        r"hello there|hey there)(?:\s+coach)?(?:\s+how are you(?: doing)?(?: today)?)?$")),
    ("yes", re.compile(r"^(?:yes|yeah|yep|yup|sure|ok(?:ay)?|please|yes please|sure thing|"
                       r"go for it|why not|definitely|absolutely)(?:\s+(?:please|coach))*$")),
    ("ack", re.compile(r"^(?:ok(?:ay)?|alright|all right|got it|i see|cool|great|nice|"
                       r"sounds good|makes sense|right|understood|fair enough|good|"
                       r"oh okay|ok cool|okay cool|fine)(?:\s+(?:then|thanks|coach))*$")),
    ("no", re.compile(r"^(?:no|nope|nah|no thanks|no thank you|nothing|nothing else|"
                      r"i'm good|i am good|not really|not right now|no more)"
                      r"(?:\s+(?:thanks|thank you|coach))*$")),
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
