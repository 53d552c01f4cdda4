"""Every webhook must be signed by Twilio with our auth token."""

import functools
import logging

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator

log = logging.getLogger(__name__)


def twilio_signed(view):
    """Refuse (403) any request not signed with our Twilio auth token."""
    @functools.wraps(view)
    def checked(*args, **kwargs):
        validator = RequestValidator(current_app.config["TWILIO_AUTH_TOKEN"])
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not validator.validate(request.url, request.form, signature):
            log.warning("rejected unsigned or forged request to %s", request.path)
            abort(403, "invalid Twilio signature")
        return view(*args, **kwargs)
    return checked
