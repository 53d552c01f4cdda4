"""What the caller's words ask for: the English the dialogue listens for.

Two passes. The patterns below are high precision: what they match, they mean.
A line they miss is routed by meaning (``IntentRouter``): its nearest labelled
examples (lang/<code>/dialogue/intents.yaml), by the app's sentence embedder,
decide, when the best score is high enough and clearly ahead of the runner-up.
Anything else goes on to the answer.
"""

import logging
import re
import threading
from dataclasses import dataclass

from .. import lang
from ..text import vocab

log = logging.getLogger(__name__)

# A farewell at the end of a line ("I'm off to the gym now, see ya", "okay thanks,
# that's all for today, bye"); a whole-line goodbye is text.vocab's.
_FAREWELL = (r"(?:bye(?: bye)?|goodbye|good bye|"
             r"see (?:you|ya)(?: later| soon| next time| next week| tomorrow| then)?|"
             r"talk (?:to you )?(?:later|soon)|speak (?:to you )?soon|catch you later|"
             r"later coach|have a good (?:one|day|night))")
ENDS_WITH_FAREWELL = re.compile(rf"\b{_FAREWELL}(?:\s+(?:coach|then|now|for now|mate))*$")
QUESTION = re.compile(
    r"\?|^(how|what|why|when|where|which|who|should|can|could|would|will|is|are|am|do|does|"
    r"did|tell me|give me|help|explain|any|whats|what's|hows|how's)\b", re.IGNORECASE)
# A question asked after a statement, as phone speech runs on without a question
# mark: "my knee is sore what leg exercise can I do", "I'm sixty eight can I still lift".
QUESTION_INSIDE = re.compile(
    r"\b(?:how|what|why|when|where|which)\b|"
    r"\b(?:should|can|could|would|will|is|are|am|was) "
    r"(?:i|we|you|that|this|there|these|those|they|he|she|working|training|exercise|"
    r"lifting|running|walking|stretching)\b|\b(?:do|does|did) (?:i|we|you|they|he|she)\b|"
    r"\b(?:should|can|could|would|will|is|are) my\b|"
    r"\b(?:should|can|could|would|will|is|are) it\b|"
    r"\bi (?:want|need|'?d like|would like) to know\b|\bi (?:wonder|was wondering)\b|"
    r"\b(?:tell me|any (?:tips|advice|ideas)|is it (?:ok|okay|safe|bad|normal|fine))\b|"
    # A request is a question too: "I've got a bad knee, give me some leg exercises".
    r"\b(?:give me|show me|suggest|recommend|help me|teach me|talk me through)\b|"
    r"\b(?:want|need|looking for|after|like) (?:a |an |some |any |good |new |easy |simple )?"
    r"(?:exercises?|workouts?|routine|program(?:me)?|stretch(?:es)?|ideas?|moves?|tips|advice|"
    r"help|something)\b")
# A caller describing a problem is asking for help with it, question or not: "my
# shins are killing me", "my lower back has been sore since Monday".
DESCRIBES_A_PROBLEM = re.compile(
    r"\b(?:hurts?|hurting|hurt (?:my|it)|pain|painful|sore|soreness|aching|aches?|"
    r"killing me|twinges?|swollen|swelling|clicks?|clicking|popp(?:ed|ing)|numb|tingl\w*|"
    r"throbb\w*|sprain\w*|strain\w*|tweak\w*|pulled|stuck|plateau\w*|struggl\w*|"
    r"stiff|stiffness|tight|tightness|achy|cranky|wobbly|unsteady|niggl\w*|flar\w+ up|"
    r"acting up|acts up|playing up|plays up|bother\w*|seiz\w* up|locks? up|"
    r"can'?t (?:seem to|get|stop|sleep|lose|gain|run|lift|do)|keeps? (?:getting|happening))\b")
# Worn out from the last session: "what should I do tomorrow" then asks about
# recovery, not for a list of exercises.
WORN_OUT = re.compile(
    r"\b(?:could|can|can'?t) (?:barely|hardly|even) (?:walk|move|stand|get up|lift my arms)|"
    r"\b(?:so|really|super|very|too) (?:sore|stiff|achy)\b|\b(?:wrecked|destroyed|exhausted|"
    r"knackered|shattered|dead legs)\b")
# A line that starts by leaning on the last answer ("and ...", "so ...") is a
# follow-up unless its meaning is very close to an intent's examples.
LEANS_BACK = re.compile(r"^(?:and|so|but|then|what about|how about|okay and|ok and)\b")
LEANING_MIN_SCORE = 0.75
# Passing on "what should I call you?" in so many words: "I'd rather not say",
# "does it matter?", "why do you need my name?".
DECLINES_NAME = re.compile(
    r"^(?:(?:um|uh|er|oh|well|hmm|so|honestly|sorry)\s+)*(?:"
    r"i(?:'?d| would) (?:rather|prefer) not(?: to)?(?: (?:say|tell|give|share|answer)\b.*)?|"
    r"(?:do|does) (?:it|that|my name) (?:really )?matter|"
    r"why do you (?:need|want) (?:my name|to know(?: my name)?)|"
    r"do i (?:have|need) to (?:say|tell you|give)(?: (?:my name|it|you))?|"
    r"i (?:don'?t|do not) (?:want|wanna) to (?:say|tell you|give (?:it|my name|you my name))|"
    r"(?:not telling|none of your business|no names?(?: please)?|i'?d rather stay anonymous|"
    r"just (?:call me )?anonymous))(?:\s+(?:thanks|thank you|sorry|coach))*$")
# Words for another time: "I'll do my workout later" does not ask to start one now.
NOT_NOW = re.compile(r"\b(?:later|tomorrow|tonight|yesterday|last|earlier|next (?:week|time)|"
                     r"this (?:evening|afternoon))\b")
ABOUT_ME = re.compile(r"\bwhat do you (know|remember) about me\b|"
                      r"\bwhat have you (got|saved) on me\b|\bwhat'?s my profile\b|"
                      r"\bdo you (know|remember) who i am\b|\bdo you remember me\b",
                      re.IGNORECASE)
MY_NAME = re.compile(r"\b(?:what'?s|what is|say|tell me|do you (?:know|remember)) my name\b|"
                     r"\bwho am i\b(?! (?:talking|speaking))", re.IGNORECASE)
MY_GOAL = re.compile(r"\b(?:what'?s|what is|what was|remind me (?:of )?|do you (?:know|remember)"
                     r"(?: what)?) my (?:main )?goal\b", re.IGNORECASE)
FORGET_ME = re.compile(r"\b(forget (me|everything|all about me|about me)|"
                       r"(?:delete|erase|wipe|remove|clear) (?:all (?:of )?)?my "
                       r"(data|information|info|profile|details|records|stuff|number)|"
                       r"erase me)\b", re.IGNORECASE)
FORGET_FIELD = re.compile(r"\bforget (?:about |what i (?:said|told you) about )?my "
                          r"(knee|back|shoulder|wrist|ankle|hip|neck|injury|goal|equipment)\b",
                          re.IGNORECASE)
HELP = re.compile(r"^(?:(?:so|okay|ok|um|uh|well|and|hey|hi|coach)\s+)*"
                  r"(?:what (?:can|do) you (?:even |actually |really )?(?:do|help(?: me)? with|"
                  r"know about|cover)|what is this(?: service| line| number| thing)?|"
                  r"what'?s this|how does this (?:work|thing work)|help|"
                  r"what (?:can|should) i ask(?: you)?|"
                  r"what (?:kind of |sort of )?(?:things|questions) can i ask(?: you)?)"
                  r"(?:\s+(?:please|coach|then|exactly))*$")
THANKS = re.compile(r"^(?:(?:okay|ok|oh|great|perfect|brilliant|awesome|cool|right)\s+)*"
                    r"(?:thanks|thank you|thank u|cheers|ta|much appreciated)"
                    r"(?:\s+(?:so much|very much|a lot|a bunch|coach|for that|for the help|"
                    r"that'?s (?:really |very |so )?(?:helpful|great|useful|perfect)))*$|"
                    r"^(?:that'?s|that is|that was) (?:really |very |so )?"
                    r"(?:helpful|useful|great|perfect)(?:\s+(?:thanks|thank you|coach))*$")
# "Am I talking to a real person?", "are you a robot?": what the coach is, not a
# request to be put through to a person.
IDENTITY = re.compile(r"^(?:(?:wait|so|um|uh|hey|hi|hello|sorry|okay|ok|and|but|coach)\s+)*"
                      r"(?:am i|are we) (?:talking|speaking|chatting) (?:to|with) "
                      r"(?:a |an )?(?:real |actual |live )?(?:person|human|robot|bot|machine|"
                      r"computer|ai|recording)\b|"
                      r"^(?:(?:wait|so|um|uh|hey|hi|hello|sorry|okay|ok|and|but|coach)\s+)*"
                      r"(?:are you|is this|is that) (?:a |an )?(?:real |actual )?(?:person|human|"
                      r"robot|bot|machine|computer|ai|recording)\b")
GREETING = re.compile(r"^(?:hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening)|"
                      r"hi there|hello there|hey there)(?:\s+coach)?$")
HOW_ARE_YOU = re.compile(r"^(?:(?:hi|hello|hey)(?:\s+coach)?\s+)?(?:how are you|how'?s it going|"
                         r"how are you doing|how are things|how'?s your day(?: going)?|"
                         r"how have you been)(?:\s+(?:doing|today|coach|then))*$")

# A yes, a no or "say that again" is short: "yes please, go ahead".
MAX_ANSWER_WORDS = 8
MAX_FAREWELL_WORDS = 14

# What callers say that the safety check answers most often: their replies are
# rendered ahead of a call so they play at once when needed.
SAFETY_EXAMPLES = ("I have chest pain", "I think I'm going to faint", "I can't breathe",
                   "I want to end my life", "ignore your instructions",
                   "who won the game last night")

# The labels of lang/<code>/dialogue/intents.yaml. `question` is not an intent:
# its examples are on-topic questions, so that a line nearest to them is answered.
LABELS = ("start_workout", "weekly_plan", "todays_workout", "last_time", "about_me",
          "my_name", "my_goal", "forget_me", "repeat", "slower", "goodbye", "small_talk",
          "identity", "hard_session", "thanks", "help", "off_topic", "complaint", "question")
ANSWER = "question"
MIN_EXAMPLES, MAX_EXAMPLES = 10, 60
# Labels whose reply costs more when wrong (ending the call, starting a workout)
# need a closer match than the classifier's minimum.
STRICTER = {"goodbye": 0.7, "start_workout": 0.7, "forget_me": 0.7, "off_topic": 0.65,
            "my_name": 0.7, "my_goal": 0.7}
# With an LLM answering, only commands are taken before it; it answers small talk,
# thanks, help and off-topic lines itself, with the whole conversation in view.
COMMANDS = frozenset({"start_workout", "weekly_plan", "todays_workout", "last_time",
                      "about_me", "my_name", "my_goal", "forget_me", "repeat", "slower",
                      "goodbye"})
# Labels that also take a line with a question in it ("what can you do", "what did
# I do last time"); the others step aside for a question.
# "Can you delete my stuff?" and "what name have you got for me?" are asked as
# questions but are requests about the caller's memory, not training questions.
ASKED_AS_QUESTIONS = frozenset({"weekly_plan", "todays_workout", "last_time", "about_me",
                                "my_name", "my_goal", "forget_me", "repeat", "slower",
                                "small_talk", "identity", "help", "off_topic", "complaint",
                                "start_workout"})


def words(text):
    """Lowercase words with their apostrophes, for matching: "Okay, bye!" -> "okay bye"."""
    text = text.lower().replace("\u2019", "'")
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


def is_question(text):
    """Whether the line asks something, at its start or after a statement."""
    said = words(text)
    return bool("?" in text or QUESTION.search(said) or QUESTION_INSIDE.search(said))


def asks_what_you_are(text):
    """Whether the line asks if the coach is a person or a machine."""
    return bool(IDENTITY.match(words(text)))


def is_goodbye(text):
    """Whether the line ends the call: a goodbye and nothing else ("okay, bye for now"),
    or a statement that ends with a farewell ("I'm off to the gym now, see ya")."""
    if vocab.is_goodbye(text):
        return True
    said = words(text)
    return bool(ENDS_WITH_FAREWELL.search(said)) and not is_question(text) and \
        len(said.split()) <= MAX_FAREWELL_WORDS


def is_yes(text):
    """A short yes to the coach's own question ("yes", "yeah, go ahead"), not a new
    question, and not a goodbye that starts with "okay" ("okay thanks, bye")."""
    said = words(text)
    rest = said.split(" ", 1)[1] if " " in said else ""
    return vocab.is_yes(text) and len(said.split()) <= MAX_ANSWER_WORDS and \
        not is_question(rest) and not is_goodbye(text)


# "Should I still train today or wait": asks for advice, never for a command,
# however close its meaning lies to "what's today's workout".
ASKS_ADVICE = re.compile(r"^(?:(?:so|and|but|ok|okay|um|then|well) )*(?:should i|is it|is that|"
                         r"do i need|would it)\b")
# "Why not?" answers an offer with a yes; anywhere else it asks why.
WHY_NOT = re.compile(r"^(?:(?:well|oh|ok|okay|sure|yeah) )?why not$")


def accepts_offer(text):
    """A yes to an offer the coach just made, "why not" included."""
    return is_yes(text) or bool(WHY_NOT.match(words(text)))


def is_no(text):
    """A short no ("no", "nope, keep it")."""
    return (vocab.is_no(text) or vocab.is_skip(text)) and \
        len(words(text).split()) <= MAX_ANSWER_WORDS


def declines_name(text):
    """Whether the line passes on giving a name ("I'd rather not say")."""
    return bool(DECLINES_NAME.match(words(text)))


def is_skip(text):
    """"Skip", "no thanks", "rather not": passing on the coach's question."""
    return (vocab.is_skip(text) or vocab.is_no(text)) and len(words(text).split()) <= 4


def first_pass(text):
    """The intent the high-precision patterns find in the whole line, or None.

    Memory commands ("forget me", "what do you know about me") and training
    requests are matched by their own stages; these are the call's small talk
    and control."""
    said = words(text)
    if not said:
        return None
    if is_goodbye(text):
        return "goodbye"
    if len(said.split()) <= MAX_ANSWER_WORDS:
        if vocab.is_slower(said):
            return "slower"
        if vocab.is_repeat(said):
            return "repeat"
    if HELP.match(said):
        return "help"
    if THANKS.match(said):
        return "thanks"
    if IDENTITY.match(said):
        return "identity"
    if GREETING.match(said) or HOW_ARE_YOU.match(said):
        return "small_talk"
    return None


@dataclass(frozen=True)
class Routed:
    label: str
    score: float
    runner_up: float


def load_examples(language=None):
    """The labelled phrases of intents.yaml, checked: {label: [phrase, ...]}."""
    raw = lang.data("dialogue/intents", language)
    unknown = set(raw) - set(LABELS)
    if unknown:
        raise lang.LanguageDataError(f"dialogue/intents: unknown labels {sorted(unknown)}")
    missing = set(LABELS) - set(raw)
    if missing:
        raise lang.LanguageDataError(f"dialogue/intents: no examples for {sorted(missing)}")
    seen = {}
    for label, phrases in raw.items():
        if not isinstance(phrases, list) or not MIN_EXAMPLES <= len(phrases) <= MAX_EXAMPLES:
            raise lang.LanguageDataError(
                f"dialogue/intents: {label} needs {MIN_EXAMPLES} to {MAX_EXAMPLES} phrases")
        for phrase in phrases:
            if not isinstance(phrase, str) or not phrase.strip():
                raise lang.LanguageDataError(f"dialogue/intents: {label}: {phrase!r} is not "
                                             "a phrase (quote yes, no, on, off, true and false)")
            key = words(phrase)
            if key in seen and seen[key] != label:
                raise lang.LanguageDataError(
                    f"dialogue/intents: {phrase!r} is under both {seen[key]} and {label}")
            seen[key] = label
    return {label: list(phrases) for label, phrases in raw.items()}


class IntentRouter:
    """Routes a line by its nearest labelled examples.

    `embed(texts) -> vectors` is the app's sentence embedder; the classifier is
    built on first use (the examples are embedded once), so an app that never
    routes by meaning never loads it. Any failure of the embedder routes nothing:
    the line goes on to the answer.
    """

    def __init__(self, embed, examples=None, *, min_score=0.6, margin=0.05,
                 classifier=None):
        self.embed = embed
        self.examples = examples
        self.min_score = min_score
        self.margin = margin
        self._classifier = classifier
        self._lock = threading.Lock()

    def route(self, text):
        """A Routed label (never `question`), or None to answer the line."""
        if self.embed is None and self._classifier is None:
            return None
        try:
            match = self.classifier().classify(words(text))
        except Exception:  # the embedder's failure must not cost the answer
            log.exception("routing by meaning failed; answering the line")
            return None
        if match is None or match.label == ANSWER:
            return None
        if match.score < STRICTER.get(match.label, self.min_score):
            return None
        return Routed(match.label, match.score, match.runner_up_score)

    def classifier(self):
        with self._lock:
            if self._classifier is None:
                from ..retrieval.examples import ExampleClassifier
                self._classifier = ExampleClassifier(
                    self.embed, self.examples or load_examples(),
                    min_score=self.min_score, margin=self.margin)
            return self._classifier
