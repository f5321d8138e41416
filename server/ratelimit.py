"""Rate limits (Flask-Limiter) on the doors an attacker pushes: sign-in, sign-up, password
change, the staff API and crisis sign-up pages. SOS is never limited: a flood is accepted and
flagged instead.

Counters live in memory (embedded) or in Redis (``RATELIMIT_STORAGE_URI``, else a ``redis://``
``CELERY_BROKER_URL``), so every web process of a scaled-out deployment shares them. Limits
are read from the config on each request (``RATELIMIT_*`` settings). A refusal is a 429 in
the standard error shape with ``Retry-After`` (``server/errors.py``).
"""
from __future__ import annotations

import hmac
import math
import time
from hashlib import sha256

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_login import current_user

WRITES = ["POST", "PUT", "PATCH", "DELETE"]
READS = ["GET"]

# endpoint -> (config key of the limit, methods, key function name, shared scope or None)
RULES: dict[str, tuple[str, list[str] | None, str, str | None]] = {
    "accounts.Login": ("RATELIMIT_SIGNIN", None, "address", "signin"),
    "staff.StaffLogin": ("RATELIMIT_SIGNIN", None, "address", "signin"),
    "staff.StaffEnrol": ("RATELIMIT_SIGNIN", None, "address", "signin"),
    "accounts.Signup": ("RATELIMIT_SIGNUP", None, "address", None),
    "accounts.SignupResend": ("RATELIMIT_EMAIL_LINK", None, "address", None),
    "accounts.Password": ("RATELIMIT_REAUTH", None, "account", None),
    # A signed-in password check too: deleting the account asks for the password.
    "accounts.Me": ("RATELIMIT_REAUTH", ["DELETE"], "account", None),
    "staff.TravelerSearch": ("RATELIMIT_STAFF_SEARCH", None, "account", None),
    "sms.PhoneCode": ("RATELIMIT_SMS_CODE", None, "account", None),
    "accounts.EmailConfirmResend": ("RATELIMIT_EMAIL_LINK", None, "account", None),
    "accounts.EmailChange": ("RATELIMIT_EMAIL_LINK", None, "account", None),
    "accounts.Forgot": ("RATELIMIT_FORGOT", None, "address", None),
    "accounts.Reset": ("RATELIMIT_SIGNIN", None, "address", "signin"),
    # Crisis pages take sign-ups and send codes with no account: per client address.
    "crisis.Registrations": ("RATELIMIT_CRISIS_SIGNUP", None, "address", None),
    "crisis.RegistrationCode": ("RATELIMIT_CRISIS_SMS_CODE", None, "address", None),
    "crisis.RegistrationCodeConfirm": ("RATELIMIT_SIGNIN", None, "address", "signin"),
}
# A second limit on the same door, per phone number: codes cost money and reach a person
# who did not ask for them, whichever accounts name that number.
PER_NUMBER: dict[str, str] = {"sms.PhoneCode": "RATELIMIT_SMS_CODE"}
# And per crisis registration (the path names it): its one number gets few codes.
PER_PATH: dict[str, str] = {"crisis.RegistrationCode": "RATELIMIT_SMS_CODE"}
# And per email address asked about: reset and sign-up links reach a person who may not have asked,
# whichever clients ask (counted alike for addresses with and without an account).
PER_EMAIL: dict[str, str] = {"accounts.Forgot": "RATELIMIT_FORGOT_EMAIL",
                             "accounts.Signup": "RATELIMIT_SIGNUP_EMAIL",
                             "accounts.SignupResend": "RATELIMIT_SIGNUP_EMAIL"}
STAFF_PREFIX = "staff."
STAFF_AUTH = ("staff.StaffLogin", "staff.StaffEnrol", "staff.StaffLogout")
EXEMPT_BLUEPRINTS = ("sos",)  # never refused for volume (see server/sos/services.py)


def _address() -> str:
    return request.remote_addr or "unknown"


def _account() -> str:
    """The signed-in account, else the address: a limit follows a person across addresses."""
    if current_user and current_user.is_authenticated:
        return f"user:{current_user.id}"
    return f"addr:{_address()}"


def _phone() -> str:
    """The signed-in account's phone number (the one a code would go to)."""
    phone = getattr(current_user, "phone", None) if current_user else None
    return f"phone:{phone}" if phone else _account()


def _email() -> str:
    """The email address in the request's JSON body (a keyed hash: no address in the store)."""
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    if not isinstance(email, str):
        return _address()
    secret = current_app.config["SECRET_KEY"].encode()
    return "email:" + hmac.new(secret, email.strip().lower().encode(), sha256).hexdigest()


def _path() -> str:
    return f"path:{request.path}"


KEYS = {"address": _address, "account": _account, "phone": _phone}


def _setting(name: str):
    return lambda: current_app.config[name]


def storage_uri(config) -> str:
    """Where the counters live: explicit, else the Redis broker, else this process."""
    if config.get("RATELIMIT_STORAGE_URI"):
        return config["RATELIMIT_STORAGE_URI"]
    broker = config.get("CELERY_BROKER_URL") or ""
    if broker.startswith(("redis://", "rediss://")):
        return broker
    return "memory://"


def install(app: Flask) -> Limiter:
    """Bind a limiter to ``app`` (one per app: tests build several) and limit the routes."""
    app.config["RATELIMIT_STORAGE_URI"] = storage_uri(app.config)
    limiter = Limiter(key_func=_address, storage_uri=app.config["RATELIMIT_STORAGE_URI"],
                      key_prefix="compatriot", in_memory_fallback_enabled=True,
                      headers_enabled=False)
    limiter.init_app(app)
    app.extensions["compatriot_limiter"] = limiter
    for endpoint, (setting, methods, key, scope) in RULES.items():
        if scope:
            rule = limiter.shared_limit(_setting(setting), scope=scope, key_func=KEYS[key],
                                        methods=methods)
        else:
            rule = limiter.limit(_setting(setting), key_func=KEYS[key], methods=methods)
        _wrap(app, endpoint, rule)
    for endpoint, setting in PER_NUMBER.items():
        _wrap(app, endpoint, limiter.limit(_setting(setting), key_func=_phone))
    for endpoint, setting in PER_PATH.items():
        _wrap(app, endpoint, limiter.limit(_setting(setting), key_func=_path))
    for endpoint, setting in PER_EMAIL.items():
        _wrap(app, endpoint, limiter.limit(_setting(setting), key_func=_email))
    staff = [e for e in app.view_functions
             if e.startswith(STAFF_PREFIX) and e not in RULES and e not in STAFF_AUTH]
    for endpoint in staff:
        _wrap(app, endpoint, limiter.shared_limit(
            _setting("RATELIMIT_STAFF_WRITE"), scope="staff-write", key_func=_account,
            methods=WRITES))
        _wrap(app, endpoint, limiter.shared_limit(
            _setting("RATELIMIT_STAFF_READ"), scope="staff-read", key_func=_account,
            methods=READS))
    for name in EXEMPT_BLUEPRINTS:
        if name in app.blueprints:
            limiter.exempt(app.blueprints[name])
    return limiter


def _wrap(app: Flask, endpoint: str, rule) -> None:
    if endpoint in app.view_functions:
        app.view_functions[endpoint] = rule(app.view_functions[endpoint])


def retry_after() -> int:
    """Seconds until the limit this request broke lets requests through again."""
    limiter = current_app.extensions.get("compatriot_limiter")
    breached = limiter.current_limit if limiter else None
    if breached is None:
        return 60
    return max(1, math.ceil(breached.reset_at - time.time()))


def reset(app: Flask) -> None:
    """Forget every counter (tests, and an operator clearing a false alarm)."""
    limiter = app.extensions.get("compatriot_limiter")
    if limiter is not None:
        limiter.reset()
