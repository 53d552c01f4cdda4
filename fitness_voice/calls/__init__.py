"""Calls and turns in the database: idempotent under Twilio's retries.

A turn is identified by (call, index). The index travels in the <Gather>
action URL, so a retried request names the turn it belongs to (a request
without it is numbered from the call's claim, see turns.number_the_turn). The
first copy of a request claims its turn on the call's row, which every gunicorn
process sees; later copies wait for that answer instead of running the coach
again, and the unique constraint on (session_id, index) means two copies can
never store two turns. The coach and the speech engine run outside any
transaction so the database is locked briefly.

``turns`` runs a turn and stores it; ``hold`` lets a slow turn finish in a
bounded background pool while the caller hears a filler; ``first_words`` speaks
a reply's first sentence before the rest is ready; ``records`` finds and
changes the rows a turn touches; ``notices`` wakes waiters in the same process;
``outage`` rides out a database that is briefly away.
"""

from .events import Answer, AskAgain, Busy, CallEvent, Ended, Held, Silence, Spoken
from .first_words import FirstPart, rest_of_turn, take_turn_first_sentence_first
from .hold import WaitRules, greet, take_turn_or_hold, wait_for_turn
from .outage import DatabaseAway, OutageSettings
from .turns import answer_call, close_call, take_turn

__all__ = ["Answer", "AskAgain", "Busy", "CallEvent", "DatabaseAway", "Ended", "FirstPart",
           "Held", "OutageSettings", "Silence", "Spoken", "WaitRules", "answer_call",
           "close_call", "greet", "rest_of_turn", "take_turn", "take_turn_first_sentence_first",
           "take_turn_or_hold", "wait_for_turn"]
