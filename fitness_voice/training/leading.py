"""Guided workouts over the phone: start, lead step by step, adapt, log, resume.

Pure conversation logic: the plan comes from planner.py, the training log
arrives as plain data in CallerInfo.training, and every write to the log goes
out as an effect on the Reply (training.log stores it with the turn). What the
caller says is read by commands.py, what the coach says is put together by
prompts.py, and the call's state is touched only through state.py. Questions
about which exercises to do, and the offer to lead the moves suggested, are the
Offers side of the coach (offers.py); pain in a workout, and care around an
injury, its PainCare side (pain.py).
"""

import time
import uuid
from dataclasses import replace

from ..contract import Reply, spoken
from ..text.speakable import for_speech
from . import planner, week
from . import state as call_state
from .commands import NO, YES, effort_of, pain_in, phrases
from .effects import ended, replanned
from .offers import MAX_ACCEPT_WORDS, Offers
from .pain import PainCare
from .prompts import WorkoutLines
from .requests import parse_request

MAX_WORKOUT_SILENCES = 6

__all__ = ["MAX_ACCEPT_WORDS", "MAX_WORKOUT_SILENCES", "WorkoutCoach"]


class WorkoutCoach(Offers, PainCare):
    def __init__(self, exercises, *, profile_facts, clock=time.time):
        """Lead workouts from `exercises` (the exercise library's front matter).

        `profile_facts(text)` reads profile facts such as days_per_week and
        minutes_per_session from what the caller said: the dialogue's caller memory,
        passed in because training sits below the dialogue. `clock()` gives seconds,
        to tell a timed hold that ran to its end from one cut short.
        """
        self.exercises = exercises
        self.by_slug = {exercise["slug"]: exercise for exercise in exercises}
        self.profile_facts = profile_facts
        self.clock = clock
        self.lines = WorkoutLines()
        self.phrases = phrases()

    # -- what the caller asked for ----------------------------------------

    @staticmethod
    def fixed_phrases():
        return WorkoutLines().fixed_phrases()

    @staticmethod
    def active(state):
        return call_state.in_workout(state)

    def talk(self, turn, text):
        """Training requests outside a workout: start one, plan the week, read the log,
        or which exercises to do."""
        if self.phrases.intent("start", text):
            return self.start(turn, text)
        if self.phrases.intent("week_plan", text):
            return self.plan_week(turn, text)
        if self.phrases.intent("today", text):
            return self.today(turn)
        if self.phrases.intent("last_time", text):
            return self.last_time(turn)
        return self.suggest(turn, text)

    # -- starting and resuming ----------------------------------------------

    def start(self, turn, text):
        profile = {**turn.caller.profile}
        todays = week.todays_plan(turn.caller.training)
        request = parse_request(text, profile)
        if todays and request.get("focus") is None:
            request["focus"] = todays["focus"]
            if not self.phrases.intent("says_length", text):
                request["minutes"] = todays["minutes"]
        return self._begin(turn, planner.plan_session(self.exercises, **request))

    def _begin(self, turn, plan):
        key = uuid.uuid4().hex
        call_state.begin_workout(turn.state, key, plan.to_dict())
        started = {"type": "workout_started", "key": key, "plan": plan.to_dict(),
                   "focus": plan.focus, "minutes": plan.minutes}
        return self._announce(turn.state, prefix=[self.lines.overview(plan)],
                              kind="workout-start", effects=[started])

    def offer_resume(self, caller, state):
        resumable = (caller.training or {}).get("resumable")
        if not resumable:
            return None
        plan = planner.Plan.from_dict(resumable["plan"])
        position = min(resumable["position"], len(plan.steps) - 1)
        call_state.offer_resume(state, resumable)
        return self.lines.resume_offer(plan, position)

    def answer_resume_offer(self, turn, text):
        """The answer to an offer: to pick up a dropped workout, or to lead the
        exercises just suggested. Either offer is withdrawn by any answer."""
        offered = call_state.withdraw_session_offer(turn.state)
        if offered is not None:
            return self._answer_session_offer(turn, text, offered)
        offer = call_state.withdraw_resume_offer(turn.state)
        if offer is None:
            return None
        if YES.match(text):
            call_state.begin_workout(turn.state, offer["key"], offer["plan"], offer["position"],
                                     sets_done=offer.get("sets_done", 0),
                                     missed=offer.get("main_missed", 0))
            return self._announce(turn.state, prefix=[self.lines["resume_accepted"]],
                                  kind="workout-resume",
                                  effects=[{"type": "workout_resumed", "key": offer["key"]}])
        starting = self.phrases.intent("start", text)
        if not (NO.match(text) or starting):
            return None
        abandoned = ended(offer, "abandoned")
        if starting:
            reply = self.start(turn, text)
            reply.effects.insert(0, abandoned)
            return reply
        return Reply(self.lines["resume_declined"], kind="workout-resume-declined",
                     effects=[abandoned])

    # -- inside a workout ---------------------------------------------------

    def handle(self, turn, text):
        """A command during the workout, or None when it is not one. Pain comes
        first: the exercise that hurts is swapped or dropped, or the workout stopped."""
        workout = call_state.workout(turn.state)
        workout["silences"] = 0
        hurting = pain_in(text, self.phrases)
        command = self.phrases.command(text)
        if hurting is not None:
            if command in ("stop", "goodbye"):  # "stop, my knee hurts": stop, and log why
                return self._stop_in_pain(turn.state, hurting, command)
            return self._pain(turn.state, hurting)
        if workout["phase"] == "effort":
            effort = effort_of(text)
            if effort is not None:
                return self._rated(turn.state, effort)
            if command in ("done", "skip"):  # moving on without rating the set
                return self._advance(turn.state, prefix=[self.lines["moving_on"]])
        if command is None:
            return None
        return getattr(self, f"_{command}")(turn.state)

    def on_silence(self, turn):
        workout = call_state.workout(turn.state)
        workout["silences"] = workout.get("silences", 0) + 1
        if workout["silences"] >= MAX_WORKOUT_SILENCES:
            call_state.end_workout(turn.state)
            return Reply(self.lines["silence_goodbye"], kind="workout-silence-goodbye",
                         end_call=True)
        phase = workout["phase"]
        if phase == "timed":
            return self._done(turn.state)
        if phase == "effort":
            return self._advance(turn.state, prefix=[self.lines["no_problem"]])
        if phase == "paused":
            return spoken(self.lines["still_here"], 20, kind="workout-paused")
        return spoken(self.lines["waiting"], 15, kind="workout-waiting")

    def stop_for_safety(self, state):
        """A red flag: the workout ends there, and so does the set under way, logged."""
        if not call_state.in_workout(state):
            return []
        cut_short = []
        if call_state.workout(state)["phase"] in ("set", "timed", "paused"):
            cut_short.append(self._logged(state, self._step(state), "red-flag"))
        workout = call_state.end_workout(state)
        return [ended(workout, "red-flag"), *cut_short]

    def reminder(self, state):
        return self.lines.reminder(call_state.workout(state)["phase"])

    # -- commands -----------------------------------------------------------

    def _goodbye(self, state):
        workout = call_state.end_workout(state)
        return Reply(self.lines["goodbye"], kind="workout-stop", end_call=True,
                     effects=[ended(workout, "stopped")])

    def _stop(self, state):
        workout = call_state.end_workout(state)
        return Reply(self.lines.stopped(workout["sets_done"]), kind="workout-stop",
                     effects=[ended(workout, "stopped")])

    def _pause(self, state):
        call_state.workout(state)["phase"] = "paused"
        return Reply(self.lines["paused"], kind="workout-pause")

    def _how(self, state):
        step = self._step(state)
        mistakes = self.by_slug.get(step.slug, {}).get("mistakes") or []
        return Reply(self.lines.how(step, mistakes, self.reminder(state)), kind="workout-how")

    def _left(self, state):
        plan, position = self._plan(state), call_state.workout(state)["position"]
        remaining = plan.steps[position:]
        minutes = max(1, round(sum(planner.estimate_seconds(s) for s in remaining) / 60))
        return Reply(self.lines.left(position, len(plan.steps), minutes, self.reminder(state)),
                     kind="workout-left")

    def _easier(self, state):
        return self._swap(state, "easier")

    def _harder(self, state):
        return self._swap(state, "harder")

    def _swap(self, state, direction):
        workout = call_state.workout(state)
        plan, position = self._plan(state), workout["position"]
        current = plan.steps[position]
        swapped = planner.swap(self.exercises, current, direction, plan.avoided, plan.equipment)
        if swapped is None:
            already = "easiest_already" if direction == "easier" else "hardest_already"
            return Reply(f"{self.lines[already]} {self.reminder(state)}",
                         kind=f"workout-{direction}")
        for index in range(position, len(plan.steps)):
            if plan.steps[index].slug == current.slug:
                plan.steps[index] = replace(
                    swapped, set_number=plan.steps[index].set_number,
                    sets=plan.steps[index].sets, round=plan.steps[index].round)
        workout["plan"] = plan.to_dict()
        workout["phase"] = "set"
        lead = self.lines["made_easier" if direction == "easier" else "made_harder"]
        return self._announce(state, prefix=[lead], kind=f"workout-{direction}",
                              effects=[replanned(workout)])

    def _skip(self, state):
        workout = call_state.workout(state)
        step = self._step(state)
        if workout["phase"] == "timed" and self._hold_is_over(workout, step):
            # The countdown ran to its end: "skip" means next, and the hold was done.
            effects = [self._logged(state, step, "done")]
            workout["sets_done"] += 1
            return self._advance(state, prefix=[self.lines["moving_on"]], effects=effects,
                                 rest=False)
        effects = [self._logged(state, step, "skipped")]
        if step.block == "main":
            workout["missed"] = workout.get("missed", 0) + 1
        return self._advance(state, prefix=[self.lines["skipping"]], effects=effects,
                             rest=False)

    def _hold_is_over(self, workout, step):
        """Whether the hold announced at workout["timed_at"] has had its time (no
        record of when: it has, as the whole countdown is one reply)."""
        started = workout.get("timed_at")
        if started is None:
            return True
        hold = (step.seconds or 0) * (2 if step.per_side else 1)
        return self.clock() - started >= hold

    def _repeat(self, state):
        call_state.workout(state)["phase"] = "set"
        return self._announce(state, kind="workout-repeat")

    def _done(self, state):
        workout = call_state.workout(state)
        if workout["phase"] == "paused":
            workout["phase"] = "set"
            back = "carry_on_gently" if workout.pop("after_pain", False) else "welcome_back"
            return self._announce(state, prefix=[self.lines[back]], kind="workout-resume")
        step = self._step(state)
        effects = [self._logged(state, step, "done")]
        workout["sets_done"] += 1
        if step.block == "main":
            workout["phase"] = "effort"
            return Reply(self.lines["effort_question"], kind="workout-effort", effects=effects)
        return self._advance(state, prefix=[], effects=effects, rest=False)

    def _rated(self, state, effort):
        workout = call_state.workout(state)
        plan, position = self._plan(state), workout["position"]
        step = plan.steps[position]
        effects = [{"type": "set_effort", "key": workout["key"], "step_index": position,
                    "effort": effort}]
        change = None
        for index in range(position + 1, len(plan.steps)):
            if plan.steps[index].slug == step.slug:
                adjusted = planner.adjust_for_effort(plan.steps[index], effort)
                if adjusted != plan.steps[index]:
                    change = "lighter" if effort >= 9 else "heavier"
                plan.steps[index] = adjusted
                break
        workout["plan"] = plan.to_dict()
        if change:
            effects.append(replanned(workout))
        return self._advance(state, prefix=[self.lines.rated(effort, change)], effects=effects)

    # -- moving through the plan ------------------------------------------

    def _advance(self, state, prefix, effects=None, rest=True):
        workout = call_state.workout(state)
        plan = self._plan(state)
        step = plan.steps[workout["position"]]
        workout["position"] += 1
        effects = list(effects or [])
        if workout["position"] >= len(plan.steps):
            return self._finish(state, prefix, effects)
        effects.append({"type": "workout_progress", "key": workout["key"],
                        "position": workout["position"]})
        workout["phase"] = "set"
        segments = list(prefix)
        if rest and step.rest_seconds:
            segments += [self.lines.rest(step.rest_seconds), step.rest_seconds]
        return self._announce(state, prefix=segments, kind="workout-step", effects=effects)

    def _finish(self, state, prefix, effects):
        workout = call_state.end_workout(state)
        plan = planner.Plan.from_dict(workout["plan"])
        effects.append(ended(workout, "completed"))
        return spoken(*prefix, self.lines.finished(plan, workout.get("missed", 0)),
                      kind="workout-complete", effects=effects)

    def _announce(self, state, prefix=(), kind="workout-step", effects=None):
        step = self._step(state)
        workout = call_state.workout(state)
        workout["phase"] = "timed" if step.seconds else "set"
        if step.seconds:
            workout["timed_at"] = self.clock()
        else:
            workout.pop("timed_at", None)
        segments = [*prefix, *self.lines.step(step)]
        segments = [for_speech(s) if isinstance(s, str) else s for s in segments]
        return spoken(*segments, kind=kind, effects=list(effects or []))

    def _logged(self, state, step, outcome):
        workout = call_state.workout(state)
        return {"type": "set_logged", "key": workout["key"], "step_index": workout["position"],
                "exercise": step.slug, "block": step.block, "set_number": step.set_number,
                "reps": step.reps, "seconds": step.seconds, "effort": None, "outcome": outcome}

    def _plan(self, state):
        return planner.Plan.from_dict(call_state.workout(state)["plan"])

    def _step(self, state):
        return self._plan(state).steps[call_state.workout(state)["position"]]

    # -- the week and the log ---------------------------------------------

    def plan_week(self, turn, text):
        return week.plan_reply(self.lines, turn.caller.profile, self.profile_facts(text), text)

    def today(self, turn):
        return week.today_reply(self.lines, turn.caller.training)

    def last_time(self, turn):
        return week.last_time_reply(self.lines, turn.caller.training)

