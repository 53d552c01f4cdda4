"""Safety first: what the caller said, checked before retrieval and the LLM; and
what the coach is about to say, checked before it is spoken.

- `classify(text)` sorts one caller utterance into a `Category` and gives the
  spoken reply for it. Red flags and crisis statements stop the workout.
- `check_reply(text)` looks at a reply (from the LLM or the grounded responder)
  and returns a safe replacement when it diagnoses, gives a medication dose or a
  very low calorie target, or leaks its instructions.

Rule based on purpose: every decision can be read, tested and explained, and it
costs well under a millisecond a turn. Text is normalised first (lowercase,
contractions expanded, "can't" and ASR's "cant" both become "can not",
number words such as "eight hundred" become digits), then regexes run over it
with negation handling ("no chest pain, just sore legs" is not a red flag).

Borderline decisions (see lang/en/safety/examples.yaml for the labelled set):

- Ordinary exertion breathlessness ("short of breath after sprints, is that
  normal") is SAFE; "can't breathe", "severe shortness of breath", breathing
  trouble at rest or with no exercise context is a RED_FLAG.
- Questions *about* red flags ("what are the signs of heat stroke", "how do I
  avoid heat stroke", "what do I do if someone collapses") are SAFE: the
  knowledge base answers them, and says to call for help.
- Any headache that is not a red flag ("headache after a hangover") is MEDICAL;
  dizziness on its own is MEDICAL (sit down, and when to call for help).
- Exercising with a cold or fever, pregnancy in general, muscle soreness, and
  pain that comes with training ("my knee hurts when I squat") are SAFE: the
  knowledge base covers them, with when to see a doctor. MEDICAL is for what only
  a clinician should answer: medication, a diagnosis, treatment of an acute
  injury (sprain, tear, break, a pop, swelling), pregnancy complications, and
  training with a heart, blood pressure or other serious condition or after
  recent surgery.
- "Chest hurts" is a RED_FLAG even after bench press; "chest is sore" and
  "chest feels tight from hunching over my phone" are SAFE (muscle).
- Hyperbole that states a wish to die or to kill oneself ("that workout made me
  want to die") is CRISIS: a gentle reply to a joke costs little.
- Eating under 1000 calories a day is EATING_DISORDER.
- "Pretend you are my drill sergeant" is INJECTION: role changes are refused.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from .text.clean import clean_reply, split_sentences  # noqa: F401 - not safety; named here for callers


class Category(str, Enum):  # noqa: UP042 - the agreed contract; compares equal to its value
    RED_FLAG = "red_flag"
    CRISIS = "crisis"
    EATING_DISORDER = "eating_disorder"
    MEDICAL = "medical"
    INJECTION = "injection"
    OFF_TOPIC = "off_topic"
    SAFE = "safe"


# Highest first: an injection that mentions chest pain is still a red flag.
PRIORITY = (Category.RED_FLAG, Category.CRISIS, Category.EATING_DISORDER, Category.INJECTION,
            Category.MEDICAL, Category.OFF_TOPIC)


@dataclass
class Verdict:
    category: Category
    reason: str            # short machine-readable label, e.g. "chest_pain"
    reply: str | None      # what the coach says (None for SAFE)
    stop_workout: bool     # True for RED_FLAG and CRISIS
    end_call: bool = False  # the caller can keep talking; the caller of classify decides


# ---------------------------------------------------------------------------
# Normalisation

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
                              "\u2032": "'"})
_CONTRACTIONS = (
    (r"\bcan'?t\b", "can not"), (r"\bcannot\b", "can not"), (r"\bwon'?t\b", "will not"),
    (r"\bshan't\b", "shall not"), (r"\bain'?t\b", "am not"), (r"n't\b", " not"),
    (r"\bi'm\b", "i am"), (r"'re\b", " are"), (r"'ve\b", " have"), (r"'ll\b", " will"),
    (r"'d\b", " would"),
    (r"\b(it|that|what|there|here|he|she|who|where|how|when|everything|nothing)'s\b",
     r"\1 is"),
    (r"\blet's\b", "let us"),
)
_CONTRACTIONS = tuple((re.compile(p), r) for p, r in _CONTRACTIONS)
# Speech recognition often drops the apostrophe.
_BARE = {
    "cant": "can not", "dont": "do not", "doesnt": "does not", "didnt": "did not",
    "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not",
    "havent": "have not", "hasnt": "has not", "hadnt": "had not", "shouldnt": "should not",
    "couldnt": "could not", "wouldnt": "would not", "mustnt": "must not", "aint": "am not",
    "wont": "will not", "im": "i am", "ive": "i have", "youre": "you are", "youve": "you have",
    "youll": "you will", "theyre": "they are", "thats": "that is", "whats": "what is",
    "theres": "there is", "heres": "here is", "shes": "she is", "hows": "how is",
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "kinda": "kind of",
    "sorta": "sort of", "outta": "out of", "lemme": "let me", "gimme": "give me",
}
_SMALL = {w: i for i, w in enumerate((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen"))}
_TENS = {w: 10 * i for i, w in enumerate(
    ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"), 2)}
_SCALE = {"hundred": 100, "thousand": 1000}


def _words_to_numbers(tokens):
    """'eight hundred' -> '800', 'twelve hundred' -> '1200', 'a thousand' -> '1000'.
    Only runs that contain 'hundred' or 'thousand' are converted, so 'one side of
    my face' keeps its words."""
    out, i = [], 0
    while i < len(tokens):
        j, run = i, []
        while j < len(tokens):
            word = tokens[j]
            nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
            number = word in _SMALL or word in _TENS or word in _SCALE
            leading_a = word == "a" and not run and nxt in _SCALE
            joining_and = word == "and" and run and (nxt in _SMALL or nxt in _TENS)
            if not (number or leading_a or joining_and):
                break
            run.append(word)
            j += 1
        if any(w in _SCALE for w in run):
            total = current = 0
            for word in run:
                if word in _SMALL:
                    current += _SMALL[word]
                elif word in _TENS:
                    current += _TENS[word]
                elif word == "a":
                    current += 1
                elif word == "hundred":
                    current = max(current, 1) * 100
                elif word == "thousand":
                    total += max(current, 1) * 1000
                    current = 0
            out.append(str(total + current))
            i = j
        else:
            out.append(tokens[i])
            i += 1
    return out


def normalise(text):
    """Lowercase words separated by single spaces; sentence ends become ' . '."""
    t = unicodedata.normalize("NFKC", text or "").translate(_APOSTROPHES).lower()
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)
    for pattern, replacement in _CONTRACTIONS:
        t = pattern.sub(replacement, t)
    t = re.sub(r"[.!?;:]+(?=\s|$)", " . ", t)
    t = re.sub(r"[^a-z0-9.' ]+", " ", t).replace("'", "")
    t = re.sub(r"\.(?!\d)|(?<!\d)\.", " . ", t)
    tokens = [_BARE.get(w, w) for w in t.split()]
    tokens = " ".join(tokens).split()
    return " ".join(_words_to_numbers(tokens))


# ---------------------------------------------------------------------------
# Negation and framing

# Words that do not count when measuring how far a cue is from what it negates.
_FILLERS = {"a", "an", "the", "any", "more", "real", "really", "much", "such", "of", "some"}
_BOUNDARY = re.compile(
    r"(?:^| )(?:\.|but|just|only|though|although|however|except|yet|whereas|because|plus|"
    r"and(?= (?:my|i|it|now|then|suddenly|also|this|he|she|his|her|they|there|we)\b))(?= |$)")
_NEGATION = re.compile(
    r"\b(?:no(?! (?:idea|clue|doubt|wonder|matter|joke|kidding|lie|my|i|it|its|his|her|"
    r"but|actually|wait|well|sorry|seriously|really)\b)|not(?! (?:sure|only|just|kidding|"
    r"joking|lying|stop|stopping)\b)|never|without|nor|neither|none|zero|avoid|avoiding|"
    r"prevent|preventing|prevention of|free of|free from)\b")
_STRICT_NEGATION = re.compile(r"\b(?:no|not|never)(?! (?:sure|only|just|stop|stopping)\b)\b")
# Questions about a red flag rather than reports of one.
_FRAMING = re.compile(
    r"\b(?:what (?:do|should|would|can) (?:i|you|we|one|people|someone) do (?:if|when)|"
    r"what if|in case(?: of)?|if (?:someone|somebody|a person|anyone|you|a friend|"
    r"my client|people)|how (?:do|can|would|should) (?:i|you|we) (?:tell|know|spot|"
    r"recogni[sz]e)(?: if| when| whether)?|(?:signs|symptoms|warning signs) of|"
    r"risk of|chance of|(?:how|ways) to (?:avoid|prevent))\b")
_DEFINITION = re.compile(r"\b(?:what (?:is|are|causes)|define|meaning of)\b")

_CUES = {
    "general": ((_NEGATION, 2),),
    "red": ((_NEGATION, 2), (_FRAMING, 3), (_DEFINITION, 0)),
    "strict": ((_STRICT_NEGATION, 1),),
}


def _last(pattern, text):
    found = None
    for found in pattern.finditer(text):  # noqa: B007 - keep the last match
        pass
    return found


def _clause_before(t, start):
    before = t[:start]
    boundary = _last(_BOUNDARY, before)
    return before[boundary.end():] if boundary else before


def _cued(t, start, mode):
    clause = _clause_before(t, start)
    for cue, max_gap in _CUES[mode]:
        last = _last(cue, clause)
        if last is not None:
            gap = [w for w in clause[last.end():].split() if w not in _FILLERS]
            if len(gap) <= max_gap:
                return True
            # "no chest pain or dizziness": a list of negated things
            if ("or" in gap or "nor" in gap) and "and" not in gap and len(gap) <= max_gap + 4:
                return True
    return False


# ---------------------------------------------------------------------------
# Rules

Refine = Callable[[str, re.Match], "tuple[Category, str] | None"]


@dataclass(frozen=True)
class _Rule:
    category: Category
    reason: str
    pattern: re.Pattern
    negation: str | None = "general"      # cue set in _CUES, or None
    unless_before: re.Pattern | None = None  # searched at the end of the text before
    unless_after: re.Pattern | None = None   # matched at the start of the text after
    unless_text: re.Pattern | None = None    # searched in the whole utterance
    require_text: re.Pattern | None = None   # must be found in the whole utterance
    refine: Refine | None = None             # final say: (category, reason) or None


def _alt(*parts):
    return "(?:" + "|".join(parts) + ")"


def _c(*parts):
    return re.compile(r"\b" + _alt(*parts) + r"\b")


BE = (r"(?:(?:is|are|am|was|were|been|be|has been|have been|feels?|felt|feeling|went|"
      r"gone|has gone|goes|going|keeps?|kept|getting|gets|got|started|starts|seems?|looks?"
      r"|still) )*")
ADV = (r"(?:(?:really|very|so|super|extremely|pretty|kind of|sort of|a bit|a little|totally|"
       r"all|suddenly|still|now|just|quite|bit|like) )*")
BODY = (r"(?:knees?|kneecaps?|ankles?|wrists?|elbows?|shoulders?|hips?|(?:lower |upper |mid )?"
        r"back|neck|spine|foot|feet|heels?|toes?|shins?|achilles(?: tendon)?|hamstrings?|groin|"
        r"calf|calves|rotator cuff|it band|acl|mcl|meniscus|tendons?|ligaments?|joints?|ribs?|"
        r"hand|fingers?|thumb|arch|tailbone|disc|pelvis|collarbone|quad|bicep|tricep|pec|"
        r"glute|muscle|leg|arm)")
CONDITIONS = (r"(?:osteo)?arthritis|tendon?itis|tendinopathy|bursitis|plantar fasciitis|sciatica|"
              r"hernia|herniated disc|slipped disc|bulging disc|stress fracture|fracture|"
              r"concussion|shin splints|tennis elbow|golfers elbow|runners knee|jumpers knee|"
              r"it band syndrome|frozen shoulder|impingement|carpal tunnel|sprain|strain|gout|"
              r"osteoporosis|scoliosis|diabetes|diabetic|asthma|high blood pressure|hypertension|"
              r"an?a?emi[ac]|blood clot|dvt|compartment syndrome|rhabdo\w*|torn \w+|"
              r"rotator (?:cuff|cup)|acl|mcl|meniscus|labrum|achilles")


# -- red flags --------------------------------------------------------------

_RED = Category.RED_FLAG

_BREATH_STRONG = re.compile(_alt(
    r"(?:can not|could not|unable to|not able to|can barely|can hardly|barely able to) "
    r"(?:breathe|breath|get (?:any |enough )?air|get a breath)",
    r"(?:lips|face) " + BE + r"(?:turning )?blue",
    r"(?:severe|severely|extreme|extremely|really bad|terrible|serious|scary) "
    r"(?:shortness of breath|short of breath|breathless\w*|trouble breathing|"
    r"difficulty breathing|breathing problems?)"))
_BREATH_EXERTION_ONLY = re.compile(r"\b(?:short|shortness) of breath|out of breath|"
                                   r"breathless\w*|winded\b")
_BREATH_SEVERE = re.compile(
    r"\b(?:at rest|resting|when i rest|while sitting|sitting (?:down|still)|lying down|"
    r"laying down|doing nothing|not getting better|will not go away|would not go away|"
    r"does not go away|not going away|getting worse|even (?:when|while|after|sitting|at|"
    r"though|standing)|severe|really bad|scary|for (?:an hour|hours|\d+ (?:minutes|hours)|"
    r"over|more than)|can not (?:talk|speak)|and (?:dizzy|lightheaded|faint)|chest|blue|"
    r"confus\w*|wheez\w*)\b")
_EXERTION = re.compile(
    r"\b(?:after|during|when|while|from|on|doing|with|in) (?:\w+ ){0,3}?(?:sprints?|sprinting|"
    r"runs?|running|jog|jogging|workouts?|working out|train|training|exercise|exercising|"
    r"cardio|hiit|stairs|climbing|hills?|intervals?|burpees|jumping jacks|swim|swimming|"
    r"cycling|bike|biking|rowing|lifting|squats?|lunges?|class|sets?|race|game|practice|laps?|"
    r"spin|hike|hiking|walk|walking|skipping|rope|plank|push ups?|pushups?)\b|"
    r"\bis (?:that|it|this) normal\b|\bnose\b")


def _breathing(t, m):
    said = m.group(0)
    if _BREATH_STRONG.fullmatch(said) or _BREATH_SEVERE.search(t):
        return _RED, "breathing"
    if _BREATH_EXERTION_ONLY.fullmatch(said) or _EXERTION.search(t):
        return None
    return _RED, "breathing"


_HEART_COMPANION = re.compile(
    r"\b(?:dizzy|dizziness|lightheaded|light headed|faint\w*|pass(?:ing)? out|"
    r"black(?:ing)? out|chest|short of breath|can not breathe|trouble breathing|confus\w*|"
    r"(?:will not|not) (?:slow|slowing|come|coming) down)\b")
_HEART_IRREGULAR = re.compile(
    r"\b(?:irregular\w*|skip\w*|missing beats|flutter\w*|all over the place|out of rhythm|"
    r"erratic|jumping around|palpitations|weird\w*|strange\w*|funny)\b")


def _heart(t, m):
    if _HEART_COMPANION.search(t):
        return _RED, "heart_rhythm"
    if _HEART_IRREGULAR.search(m.group(0)):
        return Category.MEDICAL, "heart_rhythm"
    return None


_RED_RULES = (
    _Rule(_RED, "chest_pain", _c(
        r"chest (?:pains?|pressure|tightness|tightening|discomfort|heaviness|squeezing|aches?|"
        r"aching|hurts?|hurting|burning)",
        r"(?:pains?|pressure|tightness|tight|discomfort|heaviness|heavy|squeezing|squeeze|"
        r"aches?|aching|burning|stabbing|sharp|crushing|weight|weird|strange|funny)"
        r"(?: feeling| sensation| pain)? (?:in|on|across|around|behind) (?:the |my |his |her )?"
        r"(?:middle of (?:my |the )?|left side of (?:my )?)?chest",
        r"(?:elephant|something heavy|someone|a weight|ton of bricks)(?: \w+){0,3}? "
        r"(?:on|sitting on|standing on|pressing on|crushing) my chest",
        r"chest " + BE + ADV + r"(?:tight|tightening|heavy|hurting|hurts|hurt|aching|aches|"
        r"painful|burning|squeezing|crushing|killing me|on fire|like (?:someone|something|an? "
        r"elephant))",
        r"(?:tight|heavy|crushing) chest",
        r"heart (?:hurts|is hurting|pain)"),
        negation="red",
        unless_after=re.compile(r"^(?: \w+){0,3}? from (?:\w+ ){0,3}?(?:hunching|slouching|"
                                r"sitting|posture|desk|phone|computer|typing|driving|bench|"
                                r"benching|pressing|push ups|pushups|flyes|flies|dips)\b|"
                                r"^ (?:muscles?|and shoulders)\b"),
        unless_text=re.compile(r"\b(?:stretch|stretches|stretching)\b(?!.*\b(?:pain|pressure|"
                               r"hurts?|heavy|crushing)\b)")),
    _Rule(_RED, "chest_pain", _c(r"heart attack"), negation="red",
          unless_before=re.compile(
              r"\b(?:had|survived|after|since|from|history of|recovering from|gave me|give me|"
              r"giving me|gives me|gave him|gave her|nearly gave me|almost gave me) "
              r"(?:a |an |my |his |her )?$")),
    _Rule(_RED, "fainting", _c(
        r"faint(?:ed|ing)",
        r"(?:feel|feeling|felt|going to|about to|might|nearly|almost|could|i will|may) "
        r"(?:\w+ )?faint",
        r"(?:pass|passed|passing|passes) out", r"black(?:ed|ing)? out",
        r"(?:lost|losing|lose) consciousness", r"unconscious", r"keel(?:ed)? over",
        r"(?:everything|it all|my vision|the room|the world) (?:went|goes|is going|turned) "
        r"(?:black|dark|grey|gray|white)",
        r"(?:going to|about to|might|nearly|almost|think i will|feel like i will) collapse",
        r"(?:i|he|she|they|someone|somebody|my (?:friend|partner|wife|husband|mom|mum|dad|son|"
        r"daughter|brother|sister|client|buddy|mate|training partner|boyfriend|girlfriend)) "
        r"(?:just |has |have )?collaps(?:ed|es|ing)",
        r"(?:he|she|they|someone|somebody|my \w+) (?:is|are) not (?:breathing|responding|"
        r"waking up)",
        r"unresponsive"),
        negation="red",
        unless_after=re.compile(
            r"^(?: \w+){0,2}? (?:from|of|with|at) (?:the )?(?:boredom|laughter|laughing|"
            r"excitement|shock|surprise|happiness|joy|embarrassment|price|bill|cost)\b|"
            r"^ (?:on|in) (?:the |my )?(?:couch|sofa|bed|chair)\b|^ (?:as soon as|watching|"
            r"in front of|early|asleep|drunk|for \d+ hours|flyers|leaflets|towels|curtains|"
            r"blinds)\b")),
    _Rule(_RED, "breathing", re.compile(_alt(
        _BREATH_STRONG.pattern,
        r"\b(?:trouble|difficulty|problems?|struggling|struggle|struggles|hard|harder|"
        r"labou?red) (?:to |with )?breath(?:e|ing)\b",
        r"\bcan not catch my breath\b", r"\bgasping for (?:air|breath)\b",
        r"\b(?:my )?(?:breathing|breath) (?:is|feels|sounds|has been|was|got|gets|getting) "
        + ADV + r"(?:really bad|very bad|"
        r"bad|terrible|awful|not right|weird|strange|wrong|labou?red|difficult|hard|shallow|"
        r"raspy|noisy)\b",
        _BREATH_EXERTION_ONLY.pattern)),
        negation="red", refine=_breathing),
    _Rule(_RED, "headache", _c(
        r"worst headache", r"thunderclap",
        r"(?:sudden|suddenly|instant|explosive|excruciating|blinding|unbearable|severe|"
        r"crushing|violent|agoni[sz]ing|worst) (?:\w+ ){0,2}headache",
        r"headache (?:\w+ ){0,3}(?:out of nowhere|all of a sudden|suddenly|came on "
        r"(?:suddenly|fast|instantly)|like (?:a thunderclap|being hit|i was hit|someone hit)|"
        r"worst)"),
        negation="red"),
    _Rule(_RED, "stroke_signs", _c(
        r"(?:face|mouth|smile|lip|lips|eyelid) " + BE + ADV + r"(?:drooping|droopy|droops|droop|"
        r"numb|crooked|lopsided|sagging|paraly[sz]ed|frozen)",
        r"can not (?:lift|raise|move|feel) my (?:left|right) (?:arm|leg|hand|side)"
        r"(?! (?:above|over|past|since|after|because|from))",
        r"can not feel (?:my )?(?:legs|arms|feet|hands|face)(?! (?:after|from) (?:leg day|"
        r"squats|that|the|this|those|lunges|running|my|all))",
        r"(?:drooping|droopy|sagging) (?:face|mouth|eye|eyelid|smile|lip)",
        r"(?:half|one side|side) (?:of )?my (?:face|body|mouth) " + BE + ADV + r"(?:numb|weak|"
        r"drooping|droopy|heavy|tingling|not working|paraly[sz]ed|dead)",
        r"(?:numb|numbness|weak|weakness|tingling|paralysis) (?:on|in|down) (?:one side|"
        r"the (?:left|right) side|my (?:left|right) side|half)",
        r"slurr(?:ed|ing)",
        r"speech " + BE + ADV + r"(?:slurred|garbled|jumbled|weird|strange|funny)",
        r"words (?:are |keep |were )?(?:coming |come |came )?(?:out )?" + ADV
        + r"(?:wrong|jumbled|garbled|mixed up|funny|strange)",
        r"can not (?:speak|talk) (?:properly|right|clearly|straight)",
        r"can not (?:get|find) (?:my|the) words",
        r"(?:left|right|one) (?:arm|leg|hand|side) " + BE + ADV + r"(?:numb|limp|paraly[sz]ed|"
        r"not working|will not move|can not move|went weak|weak)",
        r"sudden(?:ly)? " + ADV + r"(?:confused|confusion|disoriented|can not (?:see|speak|"
        r"talk|walk|understand))",
        r"(?:lost|losing|loss of|lose) (?:my |the )?(?:vision|sight)",
        r"can not see (?:out of )?(?:my |one |the )?(?:left |right )?eye",
        r"(?:sudden|suddenly) (?:blurry|blurred|double|dark) vision",
        r"vision " + BE + ADV + r"(?:black|dark|blurry|white|grey|gray|dim|double)"
        r"(?! (?:when|if|after) i (?:stand|get up|take))",
        r"double vision", r"seeing double", r"(?:went|going|gone) blind",
        r"blind in (?:one|my (?:left|right)) eye",
        r"can not see (?:\w+ ){0,2}?(?:all of a sudden|suddenly)",
        r"(?:suddenly|all of a sudden) (?:i )?can not see",
        r"(?:am|is|are|be|might be|think i am|think he is|think she is) having a stroke",
        r"(?:this|it) (?:is|could be|might be) a stroke"),
        negation="red"),
    _Rule(_RED, "heat_illness", _c(
        r"heat ?stroke", r"sun ?stroke", r"heat (?:exhaustion|exhortion|illness)",
        r"stopped sweating",
        r"(?:not|no longer|can not) sweat(?:ing)? (?:anymore |at all )?(?:and|but) "
        r"(?:i am |i feel |feel |feeling )?" + ADV + r"(?:hot|dizzy|confused|faint|sick|"
        r"nauseous|lightheaded)",
        r"(?:hot|burning up|overheat(?:ing|ed)) (?:\w+ ){0,4}?and (?:i am |i feel |feel |"
        r"feeling )?" + ADV + r"(?:dizzy|lightheaded|"
        r"light headed|confused|faint|nauseous|woozy|disoriented|throwing up|vomiting|weak)",
        r"(?:dizzy|lightheaded|light headed|confused|faint|nauseous|woozy|disoriented) and "
        + ADV + r"(?:hot|overheat\w*|burning up)",
        r"(?:dizzy|lightheaded|confused|faint|disoriented|nauseous|sick)(?: \w+){0,3} "
        r"(?:in|from) the (?:heat|sun)",
        r"overheat(?:ing|ed) and " + ADV + r"(?:dizzy|confused|faint|sick|nauseous|"
        r"throwing up|lightheaded)",
        r"skin (?:is|feels) " + ADV + r"(?:hot and dry|red hot|burning hot)"),
        negation="red"),
    _Rule(_RED, "heart_rhythm", _c(
        r"(?:heart|pulse|heartbeat|heart beat|heart rate) " + BE + ADV + r"(?:racing|pounding|"
        r"fluttering|flutters|irregular|irregularly|skipping|skips|skipped|missing beats|"
        r"all over the place|out of rhythm|beating " + ADV + r"(?:fast|weird|weirdly|strange|"
        r"strangely|funny|irregularly|out of rhythm|hard|like crazy)|going crazy|"
        r"through the roof|will not (?:slow|come) down|not (?:slowing|coming) down|"
        r"jumping around|erratic)",
        r"palpitations"),
        negation="red", refine=_heart),
    _Rule(_RED, "coughing_blood", _c(
        r"(?:cough|coughs|coughing|coughed|spitting|spit|spat|throwing|threw|vomiting|vomited|"
        r"puking|puked) (?:up )?(?:some )?blood",
        r"blood (?:in|when) (?:i )?(?:cough|my cough|my spit|my vomit|my sick)"),
        negation="red"),
    _Rule(_RED, "dark_urine", _c(
        r"(?:pee|urine|piss|wee) (?:\w+ ){0,3}?(?:cola|coke|tea|dark brown|brown|black|bloody|"
        r"blood|red)",
        r"(?:dark brown|brown|cola colou?red|tea colou?red|bloody) (?:pee|urine|wee)",
        r"rhabdo\w*"),
        negation="red"),
    _Rule(_RED, "back_emergency", _c(
        r"numb(?:ness)? (?:\w+ ){0,2}?(?:down there|around my (?:groin|genitals|privates|bottom|"
        r"bum|butt|crotch)|in my (?:groin|genitals|privates|crotch|saddle))",
        r"(?:can not|unable to|trouble|hard to|can barely) (?:pee|urinate|wee)",
        r"(?:lost|losing|loss of) (?:control of )?(?:my )?(?:bladder|bowels?)",
        r"(?:weakness|numb|numbness) in both legs"),
        negation="red"),
    _Rule(_RED, "head_injury", _c(
        r"(?:hit|banged|bumped|smacked|knocked|whacked|cracked) (?:my|his|her|their) head"
        r"(?: \w+){0,8}? (?:dizzy|confused|throwing up|threw up|vomit\w*|blurry|passed out|"
        r"blacked out|knocked out|seeing double|can not remember)",
        r"knocked (?:myself |him |her )?(?:out|unconscious)"),
        negation="red"),
    _Rule(_RED, "seizure", _c(r"(?:having|had|has|is having) (?:a )?seizure", r"seizing",
                             r"convuls\w+"), negation="red"),
    _Rule(_RED, "allergic_reaction", _c(
        r"throat " + BE + ADV + r"(?:closing|swelling|swollen)",
        r"(?:lips|tongue) " + BE + ADV + r"(?:swelling|swollen)",
        r"anaphyla\w*", r"allergic reaction"), negation="red"),
)


# -- crisis -------------------------------------------------------------------

_CRISIS = Category.CRISIS
_CRISIS_RULES = (
    _Rule(_CRISIS, "suicidal", _c(
        r"suicid(?:e|al)(?! (?:sprints?|runs?|drills?|shuttles?|squats?|lines?|burpees?)\b)",
        r"(?:kill|killing|killed) myself",
        r"(?:end|ending|ended|take|taking) (?:my (?:own )?life|it all)(?! back)",
        r"(?:want|wanted|wants|wanna|ready|would like|like|trying|tried|plan|planning|"
        r"wish i could) to die",
        r"wish (?:that )?i (?:was|were|had never been born|had died|would die|could die|"
        r"could disappear|did not exist|was not alive|was not here|was never born|"
        r"were not alive|were not here)",
        r"better off (?:dead|without me|if i (?:was|were) (?:dead|gone|not here))",
        r"(?:no|not any|nothing|zero) (?:reason|point) (?:to|in|of) (?:live|living|life|"
        r"being alive|carrying on|going on(?= \.|$| anymore| like this))",
        r"nothing (?:left )?to live for",
        r"what is the point (?:of|in) (?:living|life|being alive|going on(?= \.|$))",
        r"(?:life|it) (?:is not|is no longer|not) worth living",
        r"(?:do not|never) want to (?:live|be alive|exist|wake up|be here any ?more)",
        r"can not go on (?:anymore|any more|like this|living)",
        r"overdos\w+", r"(?:take|took|swallow|swallowed) (?:all (?:of )?)?(?:my|the) pills",
        r"(?:hang|hanging|drown|drowning|shoot|shooting|poison|poisoning) myself",
        r"jump(?:ing)? off (?:a|the) (?:bridge|building|roof|cliff|balcony)",
        r"slit (?:my )?wrists?", r"disappear forever", r"not be here any ?more",
        r"(?:do not|can not|no longer) see (?:the |any )?point (?:in|of) (?:living|life|"
        r"being alive|going on)", r"see no point (?:in|of) (?:living|life|being alive)",
        r"end it (?:tonight|for good|forever)",
        r"want (?:it all|everything|my life|all of this|all this) to (?:be over|end|stop)",
        r"(?:nobody|no one|no body) (?:would|will) (?:miss me|care if i (?:died|was gone|"
        r"were gone|disappeared))",
        r"(?:took|take|swallowed|swallow) (?:a (?:bunch|lot|load|handful|whole bottle|bottle) "
        r"of )(?:pills|tablets|my meds|painkillers)"),
        negation="strict",
        unless_before=re.compile(r"\bcan (?:you|i|someone|people) $"),
        unless_after=re.compile(r"^ (?:on )?(?:caffeine|creatine|protein|pre ?workout|vitamins?|"
                                r"water|supplements?|electrolytes|coffee|energy drinks)\b")),
    _Rule(_CRISIS, "self_harm", _c(
        r"self ?harm\w*", r"hurt(?:ing)? myself on purpose",
        r"(?:want|wanted|wanna|urge|urges|feel like|thinking (?:about|of)|thought (?:about|of)|"
        r"think (?:about|of)|tempted|going) (?:to )?(?:hurt|hurting|harm|harming|cut|cutting|"
        r"punish|punishing) myself",
        r"(?:cut|cutting|harm|harming) myself"),
        negation="strict",
        unless_after=re.compile(r"^ (?:if|doing|lifting|with|on|trying|while|shaving|by accident|"
                                r"accidentally|at the gym|in the gym)\b"),
        unless_before=re.compile(r"\b(?:afraid|scared|worried|nervous|fear|so i do not|"
                                 r"without)(?: \w+){0,3} $")),
)


# -- eating disorders ---------------------------------------------------------

_ED = Category.EATING_DISORDER
_INTAKE_BEFORE = re.compile(
    r"\b(?:eat|eating|ate|eats|consume|consuming|consumed|intake|living on|live on|survive on|"
    r"surviving on|limit(?:ing)? (?:myself|it) to|allow(?:ing)? myself|stick(?:ing)? to|"
    r"keep(?:ing)? it (?:under|below)|only|just|under|less than|fewer than|below|on a|"
    r"down to|get by on|cut (?:down )?to|diet of|having|have|should i eat)\b")
_DAILY_AFTER = re.compile(r"^(?:\w+ ){0,2}?(?:a day|per day|daily|each day|every day|diet)\b")
_NOT_INTAKE_BEFORE = re.compile(r"\b(?:burn|burns|burned|burnt|burning|deficit|surplus|"
                                r"lose|extra|over|above|more than)\b")
_NOT_DAILY_AFTER = re.compile(
    r"^(?:\w+ ){0,2}?(?:for|at|with) (?:breakfast|lunch|dinner|a snack|snack|my snack)\b|"
    r"^(?:\w+ ){0,1}?(?:per|a|each|in a|in one) (?:meal|serving|snack|bar|sitting)\b|"
    r"^(?:before|after|pre|post) (?:my |a |the )?(?:workout|run|training|gym|lifting)\b|"
    r"^(?:snack|meal|deficit|surplus|fewer|less|more|of protein|burn)\b")
_CALORIES = re.compile(r"\b(\d{2,4})(?:\.\d+)? ?(?:k )?(?:calories|calorie|cals|cal|kcal|"
                       r"kcals)\b")
ED_CALORIE_LIMIT = 1000


def _low_intake(t, m):
    if int(m.group(1)) >= ED_CALORIE_LIMIT:
        return None
    before = " ".join(t[:m.start()].split()[-6:])
    after = t[m.end():].strip()
    if _NOT_INTAKE_BEFORE.search(" ".join(before.split()[-4:])) or _NOT_DAILY_AFTER.match(after):
        return None
    if _INTAKE_BEFORE.search(before) or _DAILY_AFTER.match(after):
        return _ED, "very_low_intake"
    return None


_ED_RULES = (
    _Rule(_ED, "purging", _c(
        r"(?:make|made|making|makes) myself (?:throw up|sick|vomit|puke|be sick)",
        r"(?:throw|throwing|threw) up (?:after|when|whenever|every time) (?:i )?(?:eat|eating|"
        r"ate|meals|dinner|lunch|breakfast|binge|binging|bingeing|food)",
        r"purg(?:e|es|ed|ing)(?! (?:my |the )?(?:closet|pantry|fridge|kitchen|cupboards?|house|"
        r"junk|wardrobe|inbox|emails?|files)\b)",
        r"bing(?:e|ed|ing|eing) and (?:then )?(?:purge|purging|throw up|throwing up|vomit|puke)",
        r"chew and spit")),
    _Rule(_ED, "eating_disorder", _c(
        r"bulimi\w*", r"anorexi\w*", r"eating disorders?", r"disordered eating",
        r"binge eating", r"orthorexi\w*")),
    _Rule(_ED, "restricting", _c(
        r"starv(?:e|ing|ed) myself", r"starvation diet",
        r"(?:not|barely|hardly) eat(?:ing)? (?:anything|at all|much)(?: \w+){0,4} (?:lose|"
        r"weight|thin|skinny|fat)",
        r"(?:have not|not|did not) (?:eaten|eat) (?:anything )?(?:in|for|since) (?:days|\d+ days|"
        r"(?:two|three|four|five|six|several|a few|a couple of) days|a week|(?:two|three) weeks)",
        r"skip(?:ping)? (?:all (?:my )?|most )?meals to (?:lose|drop)",
        r"(?:afraid|scared|terrified|fear) (?:to eat|of eating|of food)",
        r"(?:punish|punishing) myself (?:for eating|with exercise|by (?:not eating|running))",
        r"(?:do not|will not|can not) (?:let myself )?eat (?:until|unless) i (?:have )?"
        r"(?:burned|burnt|worked|run|ran|exercised)",
        r"weigh myself (?:\w+ ){0,2}?(?:times a day|every hour|constantly|after every meal)",
        r"obsess\w* (?:with|over|about) (?:counting )?(?:calories|food|my weight|eating)",
        r"chew (?:\w+ ){0,2}?and spit")),
    _Rule(_ED, "weight_control", _c(
        r"laxatives?", r"diuretics?", r"water pills"),
        unless_text=re.compile(r"\bconstipat\w+")),
    _Rule(_ED, "compulsive_exercise", _c(
        r"(?:exercise|work out|workout|run|train|gym|cardio) (?:\w+ ){0,3}?to (?:burn|work) off "
        r"(?:every|all|everything|each)",
        r"(?:burn|work|run) off (?:every|all the|everything|each) (?:\w+ )?(?:meal|thing i eat|"
        r"calorie|bite|food|i eat)",
        r"(?:have to|need to|must) (?:exercise|work out|run|burn it off|work it off|run it off)"
        r"(?: \w+){0,3} (?:every time|whenever|after|if) i (?:eat|ate)",
        r"(?:run|burn|work) it off (?:\w+ ){0,3}?(?:guilt|guilty)",
        r"guilty (?:\w+ ){0,4}?(?:run|burn|work) it off")),
    _Rule(_ED, "food_guilt", _c(
        r"(?:feel|felt|feeling) " + ADV + r"(?:disgusting|gross|guilty|ashamed|fat|huge|"
        r"like a pig|awful|terrible|bad about myself)(?: \w+){0,2} (?:when|after|whenever|"
        r"every time|if) i (?:eat|ate)",
        r"(?:feel|felt|feeling) " + ADV + r"(?:disgusting|gross|guilty|ashamed) after "
        r"(?:eating|meals|every meal)",
        r"eating makes me feel " + ADV + r"(?:disgusting|gross|guilty|ashamed|fat|sick)",
        r"hate (?:myself|my body) (?:when|after|for) (?:i )?(?:eat|eating|ate)")),
    _Rule(_ED, "very_low_intake", _CALORIES, refine=_low_intake),
)


# -- prompt injection ---------------------------------------------------------

_INJ = Category.INJECTION
_IGNORE = r"(?:ignore|disregard|forget|override|overwrite|bypass|discard|abandon|drop)"
_DETS = (r"(?:(?:all|any|every|of|the|your|these|those|previous|prior|above|earlier|former|"
         r"original|initial|system|existing|current|safety|preceding|whatever|what) )*")
_OBJECTS = (r"(?:instructions?|rules|prompts?|guidelines|directions|directives|programming|"
            r"training|system prompt|restrictions|constraints|guardrails|filters|polic(?:y|ies)|"
            r"settings|commands|orders|limitations|you were told|you have been told)")
_REVEAL = (r"(?:what|tell|show|reveal|print|repeat|give|read|say|output|display|share|recite|"
           r"spell|type|write|list|dump|leak|paste|copy|translate|summari[sz]e|explain|describe|"
           r"quote|send)")
_INJECTION_RULES = (
    _Rule(_INJ, "ignore_instructions", _c(
        _IGNORE + r" " + _DETS + _OBJECTS,
        _IGNORE + r" (?:everything|all|anything) (?:above|before|before this|you were told|"
        r"you have been told|you know|so far|i said before)",
        r"(?:forget|ignore) (?:that )?you are (?:a |an |my )?(?:fitness )?(?:coach|trainer|"
        r"assistant|ai|bot)",
        r"new (?:instructions|system prompt|prompt|persona|directive|directives)"),
        negation=None),
    _Rule(_INJ, "role_change", _c(
        r"you are now (?!talking|speaking|on|connected|live|my (?:favou?rite|best)\b)",
        r"you are no longer (?:a |an |my |the |bound|restricted|limited|just)",
        r"your now (?:a|an|dan|in)",
        r"from now on (?:you (?:are|will be|must be|shall be) )?(?:a |an )?(?:unfiltered|"
        r"uncensored|unrestricted|different|dan|evil|free)",
        r"from now on (?:you )?(?:will )?(?:respond|answer|reply|act|speak|talk) (?:as|like)",
        r"pretend (?:to be|you are|that you are|you were|that you were|to act)",
        r"act (?:as|like) (?:a |an |my |the )?(?:different|another|other|new|unrestricted|"
        r"unfiltered|evil|rogue|dan|chatgpt|gpt|ai|assistant|chatbot|bot|language model|human|"
        r"person|lawyer|doctor|therapist|teacher|chef|travel agent|pirate|hacker|developer|"
        r"linux|terminal|calculator|search engine|girlfriend|boyfriend)",
        r"act as (?:if|though) you (?:are|were|have|had)",
        r"role ?play (?:as|that|a|an|with me as)",
        r"(?:imagine|suppose) you (?:are|were) (?:not|no longer|an? (?:different|unrestricted|"
        r"evil|ai))",
        r"stop being (?:a |an |my )?(?:fitness )?(?:coach|trainer|assistant)",
        r"you are not (?:a|my|really a|actually a) (?:fitness )?(?:coach|trainer)"),
        negation=None),
    _Rule(_INJ, "prompt_extraction", _c(
        r"system (?:prompt|message|instructions)",
        r"(?:initial|original|hidden|secret|developer|base|pre) ?(?:prompt|instructions)",
        _REVEAL + r"\w* (?:\w+ ){0,5}?your (?:\w+ )?(?:prompt|instructions|rules|guidelines|"
        r"programming|configuration|config|directives|training data|source code)"
        r"(?! (?:for|on|about) (?:the |my |this |that |today)?)",
        r"(?:repeat|print|show|output|say|recite|read back|copy|paste|dump) (?:me )?(?:the |all |"
        r"all of the |all the |everything |every thing )?(?:text |words |messages? |content |"
        r"conversation |lines? |stuff )?(?:above|before this|before that|so far|prior|"
        r"preceding|from the (?:start|beginning)|verbatim|word for word)",
        r"what (?:were|have) you (?:been )?(?:told|instructed|programmed|asked) to",
        r"what instructions (?:were you|have you been|did you) (?:given|get|receive)",
        r"what (?:rules|instructions|guidelines|prompt) (?:were|have) you (?:been )?(?:given|"
        r"told|set)",
        r"how (?:were|are) you (?:programmed|instructed|prompted)",
        r"repeat after me", r"say (?:exactly|the following|these (?:exact )?words)"),
        negation=None),
    _Rule(_INJ, "jailbreak", _c(
        r"(?:developer|dev|debug|god|admin|sudo|jailbreak|jailbroken|unrestricted|unfiltered|"
        r"uncensored|maintenance|dan) mode",
        r"jailbr(?:eak|oken)\w*", r"do anything now",
        r"(?:i am|this is) (?:your|the apps|the bots) (?:developer|creator|programmer|admin|"
        r"administrator|owner|engineer|operator|maker|boss)",
        r"(?:i work|i am) (?:at|from|for) (?:openai|anthropic)",
        r"you (?:must|have to|will|shall|can) (?:now )?(?:answer|respond to|reply to|obey|"
        r"comply with|do) (?:any|every|all|whatever|anything|everything)",
        r"answer (?:any|every|all) (?:of my )?(?:questions?|requests?)(?: \w+){0,3} "
        r"(?:without|no matter)",
        r"no (?:rules|restrictions|limits|filters|guardrails) (?:apply|any ?more|from now)",
        r"without (?:any )?(?:rules|restrictions|limits|filters|guardrails|censorship)",
        r"you (?:have|had) no (?:rules|restrictions|limits|filters|guardrails)",
        r"(?:i am|this is) (?:the|an|your) (?:admin|administrator|sysadmin|root user|superuser)",
        r"sudo",
        r"(?:bypass|disable|turn off|remove|lift) (?:your |the |all )?(?:safety|filters?|"
        r"restrictions|guardrails|rules|limits|censorship|content policy)"),
        negation=None),
)
# Chat-template markers, checked on the raw text (speech never contains them,
# typed text in the simulator might).
_RAW_INJECTION = re.compile(
    r"<\|?(?:im_start|im_end|system|endoftext)\|?>|\[/?INST\]|<</?SYS>>|</?system>|"
    r"(?:^|\n)\s*(?:system|assistant|developer)\s*:|#{2,}\s*(?:system|instruction)",
    re.IGNORECASE)


# -- medical ------------------------------------------------------------------

_MED = Category.MEDICAL
_DRUGS = (r"ibuprofen|advil|motrin|nurofen|aleve|naproxen|tylenol|paracetamol|acetaminophen|"
          r"aspirin|painkillers?|pain killers?|pain (?:medication|meds|pills|relief pills)|"
          r"anti ?inflammator(?:y|ies) (?:pills|tablets|meds|medication|drugs)|nsaids?|"
          r"antibiotics?|statins?|metformin|insulin|beta blockers?|blood thinners?|warfarin|"
          r"antidepressants?|ssris?|prednisone|cortisone|steroids?|sarms?|testosterone|trt|hgh|"
          r"growth hormone|ozempic|semaglutide|wegovy|mounjaro|tirzepatide|adderall|ritalin|"
          r"xanax|inhaler|epipen|birth control|the pill|medications?|"
          r"(?<!sports )medicines?(?! ball)|meds|"
          r"prescriptions?|dosage|pills|tablets|muscle relaxants?|codeine|opioids?|tramadol|"
          r"antihistamines?|benadryl|sleeping pills")
_MEDICAL_RULES = (
    _Rule(_MED, "medication", _c(_DRUGS),
          unless_before=re.compile(r"\b(?:caffeine|creatine|fish oil|vitamin \w*|magnesium|"
                                   r"protein|electrolyte|salt|iron|zinc|fat burner|diet) $")),
    _Rule(_MED, "diagnosis", _c(
        r"do (?:i|you think i) have (?:a |an |some )?(?:" + CONDITIONS + r"|torn|broken|"
        r"fractured|sprained|pulled|strained|herniated|slipped|bulging|stress)",
        r"is (?:this|it|that|my \w+(?: \w+)?) (?:a |an |my )?(?:" + CONDITIONS
        + r"|torn|tear|sprained|strained|fractured|broken|dislocated|disc|tendon|ligament)",
        r"did i (?:tear|break|sprain|fracture|dislocate|rupture|pull|strain|herniate|damage|"
        r"injure)",
        r"what is wrong with (?:my|me)", r"diagnos\w+",
        r"(?:could|might|can|would) (?:it|this|that) be (?:a |an |my )?(?:" + CONDITIONS
        + r"|torn|tear|fracture|sprain|strain|broken|serious|something serious)",
        r"do you think (?:i have|it is|its|this is|that is) (?:a |an |my )?(?:" + CONDITIONS
        + r"|torn|broken|fractured|sprained|serious)",
        r"am i (?:diabetic|anemic|anaemic|asthmatic)")),
    _Rule(_MED, "injury", _c(
        r"(?:sprained|sprain|twisted|rolled|tore|torn|tear in|broke|broken|fractured|fracture|"
        r"dislocated|ruptured|pulled|strained|separated) (?:my |a |an |the |his |her )?"
        r"(?:left |right )?(?:\w+ )?" + BODY,
        r"(?:heard|felt) (?:a |something )?(?:pop|snap)",
        r"(?:can not|unable to|could not|can barely) (?:put (?:any )?weight on|walk on|"
        r"bear weight on|stand on)",
        BODY + r" " + BE + ADV + r"(?:swollen|swelling up|bruised|black and blue|dislocated|"
        r"out of place|deformed|bent)",
        r"(?:swollen|swelling in (?:my )?) (?:\w+ )?" + BODY,
        r"(?:sharp|shooting|stabbing|searing) pains?",
        r"(?:gave|gives|giving) way", r"(?:locks|locked|locking) up"),
        unless_before=re.compile(r"\b(?:personal record|pr|pb|world record|record)$")),
    _Rule(_MED, "injury_treatment", _c(
        r"how (?:do|should|can|would) i treat(?! myself)", r"how to treat(?! myself)",
        r"treatment (?:for|of)", r"(?:should|do|can) i (?:ice|heat|splint|brace|strap) "
        r"(?:it|my|the)",
        r"ice or heat", r"heat or ice", r"rice method",
        r"(?:how long|when) (?:will|does|until|before|for) (?:my |a |an |the )?(?:\w+ )?"
        r"(?:sprain|strain|fracture|tear|injury|break) (?:to )?(?:heal|take to heal|be healed)",
        r"(?:heal|rehab|rehabilitate) (?:my |a |an |the )?(?:\w+ )?(?:sprain|strain|fracture|"
        r"tear|injury|" + BODY + r")")),
    _Rule(_MED, "pregnancy", _c(
        r"bleeding|spotting|blood|cramp\w*|contractions?|leaking|fluid|waters? broke|pain|"
        r"dizzy|faint|pre ?eclampsia|placenta\w*|high risk|gestational diabetes|cervix|"
        r"cerclage|bed rest|baby (?:is not|has stopped|stopped) moving|reduced movements?"),
        require_text=_c(r"pregnan\w*", r"trimester", r"weeks along", r"expecting a baby")),
    _Rule(_MED, "condition", _c(
        r"blood pressure", r"hypertension", r"diabet(?:es|ic)", r"asthma\w*",
        r"heart (?:condition|disease|problems?|failure|murmur|surgery|defect)",
        r"arrhythmia", r"atrial fibrillation", r"a ?fib", r"pacemaker", r"stents?", r"angina",
        r"(?:had|have had|after|since|recovering from|history of|survived) (?:a |my |an )?"
        r"(?:heart attack|stroke|bypass|cardiac arrest)",
        r"(?:recovering from|after|since|just had|coming back from|recent|post) (?:my |a |an |"
        r"the )?(?:\w+ )?(?:surgery|operation|replacement|reconstruction)",
        r"cancer", r"chemo\w*", r"epilep\w+", r"osteoporosis", r"kidney (?:disease|failure|"
        r"problems?)", r"copd", r"multiple sclerosis", r"parkinson\w*", r"blood clots?", r"dvt",
        r"hernia"),
        unless_after=re.compile(r"^ of (?:luck|genius|fortune)\b")),
    _Rule(_MED, "headache", _c(r"headaches?", r"migraines?")),
    _Rule(_MED, "dizziness", _c(r"dizzy", r"dizziness", r"lightheaded", r"light headed",
                                r"woozy", r"vertigo", r"(?:room|everything) (?:is )?spinning")),
)


# -- off topic ----------------------------------------------------------------

_OFF = Category.OFF_TOPIC
_IN_SCOPE = _c(
    r"work ?outs?", r"working out", r"exercis\w*", r"train", r"training", r"trainer", r"gym",
    r"fitness", r"fit", r"run", r"runs", r"running", r"runner", r"jog\w*", r"walk\w*",
    r"hik\w*", r"sprints?", r"lift\w*", r"weights?", r"squats?", r"deadlifts?", r"bench",
    r"press", r"push ?ups?", r"pull ?ups?", r"planks?", r"burpees?", r"cardio", r"hiit",
    r"yoga", r"pilates", r"stretch\w*", r"mobility", r"muscles?", r"strength", r"stamina",
    r"endurance", r"marathon", r"5k", r"10k", r"races?", r"cycling", r"bike", r"biking",
    r"swim\w*", r"rowing", r"steps", r"heart rate", r"calories?", r"protein", r"carbs?",
    r"diet\w*", r"nutrition", r"meals?", r"eat", r"eating", r"ate", r"food", r"snacks?",
    r"hydrat\w*", r"water", r"sleep\w*", r"recover\w*", r"rest days?", r"sore\w*",
    r"warm ?ups?", r"cool ?downs?", r"motivat\w*", r"habits?", r"posture", r"abs", r"core",
    r"glutes", r"legs", r"arms", r"reps", r"sets", r"lose weight", r"weight loss", r"pounds",
    r"kilos", r"fat", r"bmi", r"athlet\w*", r"drills", r"dumbbells?", r"kettlebells?",
    r"barbell", r"bands", r"treadmill", r"shoes", r"sneakers", r"mat", r"foam roll\w*",
    r"tracker", r"playlist", r"coach\w*", r"health\w*", r"sit", r"sitting", r"sedentary",
    r"desk", r"stiff\w*", r"tired", r"energy", r"body", r"active", r"activity",
    r"mov(?:e|es|ing|ement|ements)")
_OFF_TOPIC_RULES = (
    _Rule(_OFF, "weather", _c(r"weather", r"forecast", r"going to (?:rain|snow)",
                              r"is it (?:going to )?rain\w*",
                              r"temperature (?:outside|today|tomorrow)")),
    _Rule(_OFF, "sports_scores", _c(
        r"(?:score|scores|result|results) (?:of|for|from) (?:the|last night|yesterday|tonight)",
        r"who won (?:the|last|yesterday|tonight)", r"who (?:is going to|will) win",
        r"(?:football|soccer|basketball|baseball|hockey|cricket|rugby|tennis|golf|nfl|nba|mlb|"
        r"nhl|premier league|super bowl|world cup|world series|lakers|yankees|game|match) "
        r"(?:score|scores|result|results|last night|tonight|standings|playoffs)",
        r"what time is the game", r"fantasy (?:football|league|team)")),
    _Rule(_OFF, "politics", _c(
        r"politic\w*", r"elections?", r"vote", r"voting", r"president", r"prime minister",
        r"senator", r"congress", r"parliament", r"democrats?", r"republicans?", r"government",
        r"trump", r"biden", r"immigration", r"abortion")),
    _Rule(_OFF, "coding", _c(
        r"python", r"javascript", r"java", r"programming", r"code", r"coding", r"html", r"css",
        r"sql", r"computer program", r"debug", r"compile", r"excel", r"spreadsheet",
        r"write (?:a |me a |me some )?(?:script|program|function|app)")),
    _Rule(_OFF, "booking", _c(
        r"book (?:a |me a |us a |me )?(?:table|flight|hotel|room|restaurant|taxi|cab|uber|car|"
        r"tickets?|reservation)",
        r"make a reservation", r"reserve a table",
        r"order (?:a |me a |me |some )?(?:pizza|food|takeout|takeaway|uber|taxi)",
        r"call (?:me )?(?:a )?(?:taxi|cab|uber)")),
    _Rule(_OFF, "finance", _c(
        r"stocks", r"stock (?:market|tips?|picks?|prices?)", r"invest", r"investing",
        r"investments?", r"crypto\w*", r"bitcoin", r"ethereum", r"mortgage", r"my taxes",
        r"tax return", r"retirement (?:fund|account)", r"401k", r"interest rates?", r"forex",
        r"make money online", r"get rich")),
    _Rule(_OFF, "homework", _c(
        r"homework", r"essay", r"maths? problem", r"solve (?:this|an?) equation", r"algebra",
        r"calculus", r"capital of", r"who (?:invented|discovered|wrote|painted)",
        r"what year did", r"translate (?:this|that|something)", r"population of",
        r"(?:history|meaning) of (?:the|rome|france|life)")),
    _Rule(_OFF, "jokes_and_stories", _c(
        r"tell me a joke", r"(?:a |another )?joke about", r"knock knock", r"funny story",
        r"make me laugh", r"riddle", r"sing (?:me )?(?:a )?songs?",
        r"write (?:me )?(?:a |an )?(?:poem|story|song|haiku|limerick)", r"poem about",
        r"story about")),
    _Rule(_OFF, "entertainment", _c(
        r"movies?", r"films?", r"tv shows?", r"netflix", r"series to watch",
        r"recommend (?:a |some )?(?:book|books|show|shows|songs?|music|album|podcast|"
        r"video game)",
        r"video games?", r"celebrit\w+", r"gossip", r"horoscope", r"zodiac", r"lottery",
        r"lotto")),
    _Rule(_OFF, "news", _c(r"(?:the |latest |todays |world |breaking )news", r"headlines",
                           r"current events")),
    _Rule(_OFF, "tech_support", _c(
        r"(?:fix|reset|set up|setup|update) (?:my )?(?:wifi|wi fi|internet|router|computer|"
        r"laptop|printer|iphone|android|email|password)",
        r"my (?:wifi|internet|printer|computer|laptop) (?:is not|stopped|will not|keeps)")),
    _Rule(_OFF, "assistant_tasks", _c(
        r"set (?:an |my )?alarm", r"(?:call|text|phone|message) my (?:mom|mum|dad|wife|husband|"
        r"partner|friend|boss|sister|brother)", r"play (?:some |me )?(?:music|songs?|a song)",
        r"(?:my|a) resume", r"cover letter", r"job application", r"send (?:an )?email")),
    _Rule(_OFF, "travel", _c(r"directions to", r"how do i get to", r"flights? to", r"traffic",
                             r"what time is it in",
                             r"nearest (?:gas station|restaurant|atm|bank)")),
    _Rule(_OFF, "legal", _c(r"legal advice", r"lawyer", r"divorce", r"landlord",
                            r"car insurance")),
)

RULES = _RED_RULES + _CRISIS_RULES + _ED_RULES + _INJECTION_RULES + _MEDICAL_RULES \
    + _OFF_TOPIC_RULES


def _apply(rule, t):
    """The (category, reason) of the first match of `rule` in `t` that stands."""
    if rule.require_text and not rule.require_text.search(t):
        return None
    if rule.unless_text and rule.unless_text.search(t):
        return None
    for m in rule.pattern.finditer(t):
        if rule.negation and _cued(t, m.start(), rule.negation):
            continue
        if rule.unless_before and rule.unless_before.search(t[:m.start()]):
            continue
        if rule.unless_after and rule.unless_after.match(t[m.end():]):
            continue
        if rule.refine:
            found = rule.refine(t, m)
            if found:
                return found
            continue
        return rule.category, rule.reason
    return None


# ---------------------------------------------------------------------------
# Replies

_RED_WHAT = {
    "chest_pain": "Chest pain or pressure",
    "fainting": "Fainting or feeling faint",
    "breathing": "Serious trouble breathing",
    "headache": "A sudden, severe headache",
    "stroke_signs": "Sudden numbness, weakness, slurred speech or vision changes",
    "heat_illness": "Signs of heat illness",
    "heart_rhythm": "A racing or irregular heartbeat with dizziness or chest symptoms",
    "coughing_blood": "Coughing up blood",
    "dark_urine": "Very dark urine after hard exercise",
    "back_emergency": "Back pain with numbness or bladder problems",
    "head_injury": "A head injury with symptoms like these",
    "seizure": "A seizure",
    "allergic_reaction": "A serious allergic reaction",
}

OFF_TOPIC_REPLY = ("That's outside what I can help with, but I'm happy to help with workouts, "
                   "exercise technique, nutrition, sleep and recovery. What would you like to "
                   "work on?")
INJECTION_REPLY = "I'm your fitness coach, so I'll stick to that. What would you like to work on?"
EATING_DISORDER_REPLY = (
    "Thank you for telling me; that sounds really hard, and you deserve proper support. "
    "Please talk with a doctor or an eating disorder helpline, who can help with food and how "
    "you feel about it. If you like, I can help with gentle movement that helps you feel good.")
_MEDICAL_REPLIES = {
    "medication": ("I can't advise on medication or doses, so please ask your doctor or "
                   "pharmacist, who know your health history. I'm happy to help with your "
                   "training in the meantime."),
    "diagnosis": ("I can't diagnose that over the phone, so please have a doctor or "
                  "physiotherapist take a look. Until then, avoid movements that hurt, and I can "
                  "help you train around it."),
    "injury": ("I'm sorry you're hurt. I can't diagnose or treat injuries, so please get it "
               "checked by a doctor or physiotherapist, today if it's swollen or you can't put "
               "weight on it. Until then, rest it, and I can suggest training that doesn't load "
               "it."),
    "injury_treatment": ("I can't give treatment advice for an injury, so please have a doctor, "
                         "pharmacist or physiotherapist look at it. Until then, rest it and avoid "
                         "what hurts, and I can help you train around it."),
    "pregnancy": ("Please stop exercising for now and contact your midwife or doctor today. If "
                  "you have heavy bleeding, severe pain or feel faint, call {emergency_number}. "
                  "Once they've checked you, I can help with gentle training they're happy "
                  "with."),
    "condition": ("With a condition like that, please check with your doctor before changing "
                  "your training, so you know what's safe for you. Within that, I'm happy to "
                  "help with gentle, general training."),
    "headache": ("Take a break, drink some water and go easy today. If headaches keep coming "
                 "back, please see a doctor, and if one is ever sudden and severe, call "
                 "{emergency_number} right away."),
    "dizziness": ("Please stop, sit or lie down, and sip some water until it passes. If it "
                  "doesn't settle quickly, or comes with chest pain or fainting, call "
                  "{emergency_number}. It's worth mentioning to a doctor either way."),
    "heart_rhythm": ("Please take it easy and mention that to a doctor, who can check your heart "
                     "properly. If it comes with dizziness, chest pain or shortness of breath, "
                     "stop and call {emergency_number}."),
}


def _reply(category, reason, emergency_number, crisis_line):
    if category is Category.RED_FLAG:
        what = _RED_WHAT.get(reason, "What you're describing")
        first = ("Please stop exercising right now and get somewhere cool."
                 if reason == "heat_illness" else "Please stop exercising right now.")
        return (f"{first} {what} can be serious, so call {emergency_number} or your local "
                "emergency number now.")
    if category is Category.CRISIS:
        line = ("call or text 988, the Suicide and Crisis Lifeline," if crisis_line == "988"
                else f"call {crisis_line}, a crisis line,")
        return (f"I'm really sorry you're feeling this way. You deserve support right now: you "
                f"can {line} any time, or call {emergency_number} if you are in danger. I'm "
                f"here, and happy to keep talking.")
    if category is Category.EATING_DISORDER:
        return EATING_DISORDER_REPLY
    if category is Category.MEDICAL:
        return _MEDICAL_REPLIES[reason].format(emergency_number=emergency_number)
    if category is Category.INJECTION:
        return INJECTION_REPLY
    if category is Category.OFF_TOPIC:
        return OFF_TOPIC_REPLY
    return None


def classify(text: str, *, emergency_number: str = "911", crisis_line: str = "988") -> Verdict:
    """Sort what the caller said into a safety category, with the reply to speak."""
    t = normalise(text)
    if not t.strip(" ."):
        return Verdict(Category.SAFE, "empty", None, False)
    found = {}
    for rule in RULES:
        if rule.category in found and rule.refine is None:
            continue
        hit = _apply(rule, t)
        if hit:
            found.setdefault(hit[0], hit[1])
    if _RAW_INJECTION.search(text or ""):
        found.setdefault(Category.INJECTION, "chat_markup")
    if Category.OFF_TOPIC in found and _IN_SCOPE.search(t):
        del found[Category.OFF_TOPIC]
    for category in PRIORITY:
        if category in found:
            reason = found[category]
            return Verdict(category, reason,
                           _reply(category, reason, emergency_number, crisis_line),
                           stop_workout=category in (Category.RED_FLAG, Category.CRISIS))
    return Verdict(Category.SAFE, "safe", None, False)


# ---------------------------------------------------------------------------
# Output check: what the coach is about to say

DIAGNOSIS_REPLACEMENT = ("I can't diagnose that, so please have a doctor or physiotherapist "
                         "check it. I'm happy to help you train around it in the meantime.")
MEDICATION_REPLACEMENT = ("I can't advise on medication or doses, so please ask your doctor or "
                          "pharmacist. I can help with your training and recovery though.")
CALORIE_REPLACEMENT = ("I'd rather not set a very low calorie target, because eating too little "
                       "can hurt your health and your training. A doctor or registered dietitian "
                       "can help you set a safe one, and I'm happy to help with meals that keep "
                       "you fuelled.")
INSTRUCTIONS_REPLACEMENT = ("I'm your fitness coach, so let's keep to your training. What would "
                            "you like to work on?")

_LEAK = re.compile(
    r"\b(?:system (?:prompt|message)|developer message|update ?profile|function call|"
    r"my (?:instructions|guidelines|rules|programming|prompt) (?:say|says|are|tell|state|"
    r"require|is)|i (?:was|have been|am|have been) (?:told|instructed|programmed|prompted|"
    r"configured) (?:to|not to)|(?:here are|these are) my (?:instructions|rules|guidelines)|"
    r"according to my (?:instructions|rules|guidelines)|the callers words are speech|"
    r"everything you write is read aloud|how to speak \.|what you may say \.)\b")
_ECHO_START = re.compile(r"^you are an? (?:\w+ ){0,6}?(?:coach|assistant|ai|bot)\b")
_DIAGNOSIS = re.compile(
    r"\b(?:you|it|this|that|your \w+) (?:probably |likely |most likely |definitely |clearly |"
    r"might |may |could |must |almost certainly )?(?:have|has|have got|got|are suffering from|"
    r"is|are|sounds like|sound like|looks like|seems like|could be|might be|may be|"
    r"is probably|is likely|is most likely) (?:(?:a|an|some|your|mild|minor|slight|bad|"
    r"severe|classic|case of|typical|possible|partial|small|grade \w+|bit of|touch of) )*"
    r"(?:" + CONDITIONS + r"|torn \w+|tear|sprained \w+|strained \w+|fractured \w+|broken \w+|"
    r"pulled \w+|dislocat\w+|herniat\w+|inflam\w+|patellofemoral \w+)\b(?! on\b)"
    r"|\bi (?:think|believe|suspect) you (?:have|(?:have )?got|tore|broke|sprained|strained)\b"
    r"|\b(?:my|the) diagnosis\b|\bi (?:would|can) diagnose\b")
_UNSURE_BEFORE = re.compile(r"\b(?:whether|if|not sure|can not (?:tell|say|know|diagnose)|"
                            r"unable to (?:tell|say)|only a (?:doctor|physio\w*)|a (?:doctor|"
                            r"physio\w*|physical therapist) (?:can|could|will|would)|hard to "
                            r"(?:say|tell)|no way to (?:tell|know))\b[^.]*$")
_DOSE = re.compile(r"\b\d+(?:\.\d+)? ?(?:mg|milligrams?|mcg|micrograms?|ml|milliliters?|"
                   r"millilitres?|units?|tablets?|pills?|capsules?|iu|doses?)\b")
_SUPPLEMENT = re.compile(r"\b(?:creatine|caffeine|coffee|sodium|potassium|magnesium|vitamins?|"
                         r"iron|zinc|calcium|omega|fish oil|electrolytes?|beta alanine|protein|"
                         r"carbs?|carbohydrates?|water|fluids?|nitrates?|beetroot|salt|"
                         r"sweat)\b")
_DRUG = re.compile(r"\b(?:" + _DRUGS + r")\b")
_RECOMMEND_DRUG = re.compile(r"\b(?:take|taking|try|use|using|pop|have|grab) (?:some |an? |one |"
                             r"two |a couple of |a few |an over the counter )?(?:" + _DRUGS
                             + r")\b")
_CLINICIAN = re.compile(r"\b(?:doctor|pharmacist|clinician|physician|gp|nurse|dispatcher|"
                        r"midwife)\b")
_TARGET_BEFORE = re.compile(r"\b(?:eat|eating|consume|consuming|intake|aim|aiming|target|stick|"
                            r"limit|keep|cut (?:down )?to|down to|get to|only|no more than|under|"
                            r"below|around|about|roughly|diet of|try)\b")
_NOT_TARGET_BEFORE = re.compile(
    r"\b(?:burn|burns|burned|burnt|burning|deficit|surplus|extra|contains?|provides?|adds?|"
    r"(?:cut|cutting|reduce|reducing|drop|dropping|trim|subtract)"
    r"(?! (?:down |it |intake )?to\b))\b"
    r"|\b(?:has|have|is|are)(?: (?:about|around|roughly|only|just|over|under|nearly|almost))?$")
_NOT_TARGET_AFTER = re.compile(
    r"^(?:\w+ ){0,2}?(?:fewer|less|deficit|below (?:your )?maintenance|under (?:your )?"
    r"maintenance|more|extra|surplus|per (?:meal|snack|serving|hour|workout)|for (?:breakfast|"
    r"lunch|dinner|a snack)|snack|meal|bar|serving|an hour|of (?:protein|carbs)|from "
    r"(?:protein|carbs|fat)|burn\w*|out|off)\b")
CALORIE_FLOOR = 1200


def _sentences_normalised(text):
    return [s.strip() for s in normalise(text).split(" . ") if s.strip(" .")]


def _leaks(t, instructions):
    if _LEAK.search(t) or _ECHO_START.match(t):
        return True
    if instructions:
        words = normalise(instructions).replace(" . ", " ").split()
        said = " " + t.replace(" . ", " ") + " "
        for i in range(0, max(len(words) - 7, 0)):
            if " " + " ".join(words[i:i + 8]) + " " in said:
                return True
    return False


def _diagnoses(sentences):
    for s in sentences:
        for m in _DIAGNOSIS.finditer(s):
            if not _UNSURE_BEFORE.search(s[:m.start()]):
                return True
    return False


def _medicates(sentences):
    # A dose in one sentence may belong to a supplement named in the one before
    # ("3 milligrams of caffeine per kilogram... Lower doses around 2 milligrams...").
    supplement_reply = (any(_SUPPLEMENT.search(s) for s in sentences)
                        and not any(_DRUG.search(s) for s in sentences))
    for s in sentences:
        if _DOSE.search(s) and not _SUPPLEMENT.search(s) and not supplement_reply:
            return True
        if _DRUG.search(s) and re.search(r"\d", s) and not _SUPPLEMENT.search(s):
            return True
        for m in _RECOMMEND_DRUG.finditer(s):
            if not _CLINICIAN.search(s) and not _cued(s, m.start(), "strict"):
                return True
    return False


def _low_calorie_target(sentences):
    for s in sentences:
        for m in _CALORIES.finditer(s):
            if int(m.group(1)) >= CALORIE_FLOOR:
                continue
            before = " ".join(s[:m.start()].split()[-5:])
            after = s[m.end():].strip()
            if _NOT_TARGET_BEFORE.search(before) or _NOT_TARGET_AFTER.match(after):
                continue
            if _TARGET_BEFORE.search(before) or _DAILY_AFTER.match(after):
                return True
    return False


def check_reply(text: str, *, instructions: str | None = None) -> str | None:
    """A safe replacement for a reply that diagnoses, gives a medication dose or a
    calorie target under 1200, or reveals or echoes its instructions; else None.
    Pass the system prompt as `instructions` to also catch verbatim echoes of it."""
    if not text or not text.strip():
        return None
    t = normalise(text)
    sentences = _sentences_normalised(text)
    if _leaks(t, instructions):
        return INSTRUCTIONS_REPLACEMENT
    if _diagnoses(sentences):
        return DIAGNOSIS_REPLACEMENT
    if _medicates(sentences):
        return MEDICATION_REPLACEMENT
    if _low_calorie_target(sentences):
        return CALORIE_REPLACEMENT
    return None
