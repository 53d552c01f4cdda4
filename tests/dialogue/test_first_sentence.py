"""A long grounded answer offers its first sentence to the call, which may speak it
before the rest is rendered; the reply keeps the whole text and says how it splits."""

from tests.dialogue.conftest import turn


def asked(coach, line, take=True):
    offered = []
    said = turn(line)
    said.first_words = lambda sentence: offered.append(sentence) or take
    return coach.respond(said), offered


def test_a_long_grounded_answer_is_split_after_its_first_sentence(coach):
    reply, offered = asked(coach, "how much protein do I need")
    assert reply.details["source"] == "grounded"
    assert len(offered) == 1 and reply.segments[0] == offered[0]
    first, rest = reply.segments
    assert reply.text == f"{first} {rest}" and reply.details["first_sentence_spoken"]


def test_a_first_sentence_the_call_does_not_take_leaves_the_reply_whole(coach):
    reply, offered = asked(coach, "how much protein do I need", take=False)
    assert len(offered) == 1
    assert reply.segments is None and "first_sentence_spoken" not in reply.details


def test_without_a_way_to_speak_early_nothing_is_offered(coach):
    reply = coach.respond(turn("how much protein do I need"))
    assert reply.segments is None


def test_other_stages_never_offer_a_first_sentence(coach):
    reply, offered = asked(coach, "thanks")
    assert offered == [] and reply.segments is None
