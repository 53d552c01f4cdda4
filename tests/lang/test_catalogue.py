"""The language catalogue: lines by key, validated when loaded."""

import pytest

from fitness_voice import lang


@pytest.fixture
def language_root(tmp_path, monkeypatch):
    """A throwaway language tree; the real one is checked by the tests below it."""
    monkeypatch.setattr(lang, "LANG_ROOT", tmp_path)
    lang._catalogue.cache_clear()
    lang._data.cache_clear()
    yield tmp_path
    lang._catalogue.cache_clear()
    lang._data.cache_clear()


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_lines_are_looked_up_by_concern_and_key(language_root):
    write(language_root, "xx/lines/calls.yaml",
          "hello: Hello, {name}.\nreprompts:\n  - Are you there?\n  - Still there?\n")
    lines = lang.catalogue("xx")
    assert lines.say("calls.hello", name="Sam") == "Hello, Sam."
    assert lines.choices("calls.reprompts") == ("Are you there?", "Still there?")
    assert lines.choices("calls.hello") == ("Hello, {name}.",)
    assert "calls.hello" in lines and "calls.nope" not in lines


def test_fixed_phrases_leave_out_lines_with_placeholders(language_root):
    write(language_root, "xx/lines/calls.yaml",
          "hello: Hello, {name}.\nbye: Goodbye!\nmore:\n  - One.\n  - Two {n}.\n")
    assert lang.catalogue("xx").fixed_phrases() == ["Goodbye!", "One."]


def test_a_missing_key_names_the_language_and_key(language_root):
    write(language_root, "xx/lines/calls.yaml", "bye: Goodbye!\n")
    with pytest.raises(lang.LanguageDataError, match="xx: no line 'calls.hi'"):
        lang.catalogue("xx")["calls.hi"]


@pytest.mark.parametrize("text, problem", [
    ("- a list\n", "mapping at the top level"),
    ("bye: [\n", "not valid YAML"),
    ("bye: 3\n", "must be a line or a list of lines"),
    ("bye: ''\n", "must be a line or a list of lines"),
    ("bye: []\n", "must be a line or a list of lines"),
    ("bye: Hello {name\n", "broken placeholder"),
])
def test_malformed_lines_are_refused_when_loaded(language_root, text, problem):
    write(language_root, "xx/lines/calls.yaml", text)
    with pytest.raises(lang.LanguageDataError, match=problem):
        lang.catalogue("xx")


def test_activate_refuses_a_language_without_a_folder(language_root):
    with pytest.raises(lang.LanguageDataError, match="no language folder"):
        lang.activate("zz")


def test_data_files_load_by_name(language_root):
    write(language_root, "xx/safety/rules.yaml", "rules: []\n")
    assert lang.data("safety/rules", "xx") == {"rules": []}
    with pytest.raises(lang.LanguageDataError, match="missing language data file"):
        lang.data("safety/nothing", "xx")


def test_the_english_catalogue_loads():
    lines = lang.catalogue("en")
    assert lines.language == "en"
    assert all(phrase.strip() for phrase in lines.fixed_phrases())


def test_templates_list_every_line_with_its_placeholders(language_root):
    write(language_root, "xx/lines/calls.yaml",
          "hello: Hello, {name}.\nbye: Goodbye!\nmore:\n  - One.\n  - Two {n}.\n")
    assert lang.catalogue("xx").templates() == ["Hello, {name}.", "Goodbye!", "One.", "Two {n}."]
