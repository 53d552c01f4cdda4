"""The Twilio REST client (calls and messages), built from the settings.

TWILIO_API_BASE_URL points the library at another server speaking Twilio's REST
API (the loopback peer in tests/peers/twilio_rest.py): the twilio library keeps
the base of the api.twilio.com domain in ``client.api.base_url``, so setting it
sends Calls and Messages there, with the same paths, auth and parameters.
"""

from dataclasses import dataclass

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

REST_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class RestSettings:
    account_sid: str | None
    auth_token: str
    base_url: str | None
    from_number: str | None  # the coach's number, E.164
    public_base_url: str | None  # where Twilio reaches our webhooks

    @classmethod
    def from_config(cls, config):
        base = config.get("PUBLIC_URL")
        return cls(config.get("TWILIO_ACCOUNT_SID"), config["TWILIO_AUTH_TOKEN"],
                   config.get("TWILIO_API_BASE_URL"), config.get("TWILIO_FROM_NUMBER"),
                   base.rstrip("/") if base else None)

    def missing(self):
        """The settings outbound calls and texts need that are not set."""
        needed = {"TWILIO_ACCOUNT_SID": self.account_sid, "TWILIO_FROM_NUMBER": self.from_number,
                  "PUBLIC_URL": self.public_base_url}
        return [name for name, value in needed.items() if not value]

    def webhook(self, path, **query):
        params = "&".join(f"{key}={value}" for key, value in query.items())
        return f"{self.public_base_url}{path}" + (f"?{params}" if params else "")


def client(settings):
    """A twilio Client for `settings`, pointed at TWILIO_API_BASE_URL when set."""
    rest = Client(settings.account_sid, settings.auth_token,
                  http_client=TwilioHttpClient(timeout=REST_TIMEOUT_SECONDS))
    if settings.base_url:
        rest.api.base_url = settings.base_url.rstrip("/")
    return rest
