"""Reaching out: check-in calls the coach places on a caller's schedule, the text
after a call, and hand-off to a person.

    requests.py  what callers say about it (days, times, zones, stop, a person, keys)
    schedule.py  when calls fall on the caller's clock; quiet hours (pure)
    store.py     the rows a turn's effects write, and what the dialogue is told
    checkins.py  the scheduler: due check-ins written, claimed once, placed; callbacks
    sms.py       the summary text, STOP/HELP/START, delivery status
    handoff.py   the whisper, and a call back owed when no one answered
    rest.py      the twilio REST client;  cli.py  `fitness-voice checkins run`

The conversation itself is the dialogue's (dialogue/outreach.py, dialogue/checkin.py),
and the webhooks the web layer's (web/outreach.py).
"""
