"""The coach's side of exercise-choice questions: two or three library exercises
suggested (read, chosen and said by questions.py, choosing.py and suggestions.py),
follow-ups about them, and the offer to lead them.

A mixin of WorkoutCoach (leading.py), which gives it its exercises, lines and
phrases, and ``_begin`` to start the session.
"""

import re

from ..contract import Reply
from ..text.speakable import for_speech
from . import planner
from . import state as call_state
from .choosing import choose, suits_position, variations, with_any_kit
from .commands import NO
from .questions import asks_about_kit, asks_dose, asks_rounds, named_among, read_question
from .requests import as_list, parse_request
from .suggestions import compose, spoken_name

# "Something for this", "exercises that help with it": what the last line was about.
POINTS_BACK = re.compile(r"\b(?:for|with|help|helps|fix|fixes|ease) (?:this|that|it|them|those)\b")
# An answer to "want me to take you through them?" longer than this is a new question.
MAX_ACCEPT_WORDS = 6


class Offers:
    # -- which exercises to do ---------------------------------------------

    def suggest(self, turn, text):
        """Two or three library exercises for an exercise-choice question ("what can I
        do for abs without equipment"), why they fit, and an offer to lead them; None
        when the line is not such a question."""
        question = read_question(text, turn.caller.profile, self.exercises)
        if question is None:
            return None
        if question.target is None and POINTS_BACK.search(text.lower()) and turn.history:
            # "is there an exercise for this", after "my neck and shoulders get tight".
            question = self._earlier_target(turn) or question
        picks = choose(self.exercises, question)
        rounds = None
        if question.minutes and picks and question.kind is None:
            rounds = planner.rounds_for(picks, question.minutes, question.level)
        more = with_any_kit(self.exercises, question, picks) if picks else None
        said = for_speech(compose(self.lines, question, picks, rounds, more))
        slugs = [ex["slug"] for ex in picks]
        if picks and question.kind is None:
            request = {**question.request, "equipment": question.equipment}
            if question.minutes:
                request["minutes"] = question.minutes
            call_state.offer_session(turn.state, {"request": request, "chosen": slugs,
                                                  "position": question.position})
        return Reply(said, kind="exercise-choice", details={"exercises": slugs})

    def _earlier_target(self, turn, lookback=3):
        """The exercise-choice question the caller's last lines make, if one names a
        body part, an activity or a position."""
        for said, _reply in reversed(list(turn.history)[-lookback:]):
            earlier = read_question(f"what exercises for {said or ''}", turn.caller.profile,
                                    self.exercises)
            if earlier is not None and (earlier.target or earlier.position):
                return earlier
        return None

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
            suits=(lambda ex: suits_position(ex, position)) if position else None)
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
            named = named_among(text, picks) or picks[:1]
            exercise = named[0]
            said = self.lines.say("how", exercise=exercise["title"].lower(),
                                  cues=" ".join(as_list(exercise.get("cues"))[:2]))
        elif asks_about_kit(text):
            said = self._kit_answer(picks)
        elif asks_dose(text):
            said = self._dose_answer(named_among(text, picks) or picks,
                                     rounds=asks_rounds(text))
        elif command in ("harder", "easier"):
            direction = "harder" if command == "harder" else "easier"
            found = variations(named_among(text, picks) or picks, self.by_slug,
                                      direction, request.get("limitations") or (),
                                      request.get("equipment") or ())
            if found:
                said = self.lines.say(f"variations_{direction}", moves=self.lines.listed(
                    [spoken_name(ex) for ex in found]))
            else:
                said = self.lines[f"variations_none_{direction}"]
        else:
            return None
        offer_line = "offer_session" if len(picks) > 1 else "offer_session_one"
        said = said[:1].upper() + said[1:]
        return Reply(for_speech(f"{said} {self.lines[offer_line]}"),
                     kind="exercise-choice-follow-up", details={"exercises": offer["chosen"]})

    def _dose_answer(self, picks, rounds=False):
        """ "Do three sets of twelve glute bridges and ...": each move's sets and reps
        (or seconds) from the library; asked for rounds, the moves as one circuit."""
        if rounds:
            count = max(ex.get("default_sets") or 1 for ex in picks)
            moves = [self.lines.say("round_move", amount=ex.get("default_reps") or self.lines.say(
                "round_seconds", seconds=ex.get("default_seconds") or 30),
                moves=spoken_name(ex)) for ex in picks]
            return self.lines.say("dose_rounds", rounds=count, moves=self.lines.listed(moves))
        doses = []
        for ex in picks:
            side = self.lines["dose_each_side"] if ex.get("per_side") else ""
            sets, reps = ex.get("default_sets") or 1, ex.get("default_reps")
            seconds = ex.get("default_seconds") or 30
            if reps:
                dose = self.lines.say("dose_reps", sets=sets, reps=reps,
                                      moves=spoken_name(ex), side=side)
            elif sets > 1:
                dose = self.lines.say("dose_seconds", sets=sets, seconds=seconds,
                                      moves=spoken_name(ex), side=side)
            else:
                dose = self.lines.say("dose_once", seconds=seconds, moves=spoken_name(ex),
                                      side=side)
            doses.append(dose)
        return self.lines.say("dose", doses=self.lines.listed(doses))

    def _kit_answer(self, picks):
        free = [ex for ex in picks if not as_list(ex.get("equipment"))]
        kitted = [ex for ex in picks if ex not in free]
        names = self.lines.listed
        if not kitted:
            return self.lines.say("at_home_yes", moves=names([spoken_name(ex)
                                                               for ex in free]))
        kit = names(list(dict.fromkeys(item for ex in kitted
                                       for item in as_list(ex.get("equipment")))))
        moves = names([spoken_name(ex) for ex in kitted])
        if not free:
            return self.lines.say("at_home_none", moves=moves, equipment=kit)
        return self.lines.say("at_home_some", free=names([spoken_name(ex)
                                                          for ex in free]),
                              moves=moves, equipment=kit)
