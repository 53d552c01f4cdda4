"""Guided workouts over the phone: start, lead step by step, adapt, log, resume.

Pure conversation logic: the plan comes from planner.py, the training log
arrives as plain data in CallerInfo.training, and every write to the log goes
out as an effect on the Reply (training.log stores it with the turn). What the
caller says is read by commands.py, what the coach says is put together by
prompts.py, and the call's state is touched only through state.py.
"""

import uuid
from dataclasses import replace

from ..contract import Reply, spoken
from ..text.speakable import for_speech
from . import planner, week
from . import state as call_state
from .commands import NO, YES, effort_of, phrases
from .prompts import WorkoutLines
from .requests import normalize_limitations, parse_request

MAX_WORKOUT_SILENCES = 6


class WorkoutCoach:
    def __init__(self, exercises, *, profile_facts):
        """Lead workouts from `exercises` (the exercise library's front matter).

        `profile_facts(text)` reads profile facts such as days_per_week and
        minutes_per_session from what the caller said: the dialogue's caller memory,
        passed in because training sits below the dialogue.
        """
        self.exercises = exercises
        self.by_slug = {exercise["slug"]: exercise for exercise in exercises}
        self.profile_facts = profile_facts
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
        """Training requests outside a workout: start one, plan the week, read the log."""
        if self.phrases.intent("start", text):
            return self.start(turn, text)
        if self.phrases.intent("week_plan", text):
            return self.plan_week(turn, text)
        if self.phrases.intent("today", text):
            return self.today(turn)
        if self.phrases.intent("last_time", text):
            return self.last_time(turn)
        return None

    # -- starting and resuming ----------------------------------------------

    def start(self, turn, text):
        profile = {**turn.caller.profile}
        todays = week.todays_plan(turn.caller.training)
        request = parse_request(text, profile)
        if todays and request.get("focus") is None:
            request["focus"] = todays["focus"]
            if not self.phrases.intent("says_length", text):
                request["minutes"] = todays["minutes"]
        plan = planner.plan_session(self.exercises, **request)
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
        offer = call_state.withdraw_resume_offer(turn.state)
        if offer is None:
            return None
        if YES.match(text):
            call_state.begin_workout(turn.state, offer["key"], offer["plan"], offer["position"])
            return self._announce(turn.state, prefix=[self.lines["resume_accepted"]],
                                  kind="workout-resume",
                                  effects=[{"type": "workout_resumed", "key": offer["key"]}])
        starting = self.phrases.intent("start", text)
        if not (NO.match(text) or starting):
            return None
        ended = _ended(offer, "abandoned")
        if starting:
            reply = self.start(turn, text)
            reply.effects.insert(0, ended)
            return reply
        return Reply(self.lines["resume_declined"], kind="workout-resume-declined",
                     effects=[ended])

    # -- inside a workout ---------------------------------------------------

    def handle(self, turn, text):
        """A command during the workout, or None when it is not one."""
        workout = call_state.workout(turn.state)
        workout["silences"] = 0
        command = self.phrases.command(text)
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
        workout = call_state.end_workout(state)
        if workout is None:
            return []
        return [_ended(workout, "red-flag")]

    def reminder(self, state):
        return self.lines.reminder(call_state.workout(state)["phase"])

    # -- commands -----------------------------------------------------------

    def _goodbye(self, state):
        workout = call_state.end_workout(state)
        return Reply(self.lines["goodbye"], kind="workout-stop", end_call=True,
                     effects=[_ended(workout, "stopped")])

    def _stop(self, state):
        workout = call_state.end_workout(state)
        return Reply(self.lines.stopped(workout["sets_done"]), kind="workout-stop",
                     effects=[_ended(workout, "stopped")])

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
        return self._announce(state, prefix=[lead], kind=f"workout-{direction}")

    def _skip(self, state):
        step = self._step(state)
        effects = [self._logged(state, step, "skipped")]
        return self._advance(state, prefix=[self.lines["skipping"]], effects=effects,
                             rest=False)

    def _repeat(self, state):
        call_state.workout(state)["phase"] = "set"
        return self._announce(state, kind="workout-repeat")

    def _done(self, state):
        workout = call_state.workout(state)
        if workout["phase"] == "paused":
            workout["phase"] = "set"
            return self._announce(state, prefix=[self.lines["welcome_back"]],
                                  kind="workout-resume")
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
        effects.append(_ended(workout, "completed"))
        return spoken(*prefix, self.lines.finished(plan), kind="workout-complete",
                      effects=effects)

    def _announce(self, state, prefix=(), kind="workout-step", effects=None):
        step = self._step(state)
        call_state.workout(state)["phase"] = "timed" if step.seconds else "set"
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

    # -- a question about an exercise ----------------------------------------

    def caution(self, injury, files):
        """A word of care when the exercise being discussed is one the caller's
        injury rules out, with a gentler alternative when the library has one."""
        for limitation in normalize_limitations(injury):
            for file in files:
                exercise = self.by_slug.get(file.removeprefix("exercises/").removesuffix(".md"))
                if not exercise or limitation not in (exercise.get("avoid_with") or []):
                    continue
                return self.lines.caution(injury, self._gentler(exercise, limitation))
        return None

    def _gentler(self, exercise, limitation):
        seen = set()
        while exercise.get("easier") and exercise["easier"] not in seen:
            seen.add(exercise["easier"])
            exercise = self.by_slug.get(exercise["easier"], {})
            if exercise and limitation not in (exercise.get("avoid_with") or []):
                return exercise
        return None

    # -- the week and the log ---------------------------------------------

    def plan_week(self, turn, text):
        return week.plan_reply(self.lines, turn.caller.profile, self.profile_facts(text))

    def today(self, turn):
        return week.today_reply(self.lines, turn.caller.training)

    def last_time(self, turn):
        return week.last_time_reply(self.lines, turn.caller.training)


def _ended(workout, status):
    return {"type": "workout_ended", "key": workout["key"], "status": status}
