"""Query repair: what speech recognition heard → what the caller meant."""

import re

import pytest

from fitness_voice import lang
from fitness_voice.lang import LanguageDataError
from fitness_voice.retrieval import normalize_query
from fitness_voice.retrieval.query import DATA_NAME, compile_query_repair


@pytest.mark.parametrize("heard, meant", [
    ("How many reps for SQUADS", "how many reps for squats"),
    ("is creating safe", "is creatine safe"),
    ("creating a workout plan", "creating a workout plan"),
    ("um how do you do a bur pee", "how do you do a burpee"),
    ("what's a dead lift", "what's a deadlift"),
    ("is a hit workout good for fat loss", "is a hiit (high intensity interval training) "
                                           "workout good for fat loss"),
    ("i hit a plate oh", "i hit a plateau"),
    ("what's a dee load week", "what's a deload week"),
    ("my program says rpe eight", "my program says rpe (rate of perceived exertion) eight"),
    ("what is zone to cardio", "what is zone 2 cardio"),
    ("do i need to worm up", "do i need to warm up"),
])
def test_common_speech_recognition_slips_are_undone(heard, meant):
    assert normalize_query(heard) == meant


# One question per slip of the English data (test_every_slip_has_a_case checks that).
SLIPS = [
    ("how deep should my squad be", "how deep should my squat be"),
    ("can women take creatin", "can women take creatine"),
    ("way protein or casein", "whey protein or casein"),
    ("dead lifts", "deadlifts"),
    ("kettle bell swings", "kettlebell swings"),
    ("dumb bells at home", "dumbbells at home"),
    ("bar bell rows", "barbell rows"),
    ("berpees every day", "burpees every day"),
    ("glue bridges for back pain", "glute bridges for back pain"),
    ("goblin squats", "goblet squats"),
    ("plunks for core", "planks for core"),
    ("how do i do a planck", "how do i do a plank"),
    ("how many lunches should i do", "how many lunges should i do"),
    ("how often should i use a foam rolla", "how often should i use a foam roller"),
    ("lounges hurt my knee", "lunges hurt my knee"),
    ("lunches for legs", "lunges for legs"),
    ("dad bugs", "dead bugs"),
    ("roman ian deadlift", "romanian deadlift"),
    ("h i i t sessions", "hiit (high intensity interval training) sessions"),
    ("is hit worth it", "is hiit (high intensity interval training) worth it"),
    ("d-load week", "deload week"),
    ("re load weeks", "deload weeks"),
    ("zone two runs", "zone 2 runs"),
    ("v o 2 max", "vo2 max"),
    ("our p e", "rpe (rate of perceived exertion)"),
    ("car dio", "cardio"),
    ("ham strings", "hamstrings"),
    ("worming up", "warm up"),
    ("electro light drinks", "electrolytes drinks"),
    ("hobbits", "habits"),
    ("plateaux", "plateau"),
    ("push pull spit", "push pull split"),
    ("cat cal stretch", "cat cow stretch"),
    ("lose wait", "lose weight"),
    ("five k plan", "5k plan"),
    ("ten k", "10k"),
    # supplements and nutrition
    ("is create in safe", "is creatine safe"),
    ("how much cree a teen", "how much creatine"),
    ("should i take korean before the gym", "should i take creatine before the gym"),
    ("korean monohydrate", "creatine monohydrate"),
    ("creatine mono hydrate", "creatine monohydrate"),
    ("pro tein shakes", "protein shakes"),
    ("how much protean do i need", "how much protein do i need"),
    ("how do i do dead lists safely with my back", "how do i do deadlifts safely with my back"),
    ("i can't do a single pull op", "i can't do a single pull up"),
    ("how many wraps should i do", "how many reps should i do"),
    ("is the key to diet good for fat loss", "is the keto diet good for fat loss"),
    ("my mate says key to diet is best", "my mate says keto diet is best"),
    ("whey or case in", "whey or casein"),
    ("case in protein at night", "casein protein at night"),
    ("pre work out powder", "pre-workout powder"),
    ("post work out meal", "post-workout meal"),
    ("macro's", "macros"),
    ("micro nutrients", "micronutrients"),
    ("low car diet", "low carb diet"),
    # exercises
    ("cattle bell swings", "kettlebell swings"),
    ("burp ease", "burpees"),
    ("glued bridge", "glute bridge"),
    ("my glued muscles are weak", "my glute muscles are weak"),
    ("how do i get my glued to work", "how do i get my glutes to work"),
    ("my glues are weak", "my glutes are weak"),
    ("plank's or crunches", "planks or crunches"),
    ("side blanks", "side planks"),
    ("how do i do reverse lunches", "how do i do reverse lunges"),
    ("walking lunch with a twist", "walking lunge with a twist"),
    ("do lunches hurt your knees", "do lunges hurt your knees"),
    ("squats and lunches", "squats and lunges"),
    ("three sets of lunches", "three sets of lunges"),
    ("how do i do lunches", "how do i do lunges"),
    ("r d l form", "rdl (romanian deadlift) form"),
    ("hip trusts", "hip thrusts"),
    ("super sets", "supersets"),
    ("bulgarian spit squats", "bulgarian split squats"),
    ("pushups every day", "push-ups every day"),
    ("pool ups", "pull-ups"),
    ("lap pull downs", "lat pulldowns"),
    ("my one rep macs", "my one rep max"),
    ("sets and wraps", "sets and reps"),
    ("tread mill", "treadmill"),
    ("twenty minutes on the roaming machine", "twenty minutes on the rowing machine"),
    ("yoga or pilots", "yoga or pilates"),
    ("pilots or yoga", "pilates or yoga"),
    ("plyo metrics", "plyometrics"),
    ("callisthenics", "calisthenics"),
    ("phone roller", "foam roller"),
    # HIIT, in a training sense
    ("what is hit training", "what is hiit (high intensity interval training) training"),
    ("how often should i do hit", "how often should i do hiit (high intensity interval "
                                  "training)"),
    ("what's better hit or steady cardio", "what's better hiit (high intensity interval "
                                           "training) or steady cardio"),
    # body parts
    ("how do i grow my carves", "how do i grow my calves"),
    ("my left carve", "my left calf"),
    ("car raises", "calf raises"),
    ("tight cars after running", "tight calves after running"),
    ("my cars are so sore", "my calves are so sore"),
    ("stretch my cars", "stretch my calves"),
    ("try seps", "triceps"),
    ("a good exercise for my try sets", "a good exercise for my triceps"),
    ("my pecks are sore", "my pecs (chest muscles) are sore"),
    ("is the peck deck good", "is the pec (chest) deck good"),
    ("by sep curls", "bicep curls"),
    ("tight ham string", "tight hamstring"),
    ("quad's", "quads"),
    ("quods", "quads"),
    ("quad ri ceps", "quadriceps"),
    ("dealts", "delts"),
    ("rear dells", "rear delts"),
    ("lat's", "lats"),
    ("abbs", "abs"),
    ("lower apps", "lower abs"),
    ("apps workout", "abs workout"),
    ("hip flexers", "hip flexors"),
    ("rotate or cuff", "rotator cuff"),
    ("shin splits", "shin splints"),
    ("planter fasciitis", "plantar fasciitis"),
    # training terms
    ("am wrap", "amrap (as many reps as possible)"),
    ("e mom", "emom (every minute on the minute)"),
    ("t d e e", "tdee (total daily energy expenditure)"),
    ("b m r", "bmr (basal metabolic rate)"),
    ("b c a a", "bcaa (branched chain amino acids)"),
    ("d o m s", "doms (delayed onset muscle soreness)"),
    ("cardio vascular fitness", "cardiovascular fitness"),
    ("warmup", "warm-up"),
    ("cooldown", "cool-down"),
    ("can i lift weights doing intermitting fasting", "can i lift weights doing intermittent "
                                                      "fasting"),
    ("exercise in the men o pause", "exercise in the menopause"),
    ("peri meno pause", "peri menopause"),
]


@pytest.mark.parametrize("heard, meant", SLIPS)
def test_each_slip(heard, meant):
    assert normalize_query(heard) == meant


def test_every_slip_has_a_case():
    rules = lang.data(DATA_NAME, "en")["slips"]
    untested = [rule["heard"] for rule in rules
                if not any(re.search(rule["heard"], heard) for heard, _ in SLIPS)]
    assert untested == []


@pytest.mark.parametrize("heard, meant", [
    # The everyday word stays where it makes sense.
    ("creating habits that last", "creating habits that last"),
    ("glue is sticky", "glue is sticky"),
    ("i hit the gym", "i hit the gym"),
    ("how many lunches do you eat", "how many lunches do you eat"),
    ("i glued my shoe back together", "i glued my shoe back together"),
    ("how do i do tri sets", "how do i do tri sets"),
    ("the hens pecks at seeds", "the hens pecks at seeds"),
    ("i hit or missed my target", "i hit or missed my target"),
    ("a roman history book", "a roman history book"),
    ("the men pause for a drink", "the men pause for a drink"),
    ("i made a list of dead lists", "i made a list of dead lists"),
    ("how many wraps of tape", "how many wraps of tape"),
    # Filler sounds go, with the comma or full stop after them; words that start alike stay.
    ("uh, um. what's er an erm hmmm plank", "what's an plank"),
    ("umbrella and hummus", "umbrella and hummus"),
    # Case and spacing do not matter.
    ("Ah  SQUADS   ", "squats"),
    ("", ""),
    # Abbreviations are kept and explained.
    ("amrap or emom", "amrap (as many reps as possible) or emom (every minute on the minute)"),
    ("bcaas", "bcaas (branched chain amino acids)"),
    ("what's a 1rm", "what's a 1rm (one rep max)"),
    ("tdee and bmr", "tdee (total daily energy expenditure) and bmr (basal metabolic rate)"),
])
def test_what_is_left_alone_and_what_is_explained(heard, meant):
    assert normalize_query(heard) == meant


# -- the data file is checked when it is compiled ----------------------------------------

GOOD = {"fillers": ["um+"], "slips": [{"heard": r"\bsquad(s?)\b", "meant": r"squat\1"}],
        "abbreviations": {"rpe": "rate of perceived exertion"}}


def test_a_good_vocabulary_compiles():
    repair = compile_query_repair(GOOD)
    assert repair("um SQUADS and rpe") == "squats and rpe (rate of perceived exertion)"


@pytest.mark.parametrize("change, message", [
    ({"fillers": []}, "'fillers' must be a list"),
    ({"fillers": ["um+", ""]}, "'fillers' must be a list"),
    ({"fillers": ["(um"]}, "not a valid pattern"),
    ({"slips": []}, "'slips' must be a list"),
    ({"slips": {"squad": "squat"}}, "'slips' must be a list"),
    ({"slips": [{"heard": r"\bsquad\b"}]}, "a slip must be"),
    ({"slips": [{"heard": r"\bsquad\b", "meant": "squat", "note": "x"}]}, "a slip must be"),
    ({"slips": [{"heard": "squad(", "meant": "squat"}]}, "not a valid pattern"),
    ({"slips": [{"heard": r"\bsquad(s?)\b", "meant": r"squat\2"}]}, "names a group"),
    ({"abbreviations": {}}, "'abbreviations' must map"),
    ({"abbreviations": {"RPE": "rate of perceived exertion"}}, "'abbreviations' must map"),
    ({"abbreviations": {"rpe": ""}}, "'abbreviations' must map"),
])
def test_a_broken_vocabulary_is_refused(change, message):
    with pytest.raises(LanguageDataError, match=message):
        compile_query_repair({**GOOD, **change}, "en/retrieval/misheard.yaml")


def test_a_vocabulary_that_is_not_a_mapping_is_refused():
    with pytest.raises(LanguageDataError, match="expected a mapping"):
        compile_query_repair(["squad"])
