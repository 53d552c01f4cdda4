"""The prompt data: the instructions and the tool as the model gets them, checked when loaded."""

import pytest

from fitness_voice import lang
from fitness_voice.answering import PROFILE_KEYS, prompts


def test_the_instructions_are_the_coach_on_the_phone():
    prompt = prompts.system_prompt()
    assert prompt.startswith("You are a friendly, encouraging fitness coach talking to "
                             "someone on the phone.")
    assert prompt.endswith("call update_profile with just those facts, and still give your "
                           "spoken reply.")
    assert "\n\nHow to speak:\n- Reply in one to three short" in prompt


def test_the_tool_remembers_exactly_the_profile_keys():
    tool = prompts.profile_tool()
    assert tool["type"] == "function"
    function = tool["function"]
    assert function["name"] == prompts.PROFILE_TOOL_NAME == "update_profile"
    assert tuple(function["parameters"]["properties"]) == PROFILE_KEYS
    assert function["parameters"]["additionalProperties"] is False
    assert function["description"].endswith("Include only what they actually said.")


@pytest.fixture
def language_root(tmp_path, monkeypatch):
    monkeypatch.setattr(lang, "LANG_ROOT", tmp_path)
    lang._data.cache_clear()
    prompts._prompts.cache_clear()
    yield tmp_path
    lang._data.cache_clear()
    prompts._prompts.cache_clear()


GOOD = """\
system: Be a coach.
caller:
  unknown: Nothing yet.
  known: "Known: {facts}."
  labels: {name: name, goal: goal, experience: experience, injuries: injuries,
           equipment: equipment, days_per_week: days, minutes_per_session: minutes}
notes: {none: None matched., relevant: Best first., maybe: Maybe., untitled: Note}
profile_tool: {type: function, function: {name: update_profile}}
"""


@pytest.mark.parametrize("change, problem", [
    (("system: Be a coach.", "system: ''"), "`system`"),
    (("minutes_per_session: minutes", "minutes: minutes"), "missing \\['minutes_per_session'\\]"),
    (("  unknown: Nothing yet.\n", ""), "`caller`"),
    (("maybe: Maybe., ", ""), "`notes`"),
    (("name: update_profile", "name: remember"), "`profile_tool`"),
])
def test_malformed_prompts_are_refused(language_root, change, problem):
    folder = language_root / "xx" / "answering"
    folder.mkdir(parents=True)
    (folder / "prompts.yaml").write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(lang.LanguageDataError, match=problem):
        prompts._prompts("xx")


def test_wellformed_prompts_load(language_root):
    folder = language_root / "xx" / "answering"
    folder.mkdir(parents=True)
    (folder / "prompts.yaml").write_text(GOOD, encoding="utf-8")
    assert prompts._prompts("xx")["system"] == "Be a coach."
