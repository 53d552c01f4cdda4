"""The streamed OpenAI reply's first sentence, offered while the model writes the
rest, against the local Chat Completions peer (real SDK, real SSE)."""

import queue
from concurrent.futures import ThreadPoolExecutor

import pytest

from fitness_voice.answering import CoachContext, LLMError

REPLY = ("Warm up for five minutes first. Then do three sets of ten squats. "
         "Rest a minute between sets.")
FIRST = "Warm up for five minutes first."


@pytest.fixture
def streaming(openai_server, openai_responder):
    openai_server.reply_text = REPLY
    openai_responder.stream = True
    openai_responder.timeout = 10.0
    return openai_responder


def context(offer):
    return CoachContext(question="how do I start squatting", first_sentence=offer)


def test_the_first_sentence_is_offered_while_the_model_is_still_writing(openai_server,
                                                                         streaming):
    openai_server.pause_after_words = 8  # the first sentence and one word of the next
    offered = queue.Queue()
    with ThreadPoolExecutor(1) as pool:
        answering = pool.submit(streaming.answer, context(lambda s: offered.put(s) or True))
        assert offered.get(timeout=10) == FIRST
        assert not answering.done()  # the peer holds the rest back until resume
        openai_server.resume.set()
        answer = answering.result(timeout=10)
    assert answer.text == REPLY and answer.error is None
    assert offered.empty()  # offered once


@pytest.mark.parametrize("ending", ["close", "error"])
def test_a_stream_failing_after_a_spoken_first_sentence_keeps_the_whole_sentences(
        openai_server, streaming, ending):
    openai_server.mode, openai_server.cut_ending = "cut", ending
    openai_server.cut_after = 10  # "... first. Then do three sets"
    answer = streaming.answer(context(lambda sentence: True))
    assert answer.text == FIRST
    assert answer.error and answer.source == "openai"


def test_a_stream_failing_before_its_first_sentence_is_an_error(openai_server, streaming):
    openai_server.mode, openai_server.cut_after = "cut", 3
    offered = []
    with pytest.raises(LLMError, match="ended before"):
        streaming.answer(context(lambda sentence: offered.append(sentence) or True))
    assert offered == []


def test_a_first_sentence_the_call_did_not_take_does_not_keep_a_failed_reply(openai_server,
                                                                             streaming):
    openai_server.mode, openai_server.cut_after = "cut", 10
    with pytest.raises(LLMError):
        streaming.answer(context(lambda sentence: False))


def test_a_stream_that_ends_without_a_finish_reason_is_an_error(openai_server, streaming):
    openai_server.mode, openai_server.cut_after = "cut", 100  # every word, then nothing
    with pytest.raises(LLMError, match="ended before"):
        streaming.answer(context(None))


@pytest.mark.parametrize("reply", ["Warm up for five minutes first.",
                                   "I'm sorry, I can't help with that. Ask your doctor."])
def test_a_one_sentence_reply_or_a_refusal_is_not_offered(openai_server, streaming, reply):
    openai_server.reply_text = reply
    offered = []
    try:
        streaming.answer(context(lambda sentence: offered.append(sentence) or True))
    except LLMError:
        pass  # the refusal alone is unusable: the grounded answer takes over
    assert offered == []


def test_nothing_is_offered_when_the_reply_is_not_streamed(openai_server, streaming):
    streaming.stream = False
    offered = []
    assert streaming.answer(context(lambda s: offered.append(s) or True)).text == REPLY
    assert offered == []
