"""The console is private: every route needs an operator's session, every form its
CSRF token, sign-ins are throttled, and production leaves it off unless asked."""

import re

import pytest

from fitness_voice.extensions import db
from fitness_voice.models import ConsoleUser
from fitness_voice.web.console.auth import AccountError, create_user
from tests.console.conftest import OPERATOR, PASSWORD, Console, place_call


def console_routes(app):
    """Every rule under /console, with its arguments filled in."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/console"):
            continue
        path = re.sub(r"<int:\w+>", "1", rule.rule)
        path = re.sub(r"<\w+>", "a" * 64 + ".wav", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


def test_every_console_route_needs_a_session(console_app):
    place_call(console_app, ["hi coach my name is Sam"])
    client = console_app.test_client()
    checked = 0
    for endpoint, method, path in console_routes(console_app):
        if endpoint == "console.login":
            continue
        response = client.open(path, method=method)
        assert response.status_code == 302, (method, path, response.status_code)
        assert response.headers["Location"].startswith("/console/login"), (method, path)
        checked += 1
    # The calls list, a call, callers, a caller, forget, overview, exports, audio, logout...
    assert checked >= 12


def test_a_signed_in_operator_sees_the_pages(console, console_app):
    place_call(console_app, ["hi coach my name is Sam"])
    for path in ("/console/calls", "/console/calls/1", "/console/callers",
                 "/console/callers/1", "/console/overview", "/console/calls.csv",
                 "/console/calls/1/transcript.txt", "/console/calls/1/transcript.json"):
        response = console.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store"


def test_a_wrong_password_is_refused(console_app):
    session = Console(console_app.test_client())
    response = session.sign_in(password="not the password")
    assert response.status_code == 401
    assert session.client.get("/console/calls").status_code == 302


def test_sign_ins_are_throttled_per_user_name(console_app):
    session = Console(console_app.test_client())
    limit = console_app.config["CONSOLE_MAX_FAILED_LOGINS"]
    for _ in range(limit):
        assert session.sign_in(password="wrong guess").status_code == 401
    # Even the right password waits out the window now.
    assert session.sign_in().status_code == 429


def test_a_form_without_its_csrf_token_is_refused(console, console_app):
    place_call(console_app, ["hi coach my name is Sam"])
    response = console.client.post("/console/callers/1/forget", data={"confirm": "forget"})
    assert response.status_code == 400
    forged = console.client.post("/console/callers/1/forget",
                                 data={"confirm": "forget", "csrf_token": "guessed"})
    assert forged.status_code == 400
    with console_app.app_context():
        assert db.session.execute(db.text("select name from caller")).scalar_one() == "Sam"


def test_the_login_form_needs_its_token_too(console_app):
    client = console_app.test_client()
    response = client.post("/console/login", data={"username": OPERATOR, "password": PASSWORD})
    assert response.status_code == 400


def test_sign_in_does_not_redirect_off_the_console(console_app):
    session = Console(console_app.test_client())
    token = session.token()
    response = session.client.post("/console/login?next=//evil.example/", data={
        "username": OPERATOR, "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/console/calls"


def test_sign_out_ends_the_session(console):
    assert console.post("/console/logout", "/console/calls").status_code == 302
    assert console.client.get("/console/calls").status_code == 302


def test_passwords_are_stored_hashed(console_app):
    with console_app.app_context():
        stored = db.session.execute(db.select(ConsoleUser)).scalar_one().password_hash
    assert PASSWORD not in stored
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_short_passwords_are_refused(console_app):
    with console_app.app_context(), pytest.raises(AccountError):
        create_user("someone", "short")


def test_create_user_command(console_app):
    runner = console_app.test_cli_runner()
    result = runner.invoke(args=["console", "create-user", "kim", "--password",
                                 "another long password"])
    assert result.exit_code == 0, result.output
    session = Console(console_app.test_client())
    assert session.sign_in("kim", "another long password").status_code == 302


def test_off_in_production_unless_configured(make_app):
    production = {"APP_ENV": "production", "SECRET_KEY": "s" * 32,
                  "TWILIO_AUTH_TOKEN": "a-production-token", "PUBLIC_URL": "https://coach.example.com"}
    off = make_app(CONSOLE_ENABLED=False, **production)
    assert off.test_client().get("/console/login").status_code == 404
    on = make_app(CONSOLE_ENABLED=True, SESSION_COOKIE_SECURE=True, **production)
    page = on.test_client().get("/console/login")
    assert page.status_code == 200
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_defaults_leave_the_console_off(monkeypatch):
    from fitness_voice import config
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("CONSOLE_ENABLED", raising=False)
    settings = config.console_settings()
    assert settings["CONSOLE_ENABLED"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("CONSOLE_ENABLED", "true")
    assert config.console_settings()["CONSOLE_ENABLED"] is True
