"""Every webhook must be signed by Twilio with our auth token, for this URL.

The URL checked is the one Twilio was told: scheme, host, port and any prefix
from PUBLIC_URL, the path and query from the request. Nothing the client sends
(Host, X-Forwarded-*) chooses it, so a request Twilio signed for another app,
port or route of the same account cannot be replayed here.
"""

import functools
import hmac
import logging
from urllib.parse import quote, urlsplit

from flask import abort, current_app, request
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import BadRequest

log = logging.getLogger(__name__)

DEFAULT_PORTS = {"https": 443, "http": 80}


def twilio_signed(view):
    """Refuse (403) any request not signed with our Twilio auth token for its URL."""
    @functools.wraps(view)
    def checked(*args, **kwargs):
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not _valid(signature):
            log.warning("rejected unsigned or forged request to %s", request.path)
            abort(403, "invalid Twilio signature")
        return view(*args, **kwargs)
    return checked


def signed_url():
    """The URL Twilio signed for this request."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    url = base.rstrip("/") + quote(request.path, safe="/")
    query = request.query_string.decode("utf-8", "replace")
    return f"{url}?{query}" if query else url


def _valid(signature):
    validator = RequestValidator(current_app.config["TWILIO_AUTH_TOKEN"])
    try:
        form = request.form  # MAX_CONTENT_LENGTH and the form limits apply here (413)
    except UnicodeDecodeError:
        raise BadRequest("the body is not UTF-8 form data") from None
    return any(hmac.compare_digest(validator.compute_signature(url, form), signature)
               for url in _spellings(signed_url()))


def _spellings(url):
    """The URL as given and with its default port spelt out or left off: Twilio
    signs either. A non-default port is never dropped."""
    parts = urlsplit(url)
    default = DEFAULT_PORTS.get(parts.scheme)
    if parts.port is None:
        return [url, parts._replace(netloc=f"{parts.netloc}:{default}").geturl()]
    if parts.port == default:
        return [url, parts._replace(netloc=parts.hostname).geturl()]
    return [url]
