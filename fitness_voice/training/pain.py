"""The coach and pain: during a workout the exercise that hurts is swapped or
dropped, or the workout stopped; outside one, a word of care about an exercise the
caller's injury rules out.

A mixin of WorkoutCoach (leading.py), which gives it its exercises and lines, and
the moves through the plan (``_plan``, ``_logged``, ``_finish``, ``_goodbye``).
"""

from dataclasses import replace

from ..contract import Reply
from ..text.speakable import for_speech
from . import planner
from . import state as call_state
from .effects import ended, replanned
from .requests import normalize_limitations
from .selection import is_allowed


class PainCare:
    # -- pain ----------------------------------------------------------------

    def _pain(self, state, hurting):
        """Something hurts (`hurting`: the limitations named, maybe none): the set
        under way ends for pain, the exercise is swapped for one the limitation allows
        or left out (with every later move the limitation rules out), and the
        workout waits for "ready"; with nothing left to do, it stops."""
        workout = call_state.workout(state)
        plan, position = self._plan(state), workout["position"]
        current = plan.steps[position]
        effects = [self._logged(state, current, "pain")]
        if workout["phase"] == "effort":  # the set just logged done ended in pain
            workout["sets_done"] = max(0, workout["sets_done"] - 1)
        if current.block == "main":
            workout["missed"] = workout.get("missed", 0) + 1
        avoided = normalize_limitations([*plan.avoided, *hurting])
        stand_ins, changed = {}, False
        in_session = {step.slug for step in plan.steps[position:]}

        def stand_in(step):
            if step.slug not in stand_ins:
                stand_ins[step.slug] = planner.stand_in(
                    self.exercises, step, avoided, plan.equipment, avoid=in_session,
                    repeat=step.block == "main")  # a warm-up move is not done twice
            found = stand_ins[step.slug]
            return None if found is None else replace(
                found, set_number=step.set_number, sets=step.sets, round=step.round,
                rest_seconds=step.rest_seconds, block=step.block)

        later = []
        if workout["phase"] != "effort":  # the set that hurt is done again, swapped
            instead = stand_in(current)
            if instead is not None:
                later.append(instead)
        for step in plan.steps[position + 1:]:
            exercise = self.by_slug.get(step.slug, {})
            if step.slug != current.slug and is_allowed(
                    exercise, set(plan.equipment), set(avoided), None):
                later.append(step)
                continue
            changed = changed or step.slug != current.slug
            swapped = stand_in(step)
            if swapped is not None:
                later.append(swapped)
        had_main = any(s.block == "main" for s in plan.steps[position + 1:]) or (
            current.block == "main" and workout["phase"] != "effort")
        plan.steps = plan.steps[:position + 1] + later
        plan.avoided = avoided
        workout["plan"] = plan.to_dict()
        effects.append(replanned(workout))
        injury = self.lines.all_of(hurting) if hurting else None
        if had_main and not any(s.block == "main" for s in later):
            return self._stopped_for_pain(state, injury, effects)
        workout["position"] = position + 1
        if workout["position"] >= len(plan.steps):
            return self._finish(state, [self._pain_said(current, stand_ins, injury)], effects)
        effects.append({"type": "workout_progress", "key": workout["key"],
                        "position": workout["position"]})
        workout["phase"] = "paused"
        workout["after_pain"] = True
        workout.pop("timed_at", None)
        said = [self._pain_said(current, stand_ins, injury)]
        if changed and injury:
            said.append(self.lines.say("pain_rest_changed", injury=injury))
        said.append(self.lines["pain_carry_on"])
        return Reply(for_speech(" ".join(said)), kind="workout-pain", effects=effects,
                     details={"pain": hurting})

    def _stop_in_pain(self, state, hurting, command):
        workout = call_state.workout(state)
        effects = [self._logged(state, self._step(state), "pain")]
        if workout["phase"] == "effort":
            workout["sets_done"] = max(0, workout["sets_done"] - 1)
        if command == "goodbye":
            reply = self._goodbye(state)
            reply.effects[:0] = effects
            reply.effects[-1]["status"] = "pain"
            return reply
        injury = self.lines.all_of(hurting) if hurting else None
        return self._stopped_for_pain(state, injury, effects)

    def _pain_said(self, current, stand_ins, injury):
        name = current.title.lower()
        instead = stand_ins.get(current.slug)
        suffix = "" if injury else "_unnamed"
        if instead is not None:
            return self.lines.say(f"pain_swap{suffix}", exercise=name, injury=injury,
                                  instead=instead.title.lower())
        return self.lines.say(f"pain_drop{suffix}", exercise=name, injury=injury)

    def _stopped_for_pain(self, state, injury, effects):
        workout = call_state.end_workout(state)
        sets = workout["sets_done"]
        key = "pain_stop" if sets else "pain_stop_no_sets"
        if injury is None:
            key += "_unnamed"
        said = for_speech(self.lines.say(key, injury=injury, sets=self.lines.sets(sets)))
        return Reply(said, kind="workout-stop", effects=[*effects, ended(workout, "pain")],
                     details={"pain": True})
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
