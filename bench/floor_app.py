"""The floor the load benchmark measures the app against: the least a Twilio
webhook can do. Flask, the twilio library's RequestValidator on every request,
one INSERT into Postgres, and a <Gather> answer built with VoiceResponse, under
the same gunicorn worker settings as the app.

    DATABASE_URL=postgresql://... TWILIO_AUTH_TOKEN=... gunicorn 'bench.floor_app:create_app()'

The bench creates the `floor_turn` table before starting it.
"""

import os

from flask import Flask, Response, abort, request
from sqlalchemy import create_engine, text
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import VoiceResponse

FLOOR_TABLE = ("CREATE TABLE IF NOT EXISTS floor_turn (id serial PRIMARY KEY, "
               "call_sid text NOT NULL, n integer NOT NULL, speech text, "
               "at timestamptz NOT NULL DEFAULT now())")


def create_app():
    app = Flask(__name__)
    validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
    url = os.environ["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg2://", 1)
    engine = create_engine(url, pool_pre_ping=True)

    def signed():
        signature = request.headers.get("X-Twilio-Signature", "")
        if not validator.validate(request.url, request.form, signature):
            abort(403)

    @app.post("/voice")
    @app.post("/voice/turn")
    def turn():
        signed()
        index = int(request.args.get("n", 0))
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO floor_turn (call_sid, n, speech) "
                                    "VALUES (:sid, :n, :speech)"),
                               {"sid": request.form["CallSid"], "n": index,
                                "speech": request.form.get("SpeechResult")})
        response = VoiceResponse()
        with response.gather(input="speech", action=f"/voice/turn?n={index + 1}",
                             speech_timeout="auto", action_on_empty_result="true") as gather:
            gather.say("Noted.")
        return Response(str(response), mimetype="text/xml")

    @app.post("/voice/status")
    def status():
        signed()
        return Response(str(VoiceResponse()), mimetype="text/xml")

    @app.get("/healthz")
    def health():
        return {"status": "ok"}

    return app

