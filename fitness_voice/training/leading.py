"""Guided workouts over the phone: start, lead step by step, adapt, log, resume.

Pure conversation logic: the plan comes from planner.py, the training log
arrives as plain data in CallerInfo.training, and every write to the log goes
out as an effect on the Reply (training.log stores it with the turn). What the
caller says is read by commands.py, what the coach says is put together by
prompts.py, and the call's state is touched only through state.py. Questions
about which exercises to do are answered from the library by advice.py.
"""

import time
import uuid
from dataclasses import replace

from ..contract import Reply, spoken
from ..text.speakable import for_speech
from . import advice, planner, week
from . import state as call_state
from .commands import NO, YES, effort_of, pain_in, phrases
from .prompts import WorkoutLines
from .requests import as_list, normalize_limitations, parse_request
from .selection import is_allowed

MAX_WORKOUT_SILENCES = 6
# An answer to "want me to take you through them?" longer than this is a new question.
MAX_ACCEPT_WORDS = 6


class WorkoutCoach:
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

    # -- which exercises to do ---------------------------------------------

    def suggest(self, turn, text):
        """Two or three library exercises for an exercise-choice question ("what can I
        do for abs without equipment"), why they fit, and an offer to lead them; None
        when the line is not such a question."""
        question = advice.read_question(text, turn.caller.profile, self.exercises)
        if question is None:
            return None
        picks = advice.choose(self.exercises, question)
        rounds = None
        if question.minutes and picks and question.kind is None:
            rounds = planner.rounds_for(picks, question.minutes, question.level)
        more = advice.with_any_kit(self.exercises, question, picks) if picks else None
        said = for_speech(advice.compose(self.lines, question, picks, rounds, more))
        slugs = [ex["slug"] for ex in picks]
        if picks and question.kind is None:
            request = {**question.request, "equipment": question.equipment}
            if question.minutes:
                request["minutes"] = question.minutes
            call_state.offer_session(turn.state, {"request": request, "chosen": slugs,
                                                  "position": question.position})
        return Reply(said, kind="exercise-choice", details={"exercises": slugs})

    def withdraw_offer(self, state):
        """Forget an offer to lead suggested moves (another answer was given instead)."""
        call_state.withdraw_session_offer(state)

    def _accepts(self, text):
        words = text.split()
        return (len(words) <= MAX_ACCEPT_WORDS and "?" not in text
                and self.phrases.accept_offer.search(text.strip()) is not None)

    def _answer_session_offer(self, turn, text, offer):
        """The answer to "want me to take you through them?": yes leads those moves;
        a start request with no other focus does too; anything else is not ours."""
        starting = self.phrases.intent("start", text)
        if not (self._accepts(text) or starting and parse_request(text)["focus"] is None):
            if NO.match(text) and len(text.split()) <= 3:
                return Reply(self.lines["offer_declined"], kind="exercise-choice-declined")
            about = self._about_suggested(text, offer)
            if about is not None:  # still about those moves: the offer stands
                call_state.offer_session(turn.state, offer)
            return about
        position = offer.get("position")
        plan = planner.plan_session(
            self.exercises, **offer["request"], chosen=offer.get("chosen") or (),
            suits=(lambda ex: advice.suits_position(ex, position)) if position else None)
        return self._begin(turn, plan)

    def _about_suggested(self, text, offer):
        """A follow-up about the moves just suggested: how to do one, whether they
        need equipment, how to make them harder or easier; None for anything else."""
        picks = [self.by_slug[slug] for slug in offer.get("chosen") or () if slug in self.by_slug]
        if not picks:
            return None
        request = offer.get("request") or {}
        command = self.phrases.command(text)
        if command == "how":
            named = advice.named_among(text, picks) or picks[:1]
            exercise = named[0]
            said = self.lines.say("how", exercise=exercise["title"].lower(),
                                  cues=" ".join(as_list(exercise.get("cues"))[:2]))
        elif advice.asks_about_kit(text):
            said = self._kit_answer(picks)
        elif command in ("harder", "easier"):
            direction = "harder" if command == "harder" else "easier"
            found = advice.variations(advice.named_among(text, picks) or picks, self.by_slug,
                                      direction, request.get("limitations") or (),
                                      request.get("equipment") or ())
            if found:
                said = self.lines.say(f"variations_{direction}", moves=self.lines.listed(
                    [advice.spoken_name(ex) for ex in found]))
            else:
                said = self.lines[f"variations_none_{direction}"]
        else:
            return None
        offer_line = "offer_session" if len(picks) > 1 else "offer_session_one"
        said = said[:1].upper() + said[1:]
        return Reply(for_speech(f"{said} {self.lines[offer_line]}"),
                     kind="exercise-choice-follow-up", details={"exercises": offer["chosen"]})

    def _kit_answer(self, picks):
        free = [ex for ex in picks if not as_list(ex.get("equipment"))]
        kitted = [ex for ex in picks if ex not in free]
        names = self.lines.listed
        if not kitted:
            return self.lines.say("at_home_yes", moves=names([advice.spoken_name(ex)
                                                               for ex in free]))
        kit = names(list(dict.fromkeys(item for ex in kitted
                                       for item in as_list(ex.get("equipment")))))
        moves = names([advice.spoken_name(ex) for ex in kitted])
        if not free:
            return self.lines.say("at_home_none", moves=moves, equipment=kit)
        return self.lines.say("at_home_some", free=names([advice.spoken_name(ex)
                                                          for ex in free]),
                              moves=moves, equipment=kit)

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
        ended = _ended(offer, "abandoned")
        if starting:
            reply = self.start(turn, text)
            reply.effects.insert(0, ended)
            return reply
        return Reply(self.lines["resume_declined"], kind="workout-resume-declined",
                     effects=[ended])

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
        return [_ended(workout, "red-flag"), *cut_short]

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
        return self._announce(state, prefix=[lead], kind=f"workout-{direction}",
                              effects=[_replanned(workout)])

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
            effects.append(_replanned(workout))
        return self._advance(state, prefix=[self.lines.rated(effort, change)], effects=effects)

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
        effects.append(_replanned(workout))
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
        return Reply(said, kind="workout-stop", effects=[*effects, _ended(workout, "pain")],
                     details={"pain": True})

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
        return week.plan_reply(self.lines, turn.caller.profile, self.profile_facts(text), text)

    def today(self, turn):
        return week.today_reply(self.lines, turn.caller.training)

    def last_time(self, turn):
        return week.last_time_reply(self.lines, turn.caller.training)


def _ended(workout, status):
    return {"type": "workout_ended", "key": workout["key"], "status": status}


def _replanned(workout):
    """The plan as it now stands, for the log (names, resuming)."""
    return {"type": "workout_replanned", "key": workout["key"], "plan": workout["plan"]}
