"""The conversation: what to say next, given the caller, the call and the words.

No Flask and no vendor SDK here: the dialogue gets plain data (see contract.py)
and returns a Reply. ``flow`` holds the rules every call follows (silence,
unclear speech, goodbyes), ``pipeline`` the ordered stages that answer, and
``memory`` what callers tell us about themselves.
"""
