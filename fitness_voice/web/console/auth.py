"""Who may use the console: operators with hashed passwords, a signed session
cookie, a CSRF token on every form, and sign-ins throttled per name and address."""

import hmac
import secrets
from datetime import timedelta
from functools import lru_cache

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash, generate_password_hash

from ...extensions import db
from ...models import ConsoleUser, LoginFailure, utcnow
from . import bp

OPEN_ENDPOINTS = {"console.login"}
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A user name or password the console will not accept."""


def create_user(username, password):
    """Add an operator, or give an existing one a new password."""
    username = username.strip()
    if not username:
        raise AccountError("the user name is empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    user = db.session.execute(db.select(ConsoleUser).filter_by(username=username)
                              ).scalar_one_or_none()
    if user is None:
        user = ConsoleUser(username=username)
        db.session.add(user)
    user.password_hash = generate_password_hash(password)
    db.session.commit()
    return user


def csrf_token():
    """This session's token, made on first use; every console form carries it."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


@bp.app_context_processor
def template_helpers():
    return {"csrf_token": csrf_token}


@bp.before_request
def require_operator():
    """No console page without a signed-in operator; no form without its token."""
    g.operator = _signed_in()
    if g.operator is None and request.endpoint not in OPEN_ENDPOINTS:
        return redirect(url_for("console.login", next=request.full_path))
    if request.method == "POST":
        sent = request.form.get("csrf_token", "")
        if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
            abort(400, "the form's CSRF token is missing or wrong; reload the page")
    return None


@bp.after_request
def private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        username = request.form.get("username", "").strip()[:80]
        password = request.form.get("password", "")
        if _throttled(username, request.remote_addr or ""):
            minutes = current_app.config["CONSOLE_LOGIN_WINDOW_MINUTES"]
            return render_template("console/login.html", throttled=minutes), 429
        user = _check(username, password)
        if user is not None:
            return _sign_in(user)
        _record_failure(username, request.remote_addr or "")
        error = "That user name and password do not match."
    return render_template("console/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("console.login"))


def _sign_in(user):
    db.session.execute(db.delete(LoginFailure).filter_by(username=user.username))
    db.session.commit()
    target = request.args.get("next", "")
    session.clear()  # a new session (and CSRF token) on sign-in: no fixation
    session.permanent = True
    session["operator"] = user.id
    csrf_token()
    if not target.startswith("/console") or target.startswith("//"):
        target = url_for("console.calls")
    return redirect(target)


def _signed_in():
    user_id = session.get("operator")
    if user_id is None:
        return None
    return db.session.get(ConsoleUser, user_id)


def _check(username, password):
    user = db.session.execute(db.select(ConsoleUser).filter_by(username=username)
                              ).scalar_one_or_none()
    if user is None:
        check_password_hash(_decoy_hash(), password)  # the same time as for a real name
        return None
    return user if check_password_hash(user.password_hash, password) else None


@lru_cache(maxsize=1)
def _decoy_hash():
    return generate_password_hash(secrets.token_urlsafe(16))


def _throttled(username, address):
    config = current_app.config
    since = utcnow() - timedelta(minutes=config["CONSOLE_LOGIN_WINDOW_MINUTES"])
    limit = config["CONSOLE_MAX_FAILED_LOGINS"]
    recent = db.select(db.func.count(LoginFailure.id)).filter(LoginFailure.created_at >= since)
    by_name = db.session.execute(recent.filter(LoginFailure.username == username)).scalar_one()
    by_address = db.session.execute(recent.filter(LoginFailure.address == address)).scalar_one()
    return by_name >= limit or by_address >= limit


def _record_failure(username, address):
    db.session.add(LoginFailure(username=username, address=address[:64]))
    db.session.commit()
