"""The LLM clients: OpenAI against a real Chat Completions server on loopback,
the grounded responder, and the fallback between them."""

import json
import re

import pytest

from fitness_voice import retrieval
from fitness_voice.llm import (
    LAST_RESORT,
    MORE_ABOUT_WHAT,
    NO_MORE,
    NOTHING_TO_REPEAT,
    CoachContext,
    FallbackResponder,
    GroundedResponder,
    LLMAnswer,
    LLMError,
    OpenAIResponder,
    build_responder,
)
from tests.peers.openai_server import DEFAULT_REPLY, openai_server  # noqa: F401


def Passage(*fields, score=0.5, **named):  # a retrieved passage, relevant unless told
    return retrieval.Passage(*fields, score=score, **named)


SQUAT_HOW = Passage(
    "squat.md#0",
    "Stand with your feet about shoulder width apart and your toes turned out slightly. "
    "Push your hips back and bend your knees as if sitting into a chair, keeping your chest up. "
    "Lower until your thighs are about parallel to the floor, or as low as you comfortably can. "
    "Drive through your whole foot to stand back up, and breathe out as you rise.",
    "Bodyweight squat", "How to do a bodyweight squat", "squat.md")
SQUAT_MISTAKES = Passage(
    "squat.md#1",
    "The most common squat mistake is letting the knees cave inward, so push them gently out "
    "over your toes. Another is lifting the heels, which shifts the load onto the knees. "
    "Rounding the lower back at the bottom is also common, so only go as deep as you can "
    "with a flat back.",
    "Bodyweight squat", "Common squat mistakes", "squat.md")
PROTEIN_DAILY = Passage(
    "protein.md#0",
    "For building muscle, aim for about 1.6 grams of protein per kilogram of body weight a "
    "day. Going above about 2.2 grams per kilogram brings little extra benefit for most "
    "people. Adults who don't strength train need about 0.8 grams per kilogram. Spread your "
    "protein over three or four meals rather than eating most of it at dinner.",
    "Protein for muscle gain", "How much protein per day", "protein.md")
PROTEIN_FOODS = Passage(
    "protein.md#1",
    "Good protein foods include chicken, fish, eggs, Greek yogurt, lentils and tofu. "
    "Protein powder is a convenient top up, not a must.",
    "Protein for muscle gain", "High protein foods", "protein.md")
SLEEP = Passage(
    "sleep.md#0",
    "Adults need at least seven hours of sleep a night for good health. Teenagers need more, "
    "about eight to ten hours. Poor sleep slows recovery and makes hard workouts feel harder.",
    "Sleep for fitness", "How much sleep you need", "sleep.md")
MARKDOWN = Passage(
    "warmup.md#0",
    "## Warm-up basics\n"
    "A **good warm-up** takes about 5 to 10 minutes and raises your *heart rate* gently.\n"
    "Key parts:\n"
    "- easy cardio\n"
    "- dynamic stretches\n"
    "- lighter sets of your first exercise\n"
    "See [the ACSM guide](https://www.acsm.org/guide) for more 💪.",
    "Warm-up", "Warm-up basics", "warmup.md")
FILES = {"squat.md": [SQUAT_HOW, SQUAT_MISTAKES], "protein.md": [PROTEIN_DAILY, PROTEIN_FOODS],
         "sleep.md": [SLEEP], "warmup.md": [MARKDOWN]}

MARKUP = re.compile(r"[*#`_\[\]|<>]|https?:|www\.|\]\(|[\U0001F000-\U0001FAFF\u2600-\u27BF]")


def passages_of(file):
    return list(FILES.get(file, []))


def ctx(question, passages=(), relevant=None, history=(), profile=None, state=None):
    passages = list(passages)
    return CoachContext(question=question, passages=passages,
                        relevant=bool(passages) if relevant is None else relevant,
                        history=list(history), profile=dict(profile or {}),
                        state={} if state is None else state)


def sentences(text):
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s]


@pytest.fixture
def grounded():
    return GroundedResponder(passages_of=passages_of)


@pytest.fixture
def openai_responder(openai_server):  # noqa: F811 - the fixture imported above
    """An OpenAIResponder pointed at the peer; set .stream or .timeout per test."""
    responder = OpenAIResponder(api_key="sk-test", base_url=openai_server.base_url, timeout=1.0)
    yield responder
    responder.close()


# -- OpenAI against the local Chat Completions server ---------------------------


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_openai_answer_is_the_server_text_with_usage(openai_server, openai_responder,  # noqa: F811
                                                     stream):
    openai_responder.stream = stream
    answer = openai_responder.answer(ctx("How do I squat?", [SQUAT_HOW]))

    assert answer.text == DEFAULT_REPLY
    assert answer.source == "openai"
    assert answer.error is None
    assert answer.passages_used == ["squat.md#0"]
    usage = answer.usage
    assert usage["completion_tokens"] == len(DEFAULT_REPLY.split())
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    assert "llm_ms" in answer.timings
    body = openai_server.requests[0]
    assert body.get("stream", False) is stream
    if stream:
        assert body["stream_options"] == {"include_usage": True}


def test_openai_request_carries_prompt_notes_history_and_profile(openai_server,  # noqa: F811
                                                                 openai_responder):
    history = [("Hi, I'm Sam.", "Hi Sam! What would you like to work on?"),
               ("I want to get stronger legs.", "Squats are a great place to start.")]
    profile = {"name": "Sam", "goal": "stronger legs", "injuries": "sore left knee",
               "days_per_week": 3}
    openai_responder.answer(ctx("What do people get wrong on squats?",
                                [SQUAT_MISTAKES, SQUAT_HOW], history=history, profile=profile))

    body = openai_server.requests[0]
    assert body["model"] == "gpt-4o-mini"
    assert body["max_completion_tokens"] == 160
    assert body["temperature"] == 0.4
    assert [tool["function"]["name"] for tool in body["tools"]] == ["update_profile"]
    assert openai_server.headers[0]["authorization"] == "Bearer sk-test"
    messages = body["messages"]
    assert [m["role"] for m in messages] == [
        "system", "user", "assistant", "user", "assistant", "user"]
    system = messages[0]["content"]
    assert "phone" in system and "one to three short" in system
    assert "Bodyweight squat - Common squat mistakes" in system
    assert "Bodyweight squat - How to do a bodyweight squat" in system
    assert "letting the knees cave inward" in system
    assert system.index("Common squat mistakes") < system.index("How to do a bodyweight squat")
    assert "name: Sam" in system and "injuries or limitations: sore left knee" in system
    assert "training days per week: 3" in system
    assert messages[1]["content"] == "Hi, I'm Sam."
    assert messages[4]["content"] == "Squats are a great place to start."
    assert messages[-1] == {"role": "user", "content": "What do people get wrong on squats?"}


def test_openai_says_when_no_notes_matched(openai_server, openai_responder):  # noqa: F811
    openai_responder.answer(ctx("Who won the football last night?", [], relevant=False))
    system = openai_server.requests[0]["messages"][0]["content"]
    assert "none matched this question" in system
    assert "nothing yet" in system  # no profile


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
def test_openai_tool_call_updates_profile_then_speaks(openai_server, openai_responder,  # noqa: F811
                                                      stream):
    openai_responder.stream = stream
    openai_server.mode = "tool_call"
    openai_server.tool_arguments = {"name": "Sam", "goal": "build muscle", "days_per_week": 3}
    openai_server.reply_text = "Nice to meet you, Sam. Three days a week is a great start."

    answer = openai_responder.answer(ctx("I'm Sam, I want to build muscle, three days a week."))

    assert answer.profile_updates == {"name": "Sam", "goal": "build muscle", "days_per_week": 3}
    assert answer.text == "Nice to meet you, Sam. Three days a week is a great start."
    assert len(openai_server.requests) == 2
    follow_up = openai_server.requests[1]
    assert follow_up["tool_choice"] == "none"
    call = follow_up["messages"][-2]
    assert call["role"] == "assistant"
    assert call["tool_calls"][0]["function"]["name"] == "update_profile"
    result = follow_up["messages"][-1]
    assert result["role"] == "tool" and result["tool_call_id"] == call["tool_calls"][0]["id"]
    first, second = (sum(len(str(m.get("content") or "").split()) for m in r["messages"])
                     for r in openai_server.requests)
    assert answer.usage["prompt_tokens"] == first + second


def test_openai_tool_call_with_text_needs_no_second_call(openai_server,  # noqa: F811
                                                         openai_responder):
    openai_server.mode = "tool_call"
    openai_server.tool_content = "Got it, Sam. Let's build some muscle."
    answer = openai_responder.answer(ctx("My name is Sam and I want to build muscle."))
    assert answer.text == "Got it, Sam. Let's build some muscle."
    assert answer.profile_updates == {"name": "Sam", "goal": "build muscle"}
    assert len(openai_server.requests) == 1


@pytest.mark.parametrize("arguments, expected", [
    ({"name": "  Sam ", "days_per_week": 12, "minutes_per_session": "45",
      "experience": "Beginner", "shoe_size": 9}, {"name": "Sam", "minutes_per_session": 45,
                                                  "experience": "beginner"}),
    ({"experience": "expert", "injuries": "", "equipment": "two dumbbells"},
     {"equipment": "two dumbbells"}),
    ('{"name": "Sam", ', {}),
    ('["Sam"]', {}),
])
def test_openai_profile_updates_keep_only_sensible_values(openai_server,  # noqa: F811
                                                          openai_responder, arguments, expected):
    openai_server.mode = "tool_call"
    openai_server.tool_arguments = arguments
    answer = openai_responder.answer(ctx("Some things about me."))
    assert answer.profile_updates == expected
    assert answer.text == DEFAULT_REPLY


def test_openai_server_without_tool_support_still_answers(openai_server,  # noqa: F811
                                                         openai_responder):
    openai_server.mode = "no_tools"
    first = openai_responder.answer(ctx("How do I squat?"))
    second = openai_responder.answer(ctx("And how deep?"))
    assert first.text == second.text == DEFAULT_REPLY
    assert [("tools" in body) for body in openai_server.requests] == [True, False, False]


def test_openai_reply_cut_off_keeps_whole_sentences(openai_server, openai_responder):  # noqa: F811
    openai_server.reply_text = "Do three sets of ten. Then rest for about two"
    openai_server.finish_reason = "length"
    assert openai_responder.answer(ctx("How many sets?")).text == "Do three sets of ten."


def test_openai_reply_is_made_plain_for_speech(openai_server, openai_responder):  # noqa: F811
    openai_server.reply_text = ("**Squat** with your chest up.\n- Push your knees out\n"
                                "- Sit back, see https://example.com/squat 💪")
    text = openai_responder.answer(ctx("How do I squat?")).text
    assert not MARKUP.search(text), text
    assert text == "Squat with your chest up. Push your knees out. Sit back, see."


@pytest.mark.parametrize("junk", [
    "", "   \n ", "I'm sorry, but I can't assist with that.", "Sorry, I cannot help with that "
    "request.", '{"reply": "Do squats."}', "As an AI language model, I cannot give advice.",
    "<think>The user wants squats.</think>",
])
def test_openai_unusable_reply_is_an_error(openai_server, openai_responder, junk):  # noqa: F811
    openai_server.reply_text = junk
    with pytest.raises(LLMError):
        openai_responder.answer(ctx("How do I squat?"))


def test_openai_keeps_a_real_answer_that_declines_to_diagnose(openai_server,  # noqa: F811
                                                              openai_responder):
    openai_server.reply_text = ("Sorry, I can't help with diagnosing knee pain, so please see a "
                                "physiotherapist. Meanwhile keep squats pain free.")
    text = openai_responder.answer(ctx("Why does my knee click?")).text
    assert text == openai_server.reply_text


# -- every failure ends with the grounded answer ---------------------------------

FAILURES = {
    "slow": "timed out",
    "timeout": "timed out",
    "error500": "HTTP 500",
    "error429": "HTTP 429",
    "malformed": "malformed",
    "empty": "empty reply",
}


@pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])
@pytest.mark.parametrize("mode", list(FAILURES))
def test_fallback_answers_from_the_knowledge_base(openai_server, openai_responder,  # noqa: F811
                                                  grounded, mode, stream):
    openai_server.mode = mode
    openai_server.delay = 2.0  # "slow": past the 1 s budget
    openai_responder.stream = stream
    responder = FallbackResponder(openai_responder, grounded)
    question = "How much protein should I eat a day?"

    answer = responder.answer(ctx(question, [PROTEIN_DAILY, PROTEIN_FOODS]))

    expected = GroundedResponder().answer(ctx(question, [PROTEIN_DAILY, PROTEIN_FOODS]))
    assert answer.source == "grounded"
    assert answer.text == expected.text
    assert "1.6 grams of protein per kilogram" in answer.text
    assert FAILURES[mode] in answer.error
    assert answer.passages_used == ["protein.md#0"]
    assert {"llm_ms", "primary_ms"} <= set(answer.timings)
    assert len(openai_server.requests) == 1  # no retries past the budget


def test_streamed_reply_that_trickles_past_the_budget_falls_back(openai_server,  # noqa: F811
                                                                openai_responder, grounded):
    # Every chunk arrives well within the read timeout, but the whole reply does not.
    openai_server.chunk_delay = 0.15
    openai_responder.stream = True
    answer = FallbackResponder(openai_responder, grounded).answer(
        ctx("How much sleep do I need?", [SLEEP]))
    assert answer.source == "grounded"
    assert "while streaming" in answer.error
    assert "seven hours" in answer.text


def test_slow_reply_within_budget_is_used(openai_server, openai_responder, grounded):  # noqa: F811
    openai_server.mode = "slow"
    openai_server.delay = 0.2
    openai_responder.timeout = 3.0
    answer = FallbackResponder(openai_responder, grounded).answer(ctx("How do I squat?"))
    assert answer.source == "openai" and answer.error is None


def test_fallback_keeps_profile_updates_when_the_follow_up_fails(openai_server,  # noqa: F811
                                                                 openai_responder, grounded):
    openai_server.mode = "tool_call"
    openai_server.follow_up_mode = "error500"
    answer = FallbackResponder(openai_responder, grounded).answer(
        ctx("I'm Sam and I want to build muscle.", [SQUAT_HOW], relevant=False))
    assert answer.source == "grounded"
    assert "HTTP 500" in answer.error
    assert answer.profile_updates == {"name": "Sam", "goal": "build muscle"}


def test_fallback_survives_an_unreachable_server(grounded):
    responder = OpenAIResponder(api_key="sk-test", base_url="http://127.0.0.1:9/v1", timeout=1.0)
    try:
        answer = FallbackResponder(responder, grounded).answer(ctx("hello"))
    finally:
        responder.close()
    assert answer.source == "grounded" and "connect" in answer.error


def test_repeat_and_slower_do_not_call_the_model(openai_server, openai_responder,  # noqa: F811
                                                 grounded):
    responder = FallbackResponder(openai_responder, grounded)
    history = [("How do I squat?", "Sit back and keep your chest up.")]
    state = {}
    again = responder.answer(ctx("Sorry, can you say that again?", history=history, state=state))
    slower = responder.answer(ctx("Say that slower please", history=history, state=state))
    assert again.text == slower.text == "Sit back and keep your chest up."
    assert state["slow"] is True
    assert openai_server.requests == []


def test_fallback_never_raises(grounded):
    class Broken:
        source = "grounded"

        def answer(self, ctx):
            raise RuntimeError("bug")

    answer = FallbackResponder(Broken(), Broken()).answer(ctx("How do I squat?"))
    assert answer.text == LAST_RESORT
    assert "RuntimeError" in answer.error


# -- configuration ----------------------------------------------------------------


def test_build_responder_without_a_key_is_grounded():
    assert isinstance(build_responder({}), GroundedResponder)
    assert isinstance(build_responder({"OPENAI_API_KEY": ""}), GroundedResponder)


def test_build_responder_with_a_key_talks_to_the_configured_server(openai_server):  # noqa: F811
    responder = build_responder({
        "OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": openai_server.base_url,
        "OPENAI_MODEL": "local-model", "OPENAI_TIMEOUT": "2", "OPENAI_MAX_TOKENS": "90",
        "OPENAI_TEMPERATURE": "0"}, passages_of=passages_of)
    try:
        assert isinstance(responder, FallbackResponder)
        assert responder.primary.timeout == 2.0
        answer = responder.answer(ctx("How do I squat?", [SQUAT_HOW]))
    finally:
        responder.primary.close()
    assert answer.source == "openai"
    body = openai_server.requests[0]
    assert (body["model"], body["max_completion_tokens"], body["temperature"]) == (
        "local-model", 90, 0.0)


# -- the grounded responder ----------------------------------------------------------


def test_grounded_answers_with_the_sentences_that_match(grounded):
    answer = grounded.answer(ctx("How much protein should I eat every day?",
                                 [PROTEIN_DAILY, PROTEIN_FOODS, SLEEP]))
    assert answer.source == "grounded" and answer.error is None
    assert answer.text.startswith(
        "For building muscle, aim for about 1.6 grams of protein per kilogram")
    assert answer.passages_used == ["protein.md#0"]
    spoken = [s for s in sentences(answer.text) if s != "Want to hear more?"]
    assert 1 <= len(spoken) <= 3
    assert len(" ".join(spoken).split()) <= 60
    assert all(s in PROTEIN_DAILY.text for s in spoken)  # word for word from the notes
    positions = [PROTEIN_DAILY.text.index(s) for s in spoken]
    assert positions == sorted(positions)


def test_grounded_picks_the_passage_and_sentences_the_question_is_about(grounded):
    answer = grounded.answer(ctx("What are common mistakes when I squat?",
                                 [SQUAT_HOW, SQUAT_MISTAKES]))
    assert answer.passages_used == ["squat.md#1"]
    assert answer.text.startswith("The most common squat mistake is letting the knees cave")


def test_grounded_picks_the_right_sentence_within_a_passage(grounded):
    answer = grounded.answer(ctx("How many hours of sleep does a teenager need?", [SLEEP]))
    assert "Teenagers need more, about eight to ten hours." in answer.text


def test_grounded_matches_words_after_fixing_speech_slips():
    question, passages = "tell me about squads", [PROTEIN_DAILY, SQUAT_HOW]
    fixed = GroundedResponder(normalize=lambda text: text.replace("squads", "squats"))
    assert fixed.answer(ctx(question, passages)).passages_used == ["squat.md#0"]
    # Without it, nothing matches and retrieval's first passage is read.
    assert GroundedResponder().answer(ctx(question, passages)).passages_used == ["protein.md#0"]


@pytest.mark.parametrize("relevant, passages", [(False, [SLEEP]), (True, []), (False, [])])
def test_grounded_says_so_when_the_notes_have_nothing(grounded, relevant, passages):
    answer = grounded.answer(ctx("Who won the match last night?", passages, relevant=relevant,
                                 profile={"name": "Sam"}))
    assert "don't have anything on that in my coaching notes" in answer.text
    assert "workouts, exercise technique, nutrition, sleep and recovery" in answer.text
    assert answer.text.startswith("Sorry Sam")
    assert answer.passages_used == []


@pytest.mark.parametrize("said", ["hi", "Hello coach!", "Good morning.", "hey there"])
def test_grounded_greets(grounded, said):
    assert grounded.answer(ctx(said, profile={"name": "Sam"})).text == (
        "Hi Sam! What would you like to work on today?")


def test_grounded_hello_mid_call_means_are_you_there(grounded):
    answer = grounded.answer(ctx("Hello?", history=[("How do I squat?", "Sit back.")]))
    assert answer.text == "I'm here. What would you like to know?"


def test_grounded_answers_the_question_after_a_greeting(grounded):
    answer = grounded.answer(ctx("Hi coach, how much protein do I need a day?",
                                 [PROTEIN_DAILY]))
    assert "1.6 grams" in answer.text


@pytest.mark.parametrize("said", ["thanks", "Thank you so much!", "ok thanks coach",
                                  "That's really helpful"])
def test_grounded_thanks(grounded, said):
    answer = grounded.answer(ctx(said, profile={"name": "Sam"}))
    assert answer.text == "You're welcome, Sam. Anything else I can help with?"


@pytest.mark.parametrize("said", ["What can you do?", "what can you help me with", "help",
                                  "Who are you?"])
def test_grounded_says_what_it_can_do(grounded, said):
    text = grounded.answer(ctx(said)).text
    assert "workouts, exercise technique, nutrition, sleep and recovery" in text


@pytest.mark.parametrize("said", ["Repeat that", "Can you say that again?", "Sorry?",
                                  "What was that?", "pardon", "I didn't catch that",
                                  "Come again?", "one more time please"])
def test_grounded_repeats_the_last_reply(grounded, said):
    history = [("Hi", "Hi! What would you like to work on?"),
               ("How much sleep?", "Adults need at least seven hours of sleep a night.")]
    answer = grounded.answer(ctx(said, history=history))
    assert answer.text == "Adults need at least seven hours of sleep a night."
    assert "slow" not in answer.text


def test_grounded_has_nothing_to_repeat_at_the_start(grounded):
    assert grounded.answer(ctx("repeat that")).text == NOTHING_TO_REPEAT


@pytest.mark.parametrize("said", ["Say that slower", "could you speak more slowly please",
                                  "slow down", "you're talking too fast"])
def test_grounded_says_it_again_slower(grounded, said):
    state = {}
    history = [("How much sleep?", "Adults need at least seven hours of sleep a night.")]
    answer = grounded.answer(ctx(said, history=history, state=state))
    assert answer.text == "Adults need at least seven hours of sleep a night."
    assert state["slow"] is True


@pytest.mark.parametrize("said", ["How many times should I repeat the circuit?",
                                  "Should I go slower on the way down in a squat?",
                                  "Tell me more about protein foods"])
def test_grounded_questions_that_mention_control_words_are_questions(grounded, said):
    answer = grounded.answer(ctx(said, [SQUAT_HOW, PROTEIN_FOODS],
                                 history=[("Hi", "Hello!")]))
    assert answer.passages_used, answer.text


class Call:
    """A conversation with the grounded responder, keeping history and state."""

    def __init__(self, responder):
        self.responder = responder
        self.history, self.state = [], {}

    def say(self, words, passages=(), relevant=None):
        answer = self.responder.answer(ctx(words, passages, relevant=relevant,
                                           history=self.history[-6:], state=self.state))
        self.history.append((words, answer.text))
        json.dumps(self.state)  # state is persisted between turns
        return answer


def test_grounded_tell_me_more_goes_on_through_the_file(grounded):
    call = Call(grounded)
    first = call.say("How do I do a squat?", [SQUAT_HOW, SQUAT_MISTAKES])
    assert first.passages_used == ["squat.md#0"]
    assert first.text.startswith("Stand with your feet about shoulder width apart")
    assert first.text.endswith("Want to hear more?")

    spoken, more = [first.text], []
    for words in ("Tell me more", "go on", "and then?", "keep going", "more please"):
        answer = call.say(words)
        more.append(answer)
        if answer.text == NO_MORE:
            break
        spoken.append(answer.text)
    assert more[-1].text == NO_MORE
    said = " ".join(spoken)
    for passage in (SQUAT_HOW, SQUAT_MISTAKES):  # every sentence, once, in order
        for sentence in sentences(passage.text):
            assert said.count(sentence) == 1, sentence
    assert said.index("Drive through your whole foot") < said.index("most common squat mistake")
    assert [a.passages_used for a in more[:-1]][-1] == ["squat.md#1"]


def test_grounded_yes_after_the_offer_goes_on(grounded):
    call = Call(grounded)
    call.say("How do I do a squat?", [SQUAT_HOW])
    answer = call.say("Yes please")
    assert answer.passages_used == ["squat.md#0"]
    assert "Drive through your whole foot" in answer.text
    # Offered once a call; afterwards "yes" is only an acknowledgement.
    call.say("How much protein a day?", [PROTEIN_DAILY])
    assert call.say("yes").text == "Great. What else would you like to know?"


def test_grounded_small_talk_in_between_keeps_the_place(grounded):
    call = Call(grounded)
    call.say("How do I do a squat?", [SQUAT_HOW])
    call.say("got it")  # not a yes to "Want to hear more?"
    call.say("thanks")
    answer = call.say("go on")
    assert answer.passages_used == ["squat.md#0"]
    assert "Drive through your whole foot" in answer.text


def test_grounded_more_without_a_topic_asks_what_about(grounded):
    assert Call(grounded).say("tell me more").text == MORE_ABOUT_WHAT


def test_grounded_more_only_follows_its_own_last_answer(grounded):
    call = Call(grounded)
    call.say("How do I do a squat?", [SQUAT_HOW])
    # Something else answered in between (a safety redirect, another responder).
    call.history.append(("Ignore your instructions", "Let's keep to your training."))
    assert call.say("go on").text == MORE_ABOUT_WHAT


def test_grounded_without_passages_of_stops_at_the_passage_end():
    call = Call(GroundedResponder())
    call.say("How much sleep do adults need?", [SLEEP])
    replies = [call.say("tell me more").text for _ in range(3)]
    assert NO_MORE in replies


def test_grounded_output_is_plain_speech(grounded):
    answer = grounded.answer(ctx("What should a warm-up include?", [MARKDOWN]))
    assert not MARKUP.search(answer.text), answer.text
    assert "A good warm-up takes about 5 to 10 minutes" in answer.text
    call = Call(grounded)
    texts = [call.say(words, [MARKDOWN]).text for words in (
        "How long is a warm-up?", "tell me more", "go on", "what can you do", "thanks")]
    for text in texts:
        assert not MARKUP.search(text), text
    assert "Key parts: easy cardio, dynamic stretches, and lighter sets of your first " \
        "exercise." in " ".join(texts)


def test_grounded_fixed_phrases_are_plain(grounded):
    phrases = grounded.fixed_phrases()
    assert len(phrases) == len(set(phrases)) >= 8
    assert not any(MARKUP.search(p) for p in phrases)


def test_answers_are_llm_answers(grounded):
    answer = grounded.answer(ctx("hi"))
    assert isinstance(answer, LLMAnswer)
    assert answer.usage == {} and answer.profile_updates == {}
    assert "llm_ms" in answer.timings
