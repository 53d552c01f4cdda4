"""Speech repair: the caller's whole line, before routing and answering; the Gather hints."""

import re
from types import SimpleNamespace

import pytest

from fitness_voice import config, lang, retrieval, safety
from fitness_voice.contract import CallerInfo, CallState, Reply, TurnInput
from fitness_voice.dialogue import stages
from fitness_voice.dialogue.pipeline import Pipeline, Providers, Stage
from fitness_voice.lang import LanguageDataError
from fitness_voice.retrieval.query import DATA_NAME, compile_query_repair, repair_speech

REPAIRED = [
    # Slips, with the caller's case and punctuation kept.
    ("Is create in safe?", "Is creatine safe?"),
    ("How much creating should I take a day?", "How much creatine should I take a day?"),
    ("What is hit training?", "What is hiit training?"),
    ("Is hit good for fat loss?", "Is hiit good for fat loss?"),
    ("How do I grow my carves?", "How do I grow my calves?"),
    ("My cars are really sore after running.", "My calves are really sore after running."),
    ("How do I do squads properly?", "How do I do squats properly?"),
    ("How do I do a Romanian dead lift?", "How do I do a Romanian deadlift?"),
    ("How do I do reverse lunches?", "How do I do reverse lunges?"),
    ("Are burpies good for losing weight?", "Are burpees good for losing weight?"),
    ("Glue bridges for back pain", "Glute bridges for back pain"),
    ("Is way protein better than pea protein?", "Is whey protein better than pea protein?"),
    ("How much protean do I need?", "How much protein do I need?"),
    ("Do I need electro lights when I run?", "Do I need electrolytes when I run?"),
    ("What should my r p e be?", "What should my rpe be?"),
    ("How do I use a phone roller on my quads?", "How do I use a foam roller on my quads?"),
    # Run-on phone speech.
    ("so um i did legs yesterday and uh today i can barely walk down the stairs is that "
     "like normal",
     "i did legs yesterday and today i can barely walk down the stairs is that normal"),
    ("So, um, I did legs yesterday and, uh, today I can barely walk. Is that like normal?",
     "I did legs yesterday and today I can barely walk. Is that normal?"),
    ("okay so like my physio said to do bird dogs or something but like how do you even do "
     "that",
     "my physio said to do bird dogs or something but how do you even do that"),
    ("uh is pre work out powder worth it or like whatever",
     "is pre-workout powder worth it"),
    ("so is it like better to do cardio fasted you know in the morning before breakfast or",
     "is it better to do cardio fasted in the morning before breakfast"),
    ("I I did legs, so yeah.", "I did legs"),
    ("I do leg stuff, like, squats and lunges", "I do leg stuff, squats and lunges"),
    ("How many reps for SQUADS", "How many reps for SQUATS"),
    ("It's like really sore, you know, after squats", "It's really sore, after squats"),
    ("well how long should I hold it", "how long should I hold it"),
    ("Um, what's a plank?", "what's a plank?"),
    ("  spaced   out  ", "spaced out"),
]


@pytest.mark.parametrize(("heard", "meant"), REPAIRED)
def test_the_line_is_repaired(heard, meant):
    assert repair_speech(heard) == meant


@pytest.mark.parametrize("line", [
    # The everyday word, where it is meant.
    "I hit my head",
    "I hit my head on the bar, is that bad?",
    "I hit a plateau",
    "I hit the gym every day",
    "It's hit or miss",
    "I fell and hit my knee",
    "I did hit my protein goal",
    "I walked and hit 10k steps",
    "I had lunches",
    "I made lunches for the week",
    "My lunches are mostly salad, is that enough protein?",
    "my car",
    "My car broke down so I missed the gym",
    "The cars are parked outside",
    "He carves the turkey",
    "Korean food",
    "My wife is Korean",
    "I'm creating a plan",
    "I'd load the bar heavier",
    "We sat in the lounge",
    "What apps track calories?",
    "pilots",
    # "like" and "you know" that carry meaning.
    "I like squats",
    "I feel like I'm going to faint",
    "Is it like a squat?",
    "Like I said, my knee hurts",
    "What do you know about me?",
    "Do you know how to do a plank?",
    "I'll let you know",
    "You know what, let's do legs",
    # Doubles that can be meant, letters spelled out, and yes or no.
    "no no no",
    "bye bye",
    "I know that that is hard",
    "Do two two-minute rounds",
    "uh-huh",
    "yeah I want to",
    "Okay",
    "and how long should I hold it",
    # Nothing left: the line stays as it was.
    "um",
    "",
])
def test_what_must_not_change(line):
    assert repair_speech(line) == " ".join(line.split())


def test_repair_is_idempotent_on_the_tables():
    for heard, meant in REPAIRED:
        assert repair_speech(meant) == meant, heard


def test_every_tidy_rule_has_a_case():
    rules = lang.data(DATA_NAME, "en")["tidy"]
    lines = [heard for heard, _ in REPAIRED]
    untested = [rule["heard"] for rule in rules
                if not any(re.search(rule["heard"], line, re.IGNORECASE) for line in lines)]
    assert untested == []


def test_the_query_for_the_index_is_the_repaired_line_lowered():
    assert retrieval.normalize_query("So um, is that like normal after HIT workouts?") == (
        "is that normal after hiit (high intensity interval training) workouts?")


# -- the pipeline hands the repaired line to the stages; safety reads both ---------------

def _turn(line, state=None):
    return TurnInput(line, 0.9, CallerInfo("+15555550100"), state or CallState(), [])


def test_the_stages_get_the_repaired_line_and_the_turn_keeps_the_words():
    heard = []

    def echo(providers, turn, text):
        heard.append(text)
        return Reply(text)

    providers = Providers(None, None, None, {}, repair=repair_speech)
    turn = _turn("  um is create in safe ")
    stage, reply = Pipeline(providers, stages=(Stage("echo", echo),)).answering_stage(turn)
    assert heard == ["is creatine safe"] and reply.text == "is creatine safe"
    assert turn.speech == "  um is create in safe "


def test_without_a_repair_the_stages_get_the_line_as_heard():
    providers = Providers(None, None, None, {})
    stage = Stage("echo", lambda providers, turn, text: Reply(text))
    assert Pipeline(providers, stages=(stage,)).answer(_turn(" um squads ")).text == "um squads"


SAFETY_PROVIDERS = SimpleNamespace(
    safety_lines={"emergency_number": "911", "crisis_line": "988"},
    workouts=SimpleNamespace(stop_for_safety=lambda state: []))


@pytest.mark.parametrize(("heard", "category"), [
    # A filler can hide a red flag from the rules: the repaired line finds it.
    ("my chest, uh, really hurts", safety.Category.RED_FLAG),
    # The words as heard still count.
    ("I have crushing chest pain", safety.Category.RED_FLAG),
    ("is create in safe", None),
])
def test_safety_reads_the_words_as_heard_and_repaired(heard, category):
    reply = stages.safety_check(SAFETY_PROVIDERS, _turn(heard), repair_speech(heard))
    assert (reply is None) == (category is None)
    if category is not None:
        assert reply.kind == f"safety-{category.value}"


def test_the_factory_gives_the_pipeline_the_repair(app):
    pipeline = app.extensions["fitness_voice"].coach.pipeline
    assert pipeline.providers.repair is retrieval.repair_speech


# -- the Gather hints ---------------------------------------------------------------

def test_the_hints_are_within_twilios_limits():
    phrases = retrieval.gather_hints("en").split(", ")
    assert 0 < len(phrases) <= config.MAX_HINTS
    assert all(0 < len(p) <= config.MAX_HINT_CHARACTERS and "," not in p for p in phrases)
    assert all(re.fullmatch(r"[A-Za-z0-9']+(?: [A-Za-z0-9']+)*", p) for p in phrases)
    assert len({p.lower() for p in phrases}) == len(phrases)


@pytest.mark.parametrize("word", ["creatine", "HIIT", "calves", "squats", "lunges",
                                  "burpees", "glute bridge", "electrolytes", "foam roller",
                                  "deadlift", "kettlebell", "pre workout", "triceps"])
def test_the_hints_hold_what_the_slips_mean(word):
    assert word in retrieval.gather_hints("en").split(", ")


def test_every_slip_gives_a_hint():
    data = lang.data(DATA_NAME, "en")
    hints = {h.lower() for h in retrieval.gather_hints("en").split(", ")}
    for rule in data["slips"]:
        for hint in rule.get("hints") or [re.sub(r"\\\d", "", rule["meant"]).replace("-", " ")]:
            assert " ".join(hint.split()).lower() in hints, rule


def test_the_gather_hints_setting_defaults_to_the_data_file(make_app, monkeypatch):
    monkeypatch.delenv("GATHER_HINTS", raising=False)
    assert config.from_environment()["GATHER_HINTS"] is None
    assert make_app(reset=False).config["GATHER_HINTS"] == retrieval.gather_hints("en")
    monkeypatch.setenv("GATHER_HINTS", "squat, lunge")
    assert config.from_environment()["GATHER_HINTS"] == "squat, lunge"


@pytest.mark.parametrize("hints", [
    ", ".join(f"word{i}" for i in range(config.MAX_HINTS + 1)),
    "squat, " + "x" * (config.MAX_HINT_CHARACTERS + 1),
])
def test_gather_hints_beyond_twilios_limits_are_refused(hints):
    settings = {**config.from_environment(), "GATHER_HINTS": hints}
    with pytest.raises(config.ConfigError, match="GATHER_HINTS"):
        config.check(settings)


# -- the data file is checked when it is compiled --------------------------------------

GOOD = {"fillers": ["um+"], "slips": [{"heard": r"\bsquad(s?)\b", "meant": r"squat\1"}],
        "abbreviations": {"rpe": "rate of perceived exertion"}}


def test_tidy_rules_and_hints_compile():
    repair = compile_query_repair({
        **GOOD, "tidy": [{"heard": r"\byou know\b,?\s*", "meant": ""}],
        "slips": [{"heard": r"\bsquad(s?)\b", "meant": r"squat\1"},
                  {"heard": r"\bhit (workouts?)\b", "meant": r"hiit \1", "hints": ["HIIT"]}],
        "hints": ["lunges", "Squat"]})
    assert repair.speech("Um, Squads, you know, and hit workouts") == "Squats, and hiit workouts"
    assert repair.hints == ("lunges", "Squat", "HIIT")


@pytest.mark.parametrize(("change", "message"), [
    ({"tidy": {"like": ""}}, "'tidy' must be a list"),
    ({"tidy": [{"heard": "(like", "meant": ""}]}, "not a valid pattern"),
    ({"tidy": [{"heard": "like", "meant": "", "hints": ["x"]}]}, "a tidy rule has no hints"),
    ({"tidy": [{"heard": "like"}]}, "a tidy rule must be"),
    ({"slips": [{"heard": r"\bsquad\b", "meant": ""}]}, "a slip must be"),
    ({"slips": [{"heard": r"\bsquad\b", "meant": "squat", "hints": "squat"}]},
     "must be a list of words"),
    ({"hints": "squat, lunge"}, "'hints' must be a list"),
    ({"hints": ["squat, lunge"]}, "must be words"),
    ({"hints": ["push-up"]}, "must be words"),
    ({"hints": ["x" * 101]}, "at most 100"),
    ({"hints": [f"word{i}" for i in range(500)]}, "Twilio takes at most 500"),
])
def test_a_broken_vocabulary_is_refused(change, message):
    with pytest.raises(LanguageDataError, match=message):
        compile_query_repair({**GOOD, **change}, "en/retrieval/misheard.yaml")
