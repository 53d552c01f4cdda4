"""Follow-ups: "how long should I hold it", "why?", "what about if I'm
vegetarian", "can I do that at home", "for beginners", "what about squats",
"I weigh seventy kilos" rewritten as standalone questions against the previous
question and its topic, so retrieval and the answer both see what is asked.

A line with a topic of its own is a new question and comes back unchanged.
Everything here is pure: it reads the call's history ([(caller said, coach
replied), ...]) and, optionally, the grounded responder's state. The words it
relies on are language data (lang/<code>/answering/followups.yaml).
"""

import functools
import re
from dataclasses import dataclass

from .. import lang
from .compute import caller_figures
from .intents import intent_of, question_part
from .numbers import NUMBER_WORDS
from .question import kind_of
from .terms import stem, stopwords, terms, words

# How far back a follow-up may reach for the question it leans on.
MAX_LOOKBACK = 4
# Pronouns that, in a line with words of its own, point at those words rather
# than back at the last question.
_CLAUSE_POINTERS = frozenset({"that", "this", "there"})
# A pronoun that is the object of doing: "should I be doing that before my runs".
_DONE_THING = re.compile(r"\b(?:do|doing|did|does|try|trying|hold|holding|use|using|take|"
                         r"taking|eat|eating|drink|drinking|stretch|stretching) (?:it|that|this|"
                         r"them|those)\b")
# "Once that gets easy, what next" and "I can't do even one": the harder or easier
# version of the last answer's exercise. No "how do I": that would read the how-to again.
_VARIATIONS = (("progress", "a harder", "how do i progress"),
               ("easier", "an easier", "an easier way to"))
_FIGURE_WORDS = frozenset({"weigh", "kilo", "kilogram", "kg", "pound", "lb", "stone", "year",
                           "old", "age", "aged", "im", "i'm"})


@dataclass
class Resolved:
    question: str               # the standalone question
    topic: str | None           # what it is about, e.g. "a plank"
    follow_up: str | None       # None for a new question, else "why", "condition",
                                # "new_topic", "figures", "reference" or "bare"
    said: str                   # the caller's own words, normalised
    previous: str | None = None  # the standalone question it leans on


def standalone_question(text, history, state=None):
    """`text` as a question that stands on its own, given the call so far.

    "how long should I hold it" after "how do I do a plank" -> "how long should i
    hold a plank". A new question (one with a topic of its own, or nothing
    before it to lean on) comes back unchanged.
    """
    resolved = resolve(text, history, state)
    return text if resolved.follow_up is None else resolved.question


def resolve(text, history, state=None):
    """The standalone question, its topic and what kind of follow-up `text` is."""
    return _resolve(text, list(history or ()), state, depth=0)


def _resolve(text, history, state, depth):
    said = question_part(text)
    new = Resolved(question=said or str(text or ""), topic=topic_of(said), follow_up=None,
                   said=said)
    if not said or intent_of(text) is not None:
        return new
    previous = _previous(history, state, depth)
    if previous is None:
        return new
    data = _data(lang.active_language())
    own = own_terms(said)
    lean = dict(previous=previous.question)
    topic = previous.topic

    if any(p.match(said) for p in data["why"]):
        return Resolved(f"why {previous.question}", topic, "why", said, **lean)
    for key, variation, without_subject in _VARIATIONS:
        if any(p.match(said) for p in data[key]):
            # The notes' own name for it ("Push-up") reads better than "can't do one push up".
            subject = (_title(state) if depth == 0 else None) or topic
            asked = f"{variation} {subject} variation" if subject else \
                f"{without_subject} {previous.question}"
            return Resolved(asked, topic, "reference", said, **lean)
    for pattern in data["new_topic"]:
        found = pattern.match(said)
        if found and own_terms(found.group(1)):
            subject = found.group(1).strip()
            return Resolved(_swap_topic(previous.question, subject), topic_of(subject) or subject,
                            "new_topic", said, **lean)
    for pattern in data["conditions"]:
        found = pattern.match(said)
        if found:
            return Resolved(f"{previous.question} {found.group(1).strip()}", topic,
                            "condition", said, **lean)
    if _only_figures(said, own):
        return Resolved(f"{said} {previous.question}", topic, "figures", said, **lean)
    pronoun = _pronoun(said, data)
    # "does it make you bloated" leans back; in "sore after leg day, is that normal"
    # the "that" is the line's own words, but "doing that before my runs" is the last answer's.
    if topic and pronoun and (not own or (len(own) <= 2 and len(said.split()) <= 8
                                          and pronoun not in _CLAUSE_POINTERS)
                              or (len(own) <= 3 and _DONE_THING.search(said))):
        return Resolved(_replace(said, pronoun, topic), topic, "reference", said, **lean)
    if topic and len(own) <= 1 and len(said.split()) <= 7 and any(
            p.search(said) for p in data["personal"]):
        return Resolved(f"{said} {topic}", topic, "reference", said, **lean)
    if not own:
        if topic:
            return Resolved(f"{said} for {topic}", topic, "bare", said, **lean)
        return Resolved(f"{said} {previous.question}", topic, "bare", said, **lean)
    return new


def _previous(history, state, depth):
    """The last real question before now, itself resolved, or None."""
    if depth >= 2:
        return None
    for back in range(1, min(MAX_LOOKBACK, len(history)) + 1):
        turn = history[-back]
        said = turn[0] if turn else ""
        if not said or intent_of(said) is not None or not question_part(said):
            continue  # "yes", "tell me more", "thanks": look further back
        resolved = _resolve(said, history[:-back], state, depth + 1)
        title = _title(state) if back == 1 and depth == 0 else None
        if title and (resolved.topic is None or not set(own_terms(resolved.topic)) & set(
                terms(title))):
            resolved.topic = title  # "create in" was heard; the notes were on creatine
        return resolved
    return None


def _title(state):
    """The title of the passage the last answer came from, if it is in the state."""
    position = (state or {}).get("grounded")
    if isinstance(position, dict) and isinstance(position.get("title"), str):
        return position["title"] or None
    return None


# -- what a question is about ----------------------------------------------------------


def own_terms(text):
    """The stems of the words in `text` that name a topic (not "how long", "it", "at home")."""
    data = _data(lang.active_language())
    ignored = stopwords() | data["pronouns"]
    found = []
    for word in words(text):
        if word in ignored or word in data["generic"] or word in NUMBER_WORDS \
                or word.isdigit():
            continue
        stemmed = stem(word)
        if stemmed in data["generic_stems"] or len(stemmed) < 2:
            continue
        found.append(stemmed)
    return found


def subject_terms(text):
    """own_terms without the words for pain itself: where it hurts, or what."""
    symptoms = _data(lang.active_language())["symptom_stems"]
    return [term for term in own_terms(text) if term not in symptoms]


def topic_of(text):
    """What a question is about, as a short phrase: "how do I do a plank" -> "a plank"."""
    data = _data(lang.active_language())
    phrase = _question_start(text)
    # What the caller said about themselves first ("I'm in my second trimester")
    # stays part of the topic; their figures do not.
    before = str(text or "")[:len(str(text or "")) - len(phrase)].split()
    context = [w for w in before if own_terms(w) and stem(w) not in _FIGURE_WORDS]
    for frame in data["frames"]:
        phrase = frame.sub("", phrase, count=1).strip()
    cut = len(phrase)
    for end in data["topic_ends"]:
        found = end.search(phrase)
        if found:
            cut = min(cut, found.start())
    head, rest = phrase[:cut].strip(), phrase[cut:]
    extra = [w for w in rest.split() if own_terms(w) and w not in head.split()]
    topic = " ".join([head, *extra, *context]).strip()
    if not own_terms(topic):
        return None
    return topic


def _question_start(text):
    """Where the question begins after something the caller said about
    themselves ("I'm seventy kilos, how much caffeine ...")."""
    text = str(text or "")
    found = re.search(r"(?<=\s)(?:how|what|what's|why|when|which|where|is|are|can|should|"
                      r"does|do)\b", text)
    if found and re.match(r"^(?:i|i'm|im|i've|my|we)\b", text):
        return text[found.start():]
    return text


def _swap_topic(question, subject):
    """The previous question about `subject` instead: the last run of topic words
    (with its article) becomes the new subject."""
    tokens = question.split()
    runs, current = [], []
    for index, token in enumerate(tokens):
        if own_terms(token):
            current.append(index)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    if not runs:
        return f"{question} {subject}"
    run = runs[-1]
    start = run[0]
    if start > 0 and tokens[start - 1] in ("a", "an", "the", "my", "some"):
        start -= 1
    return " ".join([*tokens[:start], subject, *tokens[run[-1] + 1:]])


def _only_figures(said, own):
    """A statement of the caller's figures and nothing else: "I weigh seventy kilos"."""
    if kind_of(said) is not None or not set(own) <= _FIGURE_WORDS:
        return False
    figures = caller_figures(said)
    return any(value is not None for value in (figures.weight_kg, figures.age, figures.lose_kg))


def _pronoun(said, data):
    tokens = said.split()
    for token in tokens:
        if token in data["pronouns"]:
            return token
    return None


def _replace(said, pronoun, topic):
    tokens = said.split()
    index = tokens.index(pronoun)
    return " ".join([*tokens[:index], topic, *tokens[index + 1:]])


@functools.cache
def _data(language):
    data = lang.data("answering/followups", language)
    where = f"{language}: answering/followups.yaml"
    generic, pronouns = data.get("generic"), data.get("pronouns")
    if not isinstance(generic, str) or not generic.split():
        raise lang.LanguageDataError(f"{where}: `generic` must be whitespace-separated words")
    if not isinstance(pronouns, list) or not all(isinstance(p, str) for p in pronouns):
        raise lang.LanguageDataError(f"{where}: `pronouns` must be a list of words")
    compiled = {}
    for key in ("why", "progress", "easier", "conditions", "new_topic", "frames", "topic_ends",
                "personal"):
        patterns = data.get(key)
        if not isinstance(patterns, list) or not patterns:
            raise lang.LanguageDataError(f"{where}: `{key}` must be a list of patterns")
        try:
            compiled[key] = tuple(re.compile(p) for p in patterns)
        except (re.error, TypeError) as error:
            raise lang.LanguageDataError(f"{where}: `{key}`: bad pattern: {error}") from None
    for key in ("conditions", "new_topic"):
        if any(p.groups < 1 for p in compiled[key]):
            raise lang.LanguageDataError(f"{where}: every `{key}` pattern needs a group")
    symptoms = data.get("symptoms")
    if not isinstance(symptoms, str) or not symptoms.split():
        raise lang.LanguageDataError(f"{where}: `symptoms` must be whitespace-separated words")
    generic_words = frozenset(generic.split())
    return {**compiled, "generic": generic_words,
            "symptom_stems": frozenset(stem(w) for w in symptoms.split()),
            "generic_stems": frozenset(stem(w) for w in generic_words),
            "pronouns": frozenset(pronouns)}
