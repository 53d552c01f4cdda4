"""Each stage of the pipeline, called directly with plain turn data: which stage
answers a caller's line (in a given state, for a given caller), and what its reply
must and must not say. No HTTP, no database."""

import dataclasses

import pytest

from fitness_voice import lang
from fitness_voice.contract import CallerInfo, CallState
from fitness_voice.dialogue import grounded, memory
from fitness_voice.dialogue.pipeline import Pipeline
from fitness_voice.text.sentences import split_sentences
from tests.dialogue.conftest import turn

MORE = lang.catalogue()["answering.more_hint"]
SWALLOWED = ("I'll remember", "What would you like to work on next")
REFUSED = ("keep to your training", "outside what I can help with")


def caller(name=None, **profile):
    return CallerInfo("+15555550100", name, profile, returning=bool(name or profile))


def state(situation=None):
    return {
        None: CallState,
        "asking name": lambda: CallState(intake="name"),
        "asking goal": lambda: CallState(intake="goal"),
        "forget pending": lambda: CallState(confirm_forget=True),
        "rename pending": lambda: CallState(pending_name="Sam"),
        "more offered": lambda: CallState(last_reply=f"Creatine is well studied. {MORE}"),
        "said something": lambda: CallState(last_reply="Rest two minutes between sets."),
    }[situation]()


def answered(coach, line, situation=None, who=None, pipeline=None):
    the_state = state(situation)
    stage, reply = (pipeline or coach.pipeline).answering_stage(
        turn(line, the_state, caller=who or caller()))
    return stage.name, reply, the_state


def check(reply, has=(), lacks=()):
    for words in has:
        assert words.lower() in reply.text.lower(), reply.text
    for words in lacks:
        assert words.lower() not in reply.text.lower(), reply.text


# -- safety runs first, on every line, whatever the call is waiting for ----------

@pytest.mark.parametrize("situation", [None, "asking name", "asking goal", "forget pending",
                                       "rename pending", "more offered", "said something"])
@pytest.mark.parametrize("line", ["I have chest pain", "my name is Sam and I have chest pain",
                                  "yes, I want to end my life"])
def test_safety_answers_first_in_every_situation(coach, line, situation):
    stage, reply, after = answered(coach, line, situation, caller("Alex"))
    assert stage == "safety", reply.text
    assert any(number in reply.text for number in ("911", "988"))
    assert after.intake is None and not after.confirm_forget and after.pending_name is None
    assert "name" not in reply.profile_updates


@pytest.mark.parametrize(("line", "has", "lacks"), [
    # A named condition the notes cover: no diagnosis, but what is true in general.
    ("the front of my shins hurt since I started running, is that shin splints",
     ["can't diagnose", "shinbone", "doctor or physiotherapist"], []),
    ("could this be a stress fracture in my foot", ["can't diagnose", "stress fracture"], []),
    # Notes on another body part are no answer: the plain referral.
    ("do I have tendonitis in my elbow", ["can't diagnose", "take a look"], ["shoulder"]),
    # An injury keeps its own referral, undiluted.
    ("I rolled my ankle and it's swollen", ["today if it's swollen"], ["my notes"]),
])
def test_a_diagnosis_question_hears_the_general_note_without_a_diagnosis(coach, line, has,
                                                                          lacks):
    stage, reply, _ = answered(coach, line)
    assert stage == "safety" and reply.kind == "safety-medical"
    check(reply, has, lacks)
    assert len(split_sentences(reply.text)) <= 3


@pytest.mark.parametrize("line", [
    "that workout was so good i could barely walk after, what should i do tomorrow",
    "i'm so sore from legs, what should i do today",
])
def test_worn_out_callers_hear_about_recovery_not_a_list_of_exercises(coach, line):
    stage, reply, after = answered(coach, line)
    assert stage == "grounded-answer" and reply.kind == "answer", reply.text
    assert after.offer_session is None


@pytest.mark.parametrize(("line", "has", "lacks"), [
    # The formula in one section, the easy range in another of the same file.
    ("i'm thirty five what heart rate should i aim for on easy runs",
     ["one hundred ten to one hundred thirty beats per minute"], ["a maximum of"]),
    ("i want to run a five k in thirty minutes, what pace is that per kilometre",
     ["six minutes per kilometer"], []),
])
def test_figures_are_worked_out_across_the_notes(coach, line, has, lacks):
    _stage, reply, _ = answered(coach, line)
    check(reply, has, lacks)


@pytest.mark.parametrize(("line", "stage"), [
    # Leaning on the last answer: a follow-up, however near an intent it sounds.
    ("and which one first in a session", "grounded-answer"),
    ("and how long should each session be", "grounded-answer"),
    ("what can i do instead", "grounded-answer"),
    # A command said with "and" still is one when its meaning is clear.
    ("and what did i do last time", "training-talk"),
    ("so bye then", "goodbye"),
])
def test_follow_ups_are_not_taken_for_commands(coach, line, stage):
    history = [("should i do cardio or weights to lose fat", "Do both if you can.")]
    found, _reply = coach.pipeline.answering_stage(
        turn(line, CallState(), caller=caller("Alex"), history=history))
    assert found.name == stage


# -- facts about the caller never replace the answer to a question --------------

@pytest.mark.parametrize(("line", "learned"), [
    ("my knee is sore what leg exercise can I do lying down", {"injuries": "knee"}),
    ("I have twenty minutes and dumbbells, what should I do for legs",
     {"equipment": "dumbbell", "minutes_per_session": 20}),
    ("I'm in my second trimester, can I still do squats", {}),
    ("I've got a bad back, is it okay to do deadlifts", {"injuries": "back"}),
    ("I'm seventy five and I'm scared of falling what should I do", {}),
    ("I'm a complete beginner how many days a week should I train", {"experience": "beginner"}),
    ("I can train three days a week for about an hour what split should I do",
     {"days_per_week": 3, "minutes_per_session": 60}),
    ("i'm breastfeeding will working out affect my milk", {}),
])
def test_a_question_with_facts_in_it_is_answered_and_the_facts_learned(coach, line, learned):
    stage, reply, _ = answered(coach, line, who=caller("Leah"))
    # Exercise choices are the workout coach's (named moves from the library).
    assert stage in ("grounded-answer", "training-talk"), reply.text
    assert reply.profile_updates == learned
    check(reply, lacks=SWALLOWED + REFUSED)


@pytest.mark.parametrize(("line", "who", "stage", "has"), [
    ("I have a bad knee", caller("Uli"), "caller-facts", ["knee"]),
    ("I have dumbbells and a kettlebell", caller("Uli"), "caller-facts", ["dumbbell"]),
    # A problem described is a request for help: answered, the facts learned on the way.
    ("my lower back has been killing me since deadlifts", caller("Uli"), "grounded-answer",
     []),
    ("I hurt my ankle last week", caller("Uli"), "grounded-answer", []),
    # Nothing new: no "I'll remember", the line goes on to be answered.
    ("I have a bad knee", caller("Uli", injuries="knee"), "grounded-answer", []),
])
def test_a_statement_of_facts_is_acknowledged_only_when_something_is_new(coach, line, who,
                                                                         stage, has):
    answered_by, reply, _ = answered(coach, line, who=who)
    assert answered_by == stage, reply.text
    check(reply, has=has)
    if stage == "grounded-answer":
        check(reply, lacks=SWALLOWED)
        assert reply.profile_updates == grounded.new_facts(memory.extract(line), who)


ONE, TWO, THREE = "Rest a day.", "Then walk.", "Sleep well."


@pytest.mark.parametrize(("said", "learned", "spoken"), [
    (ONE, {}, ONE),
    (ONE, {"injuries": "knee"}, f"I'll go easy on your knee. {ONE}"),
    (f"{ONE} {TWO}", {"equipment": "dumbbell"}, f"Noted. {ONE} {TWO}"),
    (f"{ONE} {TWO} {THREE}", {"injuries": "knee"}, f"{ONE} {TWO} {THREE}"),  # no room
    (ONE, {"name": "Maria"}, f"Nice to meet you, Maria. {ONE}"),
    # A name is always greeted: the answer gives up its last sentence for it.
    (f"{ONE} {TWO} {THREE}", {"name": "Maria", "goal": "get fitter"},
     f"Nice to meet you, Maria. {ONE} {TWO}"),
])
def test_a_fact_learned_on_the_way_is_acknowledged_in_a_few_words_at_most(said, learned,
                                                                          spoken):
    assert grounded.acknowledged(said, learned) == spoken


# -- the intake: names only when they are names; questions are answered ---------

@pytest.mark.parametrize(("line", "stage", "name"), [
    ("Sam", "intake", "Sam"),
    ("it's Priya", "intake", "Priya"),
    ("call me Jo", "intake", "Jo"),
    ("sam smith", "intake", "Sam"),
    ("I'm sixty eight can I still lift", "grounded-answer", None),
    ("I'm dying to get abs", "grounded-answer", None),
    ("this is useless", "routed-by-meaning", None),
    ("I'm exhausted all the time should I still train", "grounded-answer", None),
    ("I'm forty five is it too late to start running", "grounded-answer", None),
    ("sixty", "grounded-answer", None),
    ("tired", "grounded-answer", None),
    ("what do you know about me", "memory-command", None),
    ("bye", "goodbye", None),
    ("hi I'm Maria and I want to know how often I should run", "grounded-answer", "Maria"),
    ("sam here", "intake", "Sam"),
    ("i go by kat", "intake", "Kat"),
    ("oh just call me dj", "intake", "DJ"),
    ("i go by feel mostly", "grounded-answer", None),
    ("i'm not sure", "grounded-answer", None),
    ("honestly i'm kind of nervous", "grounded-answer", None),
    ("i'm back", "grounded-answer", None),
    ("i'd rather not say", "intake", None),
    ("why do you need my name", "intake", None),
    ("does it matter", "intake", None),
])
def test_the_intake_takes_only_names(coach, line, stage, name):
    answered_by, reply, after = answered(coach, line, "asking name")
    assert answered_by == stage, reply.text
    assert reply.profile_updates.get("name") == name
    if name:
        check(reply, has=[name])
    else:
        check(reply, lacks=["Nice to meet you"])
    if stage != "intake":
        assert after.intake is None  # a question or a request ends the intake


@pytest.mark.parametrize(("line", "goal"), [
    ("I want to get fitter", "get fitter"),
    ("to run a marathon", "train for a marathon"),
    ("lose a bit of weight", "lose weight"),
    ("get a six pack", "get a six pack"),
    ("this is useless", None),
    ("how much protein do I need", None),
])
def test_the_intake_takes_only_goals(coach, line, goal):
    answered_by, reply, after = answered(coach, line, "asking goal")
    assert reply.profile_updates.get("goal") == goal, reply.text
    assert (answered_by == "intake") is (goal is not None)
    assert after.intake is None


def test_a_name_and_a_goal_together_end_the_intake(coach):
    stage, reply, after = answered(coach, "I'm Sam and I want to lose weight", "asking name")
    assert stage == "intake" and reply.profile_updates == {"name": "Sam", "goal": "lose weight"}
    assert after.intake is None and "What's your main goal" not in reply.text


@pytest.mark.parametrize(("line", "who"), [
    ("this is useless you keep giving me junk answers", caller("Morgan")),
    ("this is useless you keep giving me junk answers", caller()),
    ("I'm kidding I'm kidding okay real question how many push ups should I do", caller()),
    ("I'm short of breath after sprints is that normal", caller()),
    ("it's gonna be really hot tomorrow what should I change for my run", caller()),
    ("I'm brand new to the gym how heavy should I go", caller()),
])
def test_lines_that_only_look_like_introductions_store_no_name(coach, line, who):
    _, reply, _ = answered(coach, line, who=who)
    assert "name" not in reply.profile_updates
    check(reply, lacks=["Nice to meet you"])


# -- names and renames, memory read back -------------------------------------------

def test_a_known_caller_giving_another_name_is_asked_before_renaming(coach):
    stage, reply, after = answered(coach, "hi coach my name is Sam", who=caller("Alex"))
    assert stage == "caller-facts" and reply.text == "Should I call you Sam from now on?"
    assert reply.profile_updates == {} and after.pending_name == "Sam"


@pytest.mark.parametrize(("line", "stage", "updates", "has"), [
    ("yes", "rename-confirmation", {"name": "Sam"}, ["Sam"]),
    ("yeah please", "rename-confirmation", {"name": "Sam"}, ["Sam"]),
    ("no", "rename-confirmation", {}, ["Alex"]),
    ("no keep Alex", "rename-confirmation", {}, ["Alex"]),
    ("how much protein do I need", "grounded-answer", {}, ["protein"]),  # question dropped
])
def test_the_rename_confirmation(coach, line, stage, updates, has):
    answered_by, reply, after = answered(coach, line, "rename pending", caller("Alex"))
    assert answered_by == stage, reply.text
    assert reply.profile_updates.get("name") == updates.get("name")
    check(reply, has=has)
    assert after.pending_name is None


@pytest.mark.parametrize(("line", "who", "has"), [
    ("my name is Sam, how much protein do I need", caller("Alex"), ["protein"]),
    ("hi it's Sam, what's a good warm up", caller("Alex"), []),
])
def test_a_name_inside_a_question_never_renames_a_known_caller(coach, line, who, has):
    stage, reply, after = answered(coach, line, who=who)
    assert stage == "grounded-answer" and "name" not in reply.profile_updates
    assert after.pending_name is None
    check(reply, has=has)


@pytest.mark.parametrize(("line", "who", "has", "lacks"), [
    ("what's my name", caller("Jordan", goal="lose weight"), ["Jordan"], ["protein"]),
    ("do you know my name", caller("Jordan"), ["Jordan"], []),
    ("what's my name", caller(), ["don't know your name"], []),
    ("who am I", caller("Ben"), ["Ben"], []),
    ("do you know who I am", caller("Ben", goal="build muscle"), ["Ben", "build muscle"], []),
    ("what was my goal again", caller("Yoko", goal="train for a run"), ["run"], []),
    ("what's my goal", caller("Yoko"), ["haven't told me a goal"], []),
    ("what do you know about me", caller("Priya", injuries="shoulder"),
     ["Priya", "shoulder"], []),
])
def test_memory_is_read_back(coach, line, who, has, lacks):
    stage, reply, _ = answered(coach, line, who=who)
    assert stage == "memory-command", reply.text
    check(reply, has=has, lacks=lacks)


# Said in words the patterns do not have: routed by meaning to the same answers.
@pytest.mark.parametrize(("line", "who", "kind", "has"), [
    ("what name have you got down for me", caller("Keisha"), "memory", ["Keisha"]),
    ("hang on what do you call me", caller("Keisha"), "memory", ["Keisha"]),
    ("remind me what i'm working towards", caller("Dom", goal="train for a run"), "memory",
     ["run"]),
    ("what am i training for again", caller("Dom", goal="train for a run"), "memory", ["run"]),
    ("could you wipe everything you've got on me", caller("Gus"), "forget-confirm",
     ["delete everything"]),
])
def test_memory_questions_in_other_words(coach, line, who, kind, has):
    stage, reply, after = answered(coach, line, who=who)
    assert stage in ("memory-command", "routed-by-meaning") and reply.kind == kind, reply.text
    check(reply, has=has)
    assert after.confirm_forget is (kind == "forget-confirm")


@pytest.mark.parametrize("line", [
    "what should my goal be", "how do i reach my goal of running a 5k",
    "what's my max heart rate if i'm forty", "what name is that exercise",
])
def test_questions_about_goals_and_names_in_general_are_answered(coach, line):
    stage, reply, _ = answered(coach, line, who=caller("Dom", goal="get fitter"))
    assert reply.kind != "memory", reply.text


@pytest.mark.parametrize(("line", "kind"), [
    ("forget everything you know about me", "forget-confirm"),
    ("can you delete all my stuff please", "forget-confirm"),
    ("please clear my profile", "forget-confirm"),
])
def test_forget_me_asked_any_way_asks_first(coach, line, kind):
    stage, reply, after = answered(coach, line, who=caller("Petra"))
    assert reply.kind == kind and after.confirm_forget, (stage, reply.text)


def test_an_unknown_name_asked_for_is_taken_from_the_next_line(coach):
    the_state = CallState()
    coach.pipeline.answer(turn("what's my name", the_state))
    assert the_state.intake == "name"
    reply = coach.pipeline.answer(turn("Ben", the_state))
    assert reply.profile_updates["name"] == "Ben"


def test_a_new_callers_name_said_later_is_greeted(coach):
    stage, reply, _ = answered(coach, "my name's Jordan")
    assert stage == "caller-facts" and reply.profile_updates == {"name": "Jordan"}
    check(reply, has=["Nice to meet you, Jordan"], lacks=["I'll remember"])


# -- the coach's other questions, answered -------------------------------------------

@pytest.mark.parametrize(("line", "situation", "stage"), [
    ("yes", "more offered", "more-offer"),
    ("yeah go on", "more offered", "more-offer"),
    ("sure", "more offered", "more-offer"),
    ("yes but what about protein", "more offered", "grounded-answer"),
    ("yes", "said something", "grounded-answer"),  # nothing was offered
    ("yes please delete it", "forget pending", "forget-confirmation"),
    ("no don't", "forget pending", "forget-confirmation"),
    ("yeah but how long should I rest", "forget pending", "grounded-answer"),
])
def test_yes_and_no_answer_only_the_question_asked(coach, line, situation, stage):
    answered_by, reply, after = answered(coach, line, situation, caller("Ted"))
    assert answered_by == stage, reply.text
    assert not after.confirm_forget
    if answered_by == "forget-confirmation" and line.startswith("yes"):
        assert reply.action == "forget"
    else:
        assert reply.action is None


# -- routing: goodbyes, small talk, thanks, help, by pattern and by meaning ----------

@pytest.mark.parametrize(("line", "stage", "kind"), [
    ("okay thanks, that's all for today, bye", "goodbye", "goodbye"),
    ("I'm off to the gym now, see ya", "goodbye", "goodbye"),
    ("cheers coach, see you next week", "goodbye", "goodbye"),
    ("hey coach", "small-talk", "small-talk"),
    ("how are you doing today", "small-talk", "small-talk"),
    ("what can you even do", "small-talk", "capabilities"),
    ("what is this", "small-talk", "capabilities"),
    ("thank you that's really helpful", "small-talk", "thanks"),
    ("are you a robot", "small-talk", "identity"),
    ("wait am i talking to a robot or a real person", "small-talk", "identity"),
    ("is this a real human", "small-talk", "identity"),
    ("alright i gotta go now thanks coach", "goodbye", "goodbye"),
    ("okay i'm off", "goodbye", "goodbye"),
    ("that workout nearly killed me lol", "routed-by-meaning", "hard-session"),
    ("i passed out on the couch after leg day", "routed-by-meaning", "hard-session"),
    ("my legs are like jelly after that class", "routed-by-meaning", "hard-session"),
    ("i've no idea what to ask you", "routed-by-meaning", "capabilities"),
    ("you're not listening to me at all", "routed-by-meaning", "complaint"),
    ("tell me a funny joke", "routed-by-meaning", "off-topic"),
    ("can you sort out a plan for my week", "training-talk", "weekly-plan"),
    ("run me through a workout please", "routed-by-meaning", "workout-start"),
    ("do you remember anything about me", "routed-by-meaning", "memory"),
    ("what did i get up to in my previous workout", "routed-by-meaning", "last-time"),
])
def test_routing(coach, line, stage, kind):
    answered_by, reply, _ = answered(coach, line, who=caller("Kim"))
    assert (answered_by, reply.kind) == (stage, kind), reply.text
    assert reply.end_call is (kind == "goodbye")
    if kind not in ("off-topic",):
        check(reply, lacks=REFUSED)


@pytest.mark.parametrize("line", [
    "can you help me get fitter", "how do I say bye to belly fat", "is that all I need to do",
    "what should I work on first", "I'm gonna do my workout later, how should I warm up",
    "help me understand how much protein I need", "thanks, and how long should I rest",
])
def test_questions_that_sound_like_intents_are_answered(coach, line):
    stage, reply, _ = answered(coach, line, who=caller("Kim"))
    assert stage == "grounded-answer", (reply.kind, reply.text)
    assert not reply.end_call


# -- with an LLM answering, only what the stages are sure of is taken before it --------

@pytest.fixture(scope="module")
def with_llm(coach):
    providers = dataclasses.replace(coach.pipeline.providers, answers_with_llm=True)
    return Pipeline(providers)


@pytest.mark.parametrize(("line", "situation", "who", "stage"), [
    ("I have chest pain", None, caller("Kim"), "safety"),
    ("bye", None, caller("Kim"), "goodbye"),
    ("say that again", "said something", caller("Kim"), "repeat"),
    ("forget me", None, caller("Kim"), "memory-command"),
    ("what's my name", None, caller("Kim"), "memory-command"),
    ("yes", "forget pending", caller("Kim"), "forget-confirmation"),
    ("Sam", "asking name", caller(), "intake"),
    ("hi coach my name is Sam", None, caller("Alex"), "caller-facts"),
    ("let's work out, twenty minutes, no equipment", None, caller("Kim"), "training-talk"),
    ("run me through a workout please", None, caller("Kim"), "routed-by-meaning"),
    # The LLM answers these itself, with the whole conversation in view.
    ("hey coach", None, caller("Kim"), "grounded-answer"),
    ("thanks", None, caller("Kim"), "grounded-answer"),
    ("what can you do", None, caller("Kim"), "grounded-answer"),
    ("I have a bad knee", None, caller("Kim"), "grounded-answer"),
    ("you're not listening to me at all", None, caller("Kim"), "grounded-answer"),
    ("my knee is sore what leg exercise can I do lying down", None, caller("Kim"),
     "grounded-answer"),
])
def test_with_an_llm_the_stages_take_only_what_they_are_sure_of(coach, with_llm, line,
                                                                situation, who, stage):
    answered_by, reply, _ = answered(coach, line, situation, who, pipeline=with_llm)
    assert answered_by == stage, reply.text


@pytest.fixture
def llm_coach(make_app, openai_server):
    app = make_app(OPENAI_API_KEY="test-key", OPENAI_BASE_URL=openai_server.base_url,
                   OPENAI_TIMEOUT=5.0)
    return app.extensions["fitness_voice"].coach


def test_with_openai_the_model_gets_the_whole_line_with_its_facts(llm_coach, openai_server):
    openai_server.reply_text = "Try glute bridges and side-lying leg raises."
    line = "my knee is sore what leg exercise can I do lying down"
    stage, reply = llm_coach.pipeline.answering_stage(turn(line, caller=caller("Kim")))
    assert stage.name == "grounded-answer" and reply.details["source"] == "openai"
    assert reply.text == "Try glute bridges and side-lying leg raises."
    assert line in str(openai_server.requests[-1]["messages"][-1]["content"])
    assert reply.profile_updates == {"injuries": "knee"}


@pytest.mark.parametrize(("who", "told", "stored"), [
    (caller("Alex"), {"name": "Sam"}, {}),  # a known caller is not renamed by the model
    (caller(), {"name": "Sam"}, {"name": "Sam"}),
    (caller(), {"name": "useless"}, {}),  # nor given a name that is not one
    (caller(), {"goal": "build muscle", "mood": "happy"}, {"goal": "build muscle"}),
])
def test_with_openai_what_the_model_learns_is_checked(llm_coach, openai_server, who, told,
                                                      stored):
    openai_server.mode, openai_server.tool_arguments = "tool_call", told
    openai_server.reply_text = "Sounds good. Let's get started."
    reply = llm_coach.pipeline.answer(turn("so how should I start", caller=who))
    assert reply.details["source"] == "openai"
    assert reply.profile_updates == stored
