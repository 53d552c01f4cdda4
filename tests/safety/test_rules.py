"""The rules file: the real one loads and is complete; a broken one is refused
with a message that names the rule and what is wrong with it."""

import re

import pytest

from fitness_voice import lang
from fitness_voice.safety import rules
from fitness_voice.safety.guards import GUARDS
from fitness_voice.safety.rules import RulesError, compile_rules, rule_set
from fitness_voice.safety.verdict import Category
from tests.safety.minimal import minimal_rules


def test_the_minimal_rules_compile():
    compiled = compile_rules(minimal_rules())
    assert [rule.reason for rule in compiled.rules][:2] == ["chest_pain", "heart_rhythm"]
    assert compiled.rules[0].pattern.pattern == r"\b(?:chest (?:pain|hurts))\b"
    assert compiled.rules[0].stop_workout and not compiled.rules[2].stop_workout
    assert compiled.rules[4].raw_text and compiled.rules[4].cues is None
    assert compiled.priority[0] is Category.RED_FLAG


def _set(path, value):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = value
    return change


def _drop(path):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        del data[last]
    return change


@pytest.mark.parametrize("change, message", [
    (_set(("extra",), {}), r"rules\.yaml: unknown key extra"),
    (_drop(("reply_check",)), r"rules\.yaml: missing reply_check"),
    (_set(("rules", 0, "paterns"), ["chest"]),
     r"rule 1: unknown key paterns \(known: category, reason, pattern, patterns"),
    (_set(("rules", 0, "category"), "red"), r"rule 1: unknown category 'red'"),
    (_set(("rules", 0, "reason"), "Chest Pain"), r"rule 1: reason must be a lowercase_name"),
    (_drop(("rules", 0, "reason")), r"rule 1: missing reason"),
    (_set(("rules", 0, "patterns"), ["chest (pain"]),
     r"rule 1 \(red_flag/chest_pain\): patterns: does not compile: missing \)"),
    (_set(("rules", 2, "unless_before"), r"\bno ($"),
     r"rule 3 \(medical/medication\): unless_before: does not compile"),
    (_set(("rules", 6, "with_text"), ["(ate"]),
     r"rule 7 \(red_flag/allergic_reaction\): with_text: does not compile"),
    (_set(("rules", 0, "pattern"), "chest"), r"rule 1 \(red_flag/chest_pain\): needs either"),
    (_drop(("rules", 0, "patterns")), r"rule 1 \(red_flag/chest_pain\): needs either"),
    (_set(("rules", 0, "patterns"), "chest"), r"rule 1 .*: patterns must be a list"),
    (_set(("rules", 4, "pattern"), ["<system>"]), r"rule 5 .*: pattern: must be a regex$"),
    (_set(("rules", 0, "patterns"), [False]), r"rule 1 .*: must be a list of strings"),
    (_set(("rules", 0, "patterns"), []), r"rule 1 .*: must be a list of strings"),
    (_set(("rules", 0, "patterns"), ["chest {NOPE}"]), r"rule 1 .*: no fragment \{NOPE\}"),
    (_set(("rules", 0, "cues"), "loose"), r"rule 1 .*: cues must be one of general, strict"),
    (_set(("rules", 0, "cues"), False), r"rule 1 .*: cues must be one of .*, not False"),
    (_set(("rules", 0, "text"), "spoken"), r"rule 1 .*: text must be one of normalised, raw"),
    (_set(("rules", 0, "stop_workout"), "yes"), r"rule 1 .*: stop_workout must be true or"),
    (_set(("rules", 0, "guard"), "nope"), r"rule 1 .*: guard 'nope' has no patterns"),
    (_set(("rules",), []), r"rules must be a list of rules"),
    (_set(("rules", 0), "chest pain"), r"rule 1: must be a mapping"),
    (_drop(("categories", "crisis")), r"categories: must list each of .* not red_flag, "
                                      r"eating_disorder"),
    (_set(("categories", "safe"), {"cues": "none"}), r"categories: must list each of"),
    (_set(("categories", "medical", "stop"), True), r"categories: medical: unknown key stop"),
    (_drop(("categories", "medical", "cues")), r"categories: medical: missing cues"),
    (_set(("categories", "medical", "cues"), "loose"), r"categories: medical: cues must be"),
    (_set(("fragments", "pain"), "x"), r"fragments: 'pain' is not a NAME in capitals"),
    (_set(("fragments", "PAIN"), "(pain"), r"fragments: PAIN: does not compile"),
    (_set(("fragments", "PAIN"), ["{PAIN}"]), r"fragments: PAIN -> PAIN refers to itself"),
    (_set(("fragments", "PAIN"), 3), r"fragments: PAIN: must be a regex or a list"),
    (_set(("fragments", "SPARE"), "x"), r"fragments: never used: SPARE"),
    (_set(("guards", "nope"), {}), r"guards: no guard 'nope' \(known: .*heart"),
    (_drop(("guards", "heart", "irregular")), r"guards: heart: missing irregular"),
    (_set(("guards", "heart", "odd"), ["x"]), r"guards: heart: unknown key odd"),
    (_drop(("cues", "fillers")), r"cues: missing fillers"),
    (_set(("cues", "modes", "general", "negation"), -1),
     r"cues: modes: general: negation must be a number of words"),
    (_set(("cues", "modes", "general", "framing"), 1), r"cues: modes: general: unknown key"),
    (_drop(("cues", "modes", "strict")), r"cues: modes: missing strict"),
    (_set(("cues", "modes", "none"), {}), r"cues: modes: none: 'none' means no cues"),
    (_set(("cues", "boundary"), ["but"]), r"cues: boundary: must be a regex$"),
    (_drop(("reply_check", "leak")), r"reply_check: missing leak"),
    (_set(("reply_check", "leaks"), ["x"]), r"reply_check: unknown key leaks"),
    (_set(("reply_check", "dose"), r"\d+ (mg"), r"reply_check: dose: does not compile"),
])
def test_a_broken_rules_file_is_refused_with_a_clear_message(change, message):
    data = minimal_rules()
    change(data)
    with pytest.raises(RulesError, match=message):
        compile_rules(data)


def test_a_broken_rules_file_stops_loading_and_names_the_file(tmp_path, monkeypatch):
    folder = tmp_path / "xx" / "safety"
    folder.mkdir(parents=True)
    (folder / "rules.yaml").write_text(
        "categories: {}\nrules: []\nfragments: {}\nguards: {}\ncues: {}\nreply_check: {}\n",
        encoding="utf-8")
    monkeypatch.setattr(lang, "LANG_ROOT", tmp_path)
    lang._data.cache_clear()
    rules._rule_set.cache_clear()
    try:
        with pytest.raises(lang.LanguageDataError, match=r"^xx/safety/rules\.yaml: cues: "):
            rule_set("xx")
    finally:
        lang._data.cache_clear()
        rules._rule_set.cache_clear()


# -- the real file ----------------------------------------------------------------

def test_the_english_rules_load_in_order():
    english = rule_set("en")
    assert len(english.rules) == 65
    assert english.priority == (Category.RED_FLAG, Category.CRISIS, Category.EATING_DISORDER,
                                Category.INJECTION, Category.MEDICAL, Category.OFF_TOPIC)
    assert {rule.guard.func for rule in english.rules if rule.guard} == {
        guard.check for guard in GUARDS.values()}
    stopping = {rule.category for rule in english.rules if rule.stop_workout}
    assert stopping == {Category.RED_FLAG, Category.CRISIS}
    assert not any(rule.end_call for rule in english.rules)


def test_every_reason_has_its_reply_line_and_every_line_is_used():
    lines = lang.catalogue("en")
    english = rule_set("en")
    reasons = {(rule.category, rule.reason) for rule in english.rules}
    needed = {f"safety.{category.value}_{reason}" for category, reason in reasons
              if category in (Category.RED_FLAG, Category.MEDICAL)}
    needed.add("safety.medical_heart_rhythm")  # a heart_rhythm match its guard calls milder
    assert all(key in lines for key in needed), sorted(k for k in needed if k not in lines)
    own = {f"safety.{key}" for key in lang.data("lines/safety", "en")}
    others = {"safety.red_flag", "safety.crisis", "safety.crisis_lifeline",
              "safety.eating_disorder", "safety.injection", "safety.off_topic",
              "safety.instead_of_diagnosis", "safety.instead_of_medication",
              "safety.instead_of_low_calorie_target", "safety.instead_of_instructions",
              "safety.medical_with_note", "safety.medical_after_note"}
    assert own == needed | others


def test_reply_lines_use_only_the_two_placeholders():
    for key, value in lang.data("lines/safety", "en").items():
        fields = set(re.findall(r"\{(\w*)\}", value))
        assert fields <= {"emergency_number", "crisis_line"}, key
