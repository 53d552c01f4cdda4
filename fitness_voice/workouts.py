"""Guided workouts over the phone: start, lead step by step, adapt, log, resume.

Pure conversation logic: the plan comes from planner.py, the training log
arrives as plain data in CallerInfo.training, and every write to the log goes
out as an effect on the Reply (training.py stores it with the turn).
"""

import re
import uuid
from dataclasses import replace

from . import memory, planner
from .contract import Reply, spoken
from .text.speakable import for_speech

START = re.compile(
    r"\b(let'?s|lets|i want to|i'?d like to|can we|start|begin|guide me through|take me through|"
    r"ready to)\b.{0,30}\b(work ?out|workout|training session|session|exercise|train)\b|"
    r"^(workout|work out) time\b|\bstart (a|my|the|today'?s) (workout|session)\b", re.IGNORECASE)
WEEK_PLAN = re.compile(r"\b(plan|schedule|program|programme) (for|of) (the|my|this|next) week\b|"
                       r"\b(weekly|week'?s) (plan|schedule|program)\b|\bplan (out )?my week\b",
                       re.IGNORECASE)
TODAY = re.compile(r"\b(what'?s|what is|what should i do for) (my |the )?(today'?s )?"
                   r"(workout|session|training|plan)( for)?( today)?\b|"
                   r"\bwhat should i (do|train) today\b", re.IGNORECASE)
LAST_TIME = re.compile(r"\bwhat did i do (last time|last session|yesterday|before)\b|"
                       r"\bmy last (workout|session)\b", re.IGNORECASE)
YES = re.compile(r"^(yes|yeah|yep|yup|sure|ok(ay)?|let'?s (do it|go)|please|go on|pick up|"
                 r"resume|continue|sounds good)\b", re.IGNORECASE)
NO = re.compile(r"^(no|nope|nah|not (now|today)|start (fresh|over|a new)|something else)\b",
                re.IGNORECASE)
EFFORT = re.compile(r"\b(10|[1-9]|one|two|three|four|five|six|seven|eight|nine|ten)\b")
EFFORT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10}

COMMANDS = (
    ("goodbye", r"^(ok(ay)? )?(bye|goodbye|good bye|hang up)\b"),
    ("stop", r"\b(stop|end|quit|cancel|finish)\b.{0,20}\b(workout|session|training|here|now|it)\b|"
             r"^stop\b|\bi want to stop\b|\bno more\b"),
    ("pause", r"\b(pause|break|breather|hold on|wait|give me a (minute|second|sec))\b"),
    ("how", r"\bhow (do|should) i (do|perform)\b|\bform\b|\btechnique\b|\bwhat do i do\b|"
            r"\bshow me how\b|\bexplain\b"),
    ("left", r"\bhow (many|much)( more)?( \w+)? (left|to go|remaining)\b|\bhow long (left|to go)\b"
             r"|\bhow many more\b"),
    ("easier", r"\b(easier|too hard|too difficult|can'?t do (this|it|that)|struggling)\b"),
    ("harder", r"\b(harder|too easy|more challenging|tougher)\b"),
    ("skip", r"\bskip\b|\bnot this one\b|\bsomething else\b"),
    ("repeat", r"\b(repeat|say (that|it) again|what was that|come again)\b"),
    ("done", r"\b(done|finished|next|ready|complete|completed|that'?s it|got it|go on|"
             r"carry on|continue|let'?s go|ok(ay)?|i'?m back)\b"),
)
MAX_WORKOUT_SILENCES = 6
EFFORT_QUESTION = "Nice work. How hard was that, from one to ten?"
PAUSED = "No problem, take a break. Say ready when you want to carry on."
WAITING = "Take your time. Say done when you've finished the set."
STILL_HERE = "I'm here when you're ready. Just say ready."
GO = "Go!"


class WorkoutCoach:
    def __init__(self, exercises):
        self.exercises = exercises
        self.by_slug = {exercise["slug"]: exercise for exercise in exercises}

    # -- what the caller asked for ----------------------------------------

    @staticmethod
    def fixed_phrases():
        return [EFFORT_QUESTION, PAUSED, WAITING, STILL_HERE, "And rest.", "Five more seconds.",
                "Switch sides.", "Okay, skipping that one."]

    @staticmethod
    def active(state):
        return "workout" in state

    def talk(self, turn, text):
        """Training requests outside a workout: start one, plan the week, read the log."""
        if START.search(text):
            return self.start(turn, text)
        if WEEK_PLAN.search(text):
            return self.plan_week(turn, text)
        if TODAY.search(text):
            return self.today(turn)
        if LAST_TIME.search(text):
            return self.last_time(turn)
        return None

    # -- starting and resuming ----------------------------------------------

    def start(self, turn, text):
        profile = {**turn.caller.profile}
        todays = _todays_plan(turn.caller.training)
        request = planner.parse_request(text, profile)
        if todays and request.get("focus") is None:
            request["focus"] = todays["focus"]
            if not re.search(r"\bminutes?|hour\b", text, re.IGNORECASE):
                request["minutes"] = todays["minutes"]
        plan = planner.plan_session(self.exercises, **request)
        key = uuid.uuid4().hex
        turn.state["workout"] = {"key": key, "plan": plan.to_dict(), "position": 0,
                                 "phase": "set", "silences": 0, "sets_done": 0}
        started = {"type": "workout_started", "key": key, "plan": plan.to_dict(),
                   "focus": plan.focus, "minutes": plan.minutes}
        overview = self._overview(plan)
        return self._announce(turn.state, prefix=[overview], kind="workout-start",
                              effects=[started])

    def offer_resume(self, caller, state):
        resumable = (caller.training or {}).get("resumable")
        if not resumable:
            return None
        plan = planner.Plan.from_dict(resumable["plan"])
        position = min(resumable["position"], len(plan.steps) - 1)
        state["offer_resume"] = resumable
        return (f"Your {plan.focus} workout got cut off at {plan.steps[position].title}. "
                "Want to pick up where you left off?")

    def answer_resume_offer(self, turn, text):
        offer = turn.state.get("offer_resume")
        if offer is None:
            return None
        if YES.match(text):
            turn.state.pop("offer_resume")
            turn.state["workout"] = {"key": offer["key"], "plan": offer["plan"],
                                     "position": offer["position"], "phase": "set",
                                     "silences": 0, "sets_done": 0}
            return self._announce(turn.state, prefix=["Great, let's pick up where we stopped."],
                                  kind="workout-resume",
                                  effects=[{"type": "workout_resumed", "key": offer["key"]}])
        if NO.match(text) or START.search(text):
            turn.state.pop("offer_resume")
            ended = {"type": "workout_ended", "key": offer["key"], "status": "abandoned"}
            if START.search(text):
                reply = self.start(turn, text)
                reply.effects.insert(0, ended)
                return reply
            return Reply("Okay, we'll leave that one. What would you like to do today?",
                         kind="workout-resume-declined", effects=[ended])
        turn.state.pop("offer_resume")
        return None

    # -- inside a workout ---------------------------------------------------

    def handle(self, turn, text):
        """A command during the workout, or None when it is not one."""
        workout = turn.state["workout"]
        workout["silences"] = 0
        command = _command(text)
        if workout["phase"] == "effort":
            effort = _effort(text)
            if effort is not None:
                return self._rated(turn.state, effort)
            if command in ("done", "skip"):  # moving on without rating the set
                return self._advance(turn.state, prefix=["Okay, moving on."])
        if command is None:
            return None
        return getattr(self, f"_{command}")(turn.state)

    def on_silence(self, turn):
        workout = turn.state["workout"]
        workout["silences"] = workout.get("silences", 0) + 1
        if workout["silences"] >= MAX_WORKOUT_SILENCES:
            turn.state.pop("workout")
            return Reply("I haven't heard from you for a while, so I'll hang up. Your workout is "
                         "saved: call back and we'll pick up where you left off.",
                         kind="workout-silence-goodbye", end_call=True)
        phase = workout["phase"]
        if phase == "timed":
            return self._done(turn.state)
        if phase == "effort":
            return self._advance(turn.state, prefix=["No problem."])
        if phase == "paused":
            return spoken(STILL_HERE, 20, kind="workout-paused")
        return spoken(WAITING, 15, kind="workout-waiting")

    def stop_for_safety(self, state):
        workout = state.pop("workout", None)
        if workout is None:
            return []
        return [{"type": "workout_ended", "key": workout["key"], "status": "red-flag"}]

    def reminder(self, state):
        phase = state["workout"]["phase"]
        if phase == "paused":
            return "Say ready when you want to carry on."
        if phase == "effort":
            return "And how hard was that set, from one to ten?"
        return "Say done when you've finished the set, or next to move on."

    # -- commands -----------------------------------------------------------

    def _goodbye(self, state):
        workout = state.pop("workout")
        return Reply("Okay, we'll stop there. Nice work today. Goodbye!", kind="workout-stop",
                     end_call=True, effects=[_ended(workout, "stopped")])

    def _stop(self, state):
        workout = state.pop("workout")
        done = workout["sets_done"]
        return Reply(for_speech(f"Okay, we'll stop here. You did {done} "
                                f"{'set' if done == 1 else 'sets'}, nice work. "
                                "Anything else I can help with?"),
                     kind="workout-stop", effects=[_ended(workout, "stopped")])

    def _pause(self, state):
        state["workout"]["phase"] = "paused"
        return Reply(PAUSED, kind="workout-pause")

    def _how(self, state):
        step = self._step(state)
        exercise = self.by_slug.get(step.slug, {})
        mistakes = exercise.get("mistakes") or []
        text = f"For {step.title}: {' '.join(step.cues[:3])}"
        if mistakes:
            text += f" Watch out for this: {mistakes[0]}"
        return Reply(f"{text} {self.reminder(state)}", kind="workout-how")

    def _left(self, state):
        plan, position = self._plan(state), state["workout"]["position"]
        remaining = plan.steps[position:]
        minutes = max(1, round(sum(planner.estimate_seconds(s) for s in remaining) / 60))
        return Reply(for_speech(
            f"This is step {position + 1} of {len(plan.steps)}, with about {minutes} "
            f"{'minute' if minutes == 1 else 'minutes'} to go. {self.reminder(state)}"),
            kind="workout-left")

    def _easier(self, state):
        return self._swap(state, "easier")

    def _harder(self, state):
        return self._swap(state, "harder")

    def _swap(self, state, direction):
        plan, position = self._plan(state), state["workout"]["position"]
        current = plan.steps[position]
        swapped = planner.swap(self.exercises, current, direction, plan.avoided, plan.equipment)
        if swapped is None:
            text = ("That's already the easiest version I have, so go at your own pace "
                    "and stop if anything hurts." if direction == "easier" else
                    "That's the hardest version I have here. Slow the movement down "
                    "to make it tougher.")
            return Reply(f"{text} {self.reminder(state)}", kind=f"workout-{direction}")
        for index in range(position, len(plan.steps)):
            if plan.steps[index].slug == current.slug:
                plan.steps[index] = replace(
                    swapped, set_number=plan.steps[index].set_number,
                    sets=plan.steps[index].sets, round=plan.steps[index].round)
        state["workout"]["plan"] = plan.to_dict()
        state["workout"]["phase"] = "set"
        lead = "Let's make it easier." if direction == "easier" else "Let's step it up."
        return self._announce(state, prefix=[lead], kind=f"workout-{direction}")

    def _skip(self, state):
        step = self._step(state)
        effects = [self._logged(state, step, "skipped")]
        return self._advance(state, prefix=["Okay, skipping that one."], effects=effects,
                             rest=False)

    def _repeat(self, state):
        state["workout"]["phase"] = "set"
        return self._announce(state, kind="workout-repeat")

    def _done(self, state):
        workout = state["workout"]
        if workout["phase"] == "paused":
            workout["phase"] = "set"
            return self._announce(state, prefix=["Welcome back."], kind="workout-resume")
        step = self._step(state)
        effects = [self._logged(state, step, "done")]
        workout["sets_done"] += 1
        if step.block == "main":
            workout["phase"] = "effort"
            return Reply(EFFORT_QUESTION, kind="workout-effort", effects=effects)
        return self._advance(state, prefix=[], effects=effects, rest=False)

    def _rated(self, state, effort):
        workout = state["workout"]
        plan, position = self._plan(state), workout["position"]
        step = plan.steps[position]
        effects = [{"type": "set_effort", "key": workout["key"], "step_index": position,
                    "effort": effort}]
        feedback = f"Got it, {effort}."
        for index in range(position + 1, len(plan.steps)):
            if plan.steps[index].slug == step.slug:
                adjusted = planner.adjust_for_effort(plan.steps[index], effort)
                if adjusted != plan.steps[index]:
                    feedback += (" That was tough, so I'll make the next set a little lighter."
                                 if effort >= 9 else
                                 " That felt easy, so I'll add a bit to the next set.")
                plan.steps[index] = adjusted
                break
        workout["plan"] = plan.to_dict()
        return self._advance(state, prefix=[feedback], effects=effects)

    # -- moving through the plan ------------------------------------------

    def _advance(self, state, prefix, effects=None, rest=True):
        workout = state["workout"]
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
            segments += [for_speech(f"Rest for {step.rest_seconds} seconds."), step.rest_seconds]
        return self._announce(state, prefix=segments, kind="workout-step", effects=effects)

    def _finish(self, state, prefix, effects):
        workout = state.pop("workout")
        plan = planner.Plan.from_dict(workout["plan"])
        effects.append(_ended(workout, "completed"))
        main_sets = sum(1 for step in plan.steps if step.block == "main")
        text = for_speech(f"That's the whole session: {main_sets} sets, with a warm-up and a "
                          f"stretch, in about {plan.minutes} minutes. Great work! Drink some "
                          "water, and call me any time.")
        return spoken(*prefix, text, kind="workout-complete", effects=effects)

    def _announce(self, state, prefix=(), kind="workout-step", effects=None):
        workout = state["workout"]
        step = self._step(state)
        amount = _amount(step)
        if step.block == "warmup":
            intro = f"Warm-up: {step.title}, {amount}."
        elif step.block == "cooldown":
            intro = f"Stretch: {step.title}, {amount}."
        else:
            intro = f"{step.title}, set {step.set_number} of {step.sets}: {amount}."
        cue = " ".join(step.cues[:2])
        if step.seconds:
            workout["phase"] = "timed"
            segments = _timed(f"{intro} {cue}", step)
        else:
            workout["phase"] = "set"
            segments = [f"{intro} {cue} Say done when you finish."]
        segments = [for_speech(s) if isinstance(s, str) else s for s in [*prefix, *segments]]
        return spoken(*segments, kind=kind, effects=list(effects or []))

    def _overview(self, plan):
        main = list(dict.fromkeys(s.title.lower() for s in plan.steps if s.block == "main"))
        names = main[0] if len(main) == 1 else ", ".join(main[:-1]) + " and " + main[-1]
        limits = f", easy on your {' and '.join(plan.avoided)}" if plan.avoided else ""
        kit = "with no equipment" if not plan.equipment else f"with {', '.join(plan.equipment)}"
        return (f"Here's a {plan.minutes}-minute {plan.focus} session {kit}{limits}: "
                f"a short warm-up, then {names}, and a cool-down stretch. Say easier, harder, "
                "skip, pause or stop at any time.")

    def _logged(self, state, step, outcome):
        return {"type": "set_logged", "key": state["workout"]["key"],
                "step_index": state["workout"]["position"], "exercise": step.slug,
                "block": step.block, "set_number": step.set_number, "reps": step.reps,
                "seconds": step.seconds, "effort": None, "outcome": outcome}

    def _plan(self, state):
        return planner.Plan.from_dict(state["workout"]["plan"])

    def _step(self, state):
        return self._plan(state).steps[state["workout"]["position"]]

    def caution(self, injury, files):
        """A word of care when the exercise being discussed is one the caller's
        injury rules out, with a gentler alternative when the library has one."""
        for limitation in planner.normalize_limitations(injury):
            for file in files:
                exercise = self.by_slug.get(file.removeprefix("exercises/").removesuffix(".md"))
                if not exercise or limitation not in (exercise.get("avoid_with") or []):
                    continue
                alternative = self._gentler(exercise, limitation)
                instead = f", or try {alternative['title'].lower()} instead" if alternative else ""
                return (f"With your {injury}, go gently with this one{instead}, "
                        "and stop if it hurts.")
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
        profile = turn.caller.profile
        facts = memory.extract(text)
        days = facts.get("days_per_week") or profile.get("days_per_week") or 3
        minutes = facts.get("minutes_per_session") or profile.get("minutes_per_session") or 20
        week = planner.plan_week(int(days), int(minutes), profile.get("goal"),
                                 profile.get("experience") or "beginner")
        listed = "; ".join(f"{day['day']}, {day['focus']}" for day in week)
        text = for_speech(f"Here's your week: {listed}. About {minutes} minutes each. "
                          "I've saved it, so just ask me for today's workout.")
        return Reply(text, kind="weekly-plan", effects=[{"type": "weekly_plan", "days": week}])

    def today(self, turn):
        training = turn.caller.training or {}
        week = training.get("weekly_plan")
        if not week:
            return Reply("You don't have a weekly plan yet. Say make me a plan for the week, "
                         "or say let's work out and I'll guide you through a session now.",
                         kind="today")
        todays = _todays_plan(training)
        if todays:
            return Reply(for_speech(f"Today is {todays['focus']}, about {todays['minutes']} "
                                    "minutes. Say let's work out when you're ready."),
                         kind="today")
        upcoming = _next_planned(week, training.get("today"))
        return Reply(f"Today is a rest day in your plan. Next up is {upcoming['focus']} on "
                     f"{upcoming['day']}. A walk or some stretching is a nice extra today.",
                     kind="today")

    def last_time(self, turn):
        last = (turn.caller.training or {}).get("last_workout")
        if not last:
            return Reply("I don't have a workout logged for you yet. Say let's work out and "
                         "we'll do one together.", kind="last-time")
        moves = last["exercises"][:3]
        listed = (", ".join(moves[:-1]) + " and " + moves[-1]) if len(moves) > 1 else \
            (moves[0] if moves else "a few exercises")
        text = (f"Last time, on {last['day']}, you did a {last['minutes']}-minute "
                f"{last['focus']} session: {last['sets_done']} sets, including {listed.lower()}.")
        effort = last.get("average_effort")
        if effort:
            text += f" You rated it about {effort} out of ten."
        text += " " + _suggestion(last)
        return Reply(for_speech(text), kind="last-time")


def _suggestion(last):
    effort = last.get("average_effort")
    if last.get("status") != "completed":
        return "Next time, let's try to finish the whole session."
    if effort and effort >= 8:
        return "That was hard work, so I'd repeat the same session next time before adding more."
    if effort and effort <= 5:
        return "It felt manageable, so next time I'd make it a little longer or harder."
    return "Next time I'd suggest a different focus to balance your week."


def _todays_plan(training):
    week = (training or {}).get("weekly_plan") or []
    today = (training or {}).get("today")
    return next((day for day in week if day["day"] == today), None)


def _next_planned(week, today):
    order = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    start = order.index(today) if today in order else 0
    for offset in range(1, 8):
        day = order[(start + offset) % 7]
        for planned in week:
            if planned["day"] == day:
                return planned
    return week[0]


def _ended(workout, status):
    return {"type": "workout_ended", "key": workout["key"], "status": status}


def _amount(step):
    side = " each side" if step.per_side else ""
    if step.seconds:
        return f"{step.seconds} seconds{side}"
    return f"{step.reps} reps{side}"


def _timed(intro, step):
    """A timed hold: the words, the silence while they hold it, and a countdown."""
    hold = step.seconds
    if step.per_side:
        return [f"{intro} Start on your left side. {GO}", max(hold - 1, 1), "Switch sides.",
                *_countdown(hold)]
    return [f"{intro} {GO}", *_countdown(hold)]


def _countdown(seconds):
    if seconds <= 8:
        return [seconds, "And rest."]
    return [seconds - 5, "Five more seconds.", 5, "And rest."]


def _command(text):
    lowered = text.lower().strip()
    for name, pattern in COMMANDS:
        if re.search(pattern, lowered):
            return name
    return None


def _effort(text):
    match = EFFORT.search(text.lower())
    if match is None:
        return None
    word = match.group(1)
    value = int(word) if word.isdigit() else EFFORT_WORDS[word]
    return value if 1 <= value <= 10 else None
