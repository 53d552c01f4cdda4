"""What a returning caller hears first: hello by name, then their last workout,
their goal, or just what to work on."""

from .. import lang


def hello(caller):
    lines = lang.catalogue()
    if caller.name:
        return lines.say("dialogue.welcome_back_named", name=caller.name)
    return lines["dialogue.welcome_back"]


def welcome_back(caller):
    """A returning caller's greeting: their last workout, their goal, or just hello."""
    lines = lang.catalogue()
    last = caller.training.get("last_workout")
    if last:
        rest = lines.say("dialogue.how_did_it_go", day=last["day"], focus=last["focus"])
    elif caller.profile.get("goal"):
        rest = (f"{lines.say('dialogue.how_is_the_goal', goal=caller.profile['goal'])} "
                f"{lines['dialogue.what_today']}")
    else:
        rest = lines["dialogue.what_today"]
    return f"{hello(caller)} {rest}"
