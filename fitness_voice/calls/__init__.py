"""Calls and turns in the database: idempotent under Twilio's retries.

A turn is identified by (call, index). The index travels in the <Gather>
action URL, so a retried request names the turn it belongs to; the unique
constraint on (session_id, index) means two copies of one request can never
store two turns, whichever gunicorn process each lands in. The coach and the
speech engine run outside any transaction so the database is locked briefly.

``turns`` runs a turn and stores it; ``hold`` lets a slow turn finish in the
background while the caller hears a filler; ``first_words`` speaks a reply's
first sentence before the rest is ready; ``records`` finds and changes the
rows a turn touches.
"""

from .events import Answer, CallEvent, Silence, Spoken
from .first_words import FirstPart, rest_of_turn, take_turn_first_sentence_first
from .hold import take_turn_or_hold, wait_for_turn
from .turns import answer_call, close_call, take_turn

__all__ = ["Answer", "CallEvent", "FirstPart", "Silence", "Spoken", "answer_call", "close_call",
           "rest_of_turn", "take_turn", "take_turn_first_sentence_first", "take_turn_or_hold",
           "wait_for_turn"]
