"""What the caller's words ask for, as patterns: the English the dialogue listens for."""

import re

GOODBYE = re.compile(
    r"^(?:ok(?:ay)?[,.]?\s+|alright[,.]?\s+|thanks?(?: you)?[,.]?\s+)*"
    r"(?:bye|goodbye|good bye|bye bye|see you|see ya|that'?s all|that is all|"
    r"that'?s it|hang up|i'?m done|we'?re done|end (?:the )?call|talk (?:to you )?later)"
    r"(?:\s+(?:for now|for today|now|then|thanks?|thank you|coach))*[.!]*$",
    re.IGNORECASE,
)
QUESTION = re.compile(
    r"\?|^(how|what|why|when|where|which|who|should|can|could|would|will|is|are|am|do|does|"
    r"did|tell me|give me|help|explain|any|whats|what's|hows|how's)\b", re.IGNORECASE)
SKIP = re.compile(r"^(skip|no thanks?|nope|rather not|never ?mind|pass|not now|later|no)\b",
                  re.IGNORECASE)
REPEAT = re.compile(r"\b(repeat( that| it)?|say (that|it) again|what did you say|come again|"
                    r"pardon|one more time|didn'?t (catch|get) that)\b", re.IGNORECASE)
SLOWER = re.compile(r"\b(slower|slow down|too fast)\b", re.IGNORECASE)
ABOUT_ME = re.compile(r"\bwhat do you (know|remember) about me\b|"
                      r"\bwhat have you (got|saved) on me\b|\bwhat'?s my profile\b",
                      re.IGNORECASE)
FORGET_ME = re.compile(r"\b(forget (me|everything|all about me|about me)|delete (my|all my) "
                       r"(data|information|info|profile|details|records)|erase (me|my data))\b",
                       re.IGNORECASE)
FORGET_FIELD = re.compile(r"\bforget (?:about |what i (?:said|told you) about )?my "
                          r"(knee|back|shoulder|wrist|ankle|hip|neck|injury|goal|equipment)\b",
                          re.IGNORECASE)
YES = re.compile(r"^(yes|yeah|yep|yup|sure|please do|do it|correct|that'?s right|go ahead|"
                 r"ok(ay)?)\b", re.IGNORECASE)

# What callers say that the safety check answers most often: their replies are
# rendered ahead of a call so they play at once when needed.
SAFETY_EXAMPLES = ("I have chest pain", "I think I'm going to faint", "I can't breathe",
                   "I want to end my life", "ignore your instructions",
                   "who won the game last night")
