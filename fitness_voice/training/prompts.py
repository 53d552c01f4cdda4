"""What the workout coach says, put together from the language's catalogue
(lang/<code>/lines/training.yaml): the plan's overview, each step, the countdown
of a timed hold, and the answers to the caller's commands.
"""

import functools

from .. import lang
from ..text.speakable import for_speech

# Said the same way in every workout, so rendered ahead of calls.
FIXED = ("effort_question", "paused", "waiting", "still_here", "and_rest", "five_more_seconds",
         "switch_sides", "skipping")
REMINDERS = {"paused": "remind_paused", "effort": "remind_effort"}


class WorkoutLines:
    """The training lines of one catalogue, by their key in lines/training.yaml."""

    def __init__(self, catalogue=None):
        self.catalogue = catalogue or lang.catalogue()

    def __getitem__(self, key):
        return self.catalogue[f"training.{key}"]

    def say(self, key, **fields):
        return self.catalogue.say(f"training.{key}", **fields)

    def fixed_phrases(self):
        return [self[key] for key in FIXED]

    def listed(self, items):
        """"a", "a and b", "a, b and c"."""
        if len(items) == 1:
            return items[0]
        return self.say("both", first=", ".join(items[:-1]), last=items[-1])

    def all_of(self, items):
        """"a", "a and b", "a and b and c"."""
        return functools.reduce(lambda first, last: self.say("both", first=first, last=last),
                                items)

    # -- the plan ------------------------------------------------------------

    def overview(self, plan):
        moves = list(dict.fromkeys(s.title.lower() for s in plan.steps if s.block == "main"))
        limits = (self.say("overview_limits", limitations=self.all_of(plan.avoided))
                  if plan.avoided else "")
        fields = {"minutes": plan.minutes, "focus": plan.focus, "limits": limits,
                  "moves": self.listed(moves)}
        if not plan.equipment:
            return self.say("overview_no_equipment", **fields)
        return self.say("overview", equipment=", ".join(plan.equipment), **fields)

    def resume_offer(self, plan, position):
        return self.say("resume_offer", focus=plan.focus, exercise=plan.steps[position].title)

    def finished(self, plan, missed=0):
        """The end of the session, counting the main sets not skipped or stopped."""
        main_sets = sum(1 for step in plan.steps if step.block == "main") - missed
        if main_sets <= 0:
            return for_speech(self.say("finished_no_sets", minutes=plan.minutes))
        return for_speech(self.say("finished", sets=main_sets, minutes=plan.minutes))

    def sets(self, count):
        """"one set", "three sets"."""
        return self.say("sets_one") if count == 1 else self.say("sets_many", sets=count)

    # -- a step ----------------------------------------------------------------

    def step(self, step):
        """The words and silences (seconds) that lead `step`: a set the caller says
        done after, or a timed hold counted down."""
        intro, cues = self._intro(step), " ".join(step.cues[:2])
        if not step.seconds:
            return [self.say("set_prompt", intro=intro, cues=cues)]
        hold = step.seconds
        if step.per_side:
            return [self.say("timed_prompt_each_side", intro=intro, cues=cues),
                    max(hold - 1, 1), self["switch_sides"], *self._countdown(hold)]
        return [self.say("timed_prompt", intro=intro, cues=cues), *self._countdown(hold)]

    def _intro(self, step):
        amount = self._amount(step)
        if step.block == "warmup":
            return self.say("warmup_step", exercise=step.title, amount=amount)
        if step.block == "cooldown":
            return self.say("cooldown_step", exercise=step.title, amount=amount)
        return self.say("main_step", exercise=step.title, set=step.set_number, sets=step.sets,
                        amount=amount)

    def _amount(self, step):
        key = "seconds" if step.seconds else "reps"
        if step.per_side:
            key += "_each_side"
        return self.say(key, seconds=step.seconds, reps=step.reps)

    def _countdown(self, seconds):
        if seconds <= 8:
            return [seconds, self["and_rest"]]
        return [seconds - 5, self["five_more_seconds"], 5, self["and_rest"]]

    def rest(self, seconds):
        return for_speech(self.say("rest", seconds=seconds))

    def rated(self, effort, change=None):
        """Feedback on a rating; `change` is "lighter" or "heavier" when the next set is."""
        return self.say(f"rated_{change}" if change else "rated", effort=effort)

    # -- answers to commands ---------------------------------------------------

    def reminder(self, phase):
        """What the caller is expected to say next, in this phase of the workout."""
        return self[REMINDERS.get(phase, "remind_set")]

    def how(self, step, mistakes, reminder):
        text = self.say("how", exercise=step.title, cues=" ".join(step.cues[:3]))
        if mistakes:
            text += " " + self.say("watch_out", mistake=mistakes[0])
        return f"{text} {reminder}"

    def left(self, position, steps, minutes, reminder):
        key = "left_one_minute" if minutes == 1 else "left"
        return for_speech(f"{self.say(key, step=position + 1, steps=steps, minutes=minutes)} "
                          f"{reminder}")

    def stopped(self, sets_done):
        if sets_done <= 0:  # nothing done: no "zero sets, nice work"
            return self["stopped_no_sets"]
        key = "stopped_one_set" if sets_done == 1 else "stopped"
        return for_speech(self.say(key, sets=sets_done))

    def caution(self, injury, alternative):
        if alternative is None:
            return self.say("caution", injury=injury)
        return self.say("caution_instead", injury=injury, exercise=alternative["title"].lower())
