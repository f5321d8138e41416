"""The one place that reads the environment.

Embedded default: SQLite and secrets under ``instance/``, no broker.
Scaled out: ``DATABASE_URL``, ``CELERY_BROKER_URL`` and secrets from the environment.
"""
from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

LANGUAGES = ("en", "zh_Hans", "zh_Hant", "ar")
# Push services a subscription endpoint may point at (host or parent domain); the server
# POSTs to these URLs, so anything else is refused. Empty: any host (tests).
PUSH_SERVICE_HOSTS = ("fcm.googleapis.com", "push.services.mozilla.com", "push.apple.com",
                      "notify.windows.com")


def _env_list(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    raw = os.environ.get(name)
    return tuple(x.strip() for x in raw.split(",") if x.strip()) if raw else default


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


def _push_service_hosts(allow_http: bool) -> tuple[str, ...]:
    """Set but empty means any host, and only counts with PUSH_ALLOW_HTTP (tests, benchmarks)."""
    if allow_http and os.environ.get("PUSH_SERVICE_HOSTS") == "":
        return ()
    return _env_list("PUSH_SERVICE_HOSTS", PUSH_SERVICE_HOSTS)


def _env_days(name: str, default: int | None) -> int | None:
    """A retention period: a number, or "forever" / "none" / empty for no limit."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return None if raw.strip().lower() in ("", "none", "forever") else int(raw)


def _hazard_feeds() -> list[dict]:
    """``COMPATRIOT_HAZARD_FEEDS``: a JSON list, or the path of a file holding one."""
    value = os.environ.get("COMPATRIOT_HAZARD_FEEDS")
    if not value:
        return []
    return json.loads(value if value.lstrip().startswith("[") else Path(value).read_text("utf-8"))


def _public_url() -> str:
    return os.environ.get("COMPATRIOT_PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")


def trusted_hosts(public_url: str) -> tuple[str, ...]:
    """Host headers served: the public URL's host plus ``COMPATRIOT_TRUSTED_HOSTS`` (default the
    machine itself, for the embedded app, tests and local health checks). Any other is a 400."""
    extra = _env_list("COMPATRIOT_TRUSTED_HOSTS", ("localhost", "127.0.0.1"))
    host = urlsplit(public_url).hostname
    return (host, *extra) if host else extra


def instance_path() -> str | None:
    """Where the embedded database and generated secrets live (Flask's default when unset)."""
    return os.environ.get("COMPATRIOT_INSTANCE_PATH") or None


def instance_secret(instance_path: str, filename: str,
                    make=lambda: secrets.token_urlsafe(48)) -> str:
    """Read a secret kept under ``instance/``, generating it on first run (mode 0600)."""
    path = Path(instance_path) / filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(make())
    return path.read_text().strip()


def _new_vapid_pem() -> str:
    from server.push import generate_vapid_keypair

    return generate_vapid_keypair()[0]


def vapid_private_key(instance_path: str) -> str:
    """The VAPID signing key (PEM, or raw b64url as py-vapid accepts), generated on first run."""
    return (os.environ.get("VAPID_PRIVATE_KEY")
            or instance_secret(instance_path, "vapid_private.pem", make=_new_vapid_pem))


def field_encryption_keys(instance_path: str) -> tuple[str, ...]:
    """Keys for the fields encrypted at rest, current first; generated on first run."""
    from server.crypto import new_key, parse_keys

    return parse_keys(os.environ.get("FIELD_ENCRYPTION_KEYS")
                      or instance_secret(instance_path, "field_keys", make=new_key))


def database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{Path(instance_path) / 'compatriot.db'}"
    # Accept the common short forms and use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def from_environment(instance_path: str) -> dict:
    """Build the app configuration from environment variables with safe defaults."""
    https = _env_bool("COMPATRIOT_HTTPS")
    public_url = _public_url()
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or instance_secret(instance_path, "secret_key"),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL"),
        # Celery worker processes run at this niceness (0: as started): the web tier, SOS
        # first, gets the CPU before a fan-out where they share cores (celery_app.lower_priority).
        "WORKER_NICENESS": int(os.environ.get("WORKER_NICENESS", 10)),
        # Live console events between processes (server/live/redis_hub.py): unset means the
        # Redis broker if there is one, else in-process.
        "LIVE_REDIS_URL": os.environ.get("LIVE_REDIS_URL") or None,
        "HOME_COUNTRY": os.environ.get("COMPATRIOT_HOME_COUNTRY", "CN"),
        "MINISTRY_NAME": os.environ.get(
            "COMPATRIOT_MINISTRY_NAME", "Ministry of Foreign Affairs — Consular Protection"),
        "CONSULAR_HOTLINE": os.environ.get("COMPATRIOT_HOTLINE", "+86 10 12308"),
        "LANGUAGES": _env_list("COMPATRIOT_LANGUAGES", LANGUAGES),
        "BABEL_DEFAULT_LOCALE": os.environ.get("COMPATRIOT_DEFAULT_LANGUAGE", "en"),
        "MAX_CONTENT_LENGTH": int(os.environ.get("COMPATRIOT_MAX_BODY", 256 * 1024)),
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        # Every absolute URL the app writes (server/web/urls.py), never the request's Host.
        "PUBLIC_URL": public_url,
        "TRUSTED_HOSTS": trusted_hosts(public_url),
        "TRUSTED_PROXIES": int(os.environ.get("COMPATRIOT_TRUSTED_PROXIES", 0)),
        "VAPID_PRIVATE_KEY": vapid_private_key(instance_path),
        "FIELD_ENCRYPTION_KEYS": field_encryption_keys(instance_path),
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:consular-alerts@example.org"),
        "PUSH_ALLOW_HTTP": _env_bool("PUSH_ALLOW_HTTP"),
        "PUSH_SERVICE_HOSTS": _push_service_hosts(_env_bool("PUSH_ALLOW_HTTP")),
        # Ports an endpoint may name besides its scheme's default (443): none in production;
        # tests add the port their local push receiver was given.
        "PUSH_SERVICE_PORTS": tuple(int(p) for p in _env_list("PUSH_SERVICE_PORTS", ())),
        "STAFF_SESSION_IDLE_MINUTES": int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", 30)),
        "STAFF_SESSION_MAX_HOURS": int(os.environ.get("STAFF_SESSION_MAX_HOURS", 12)),
        # Rate-limit counters: unset means the Redis broker if there is one, else memory.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI"),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),  # 0: benchmarks only
        # Retention (server/retention.py); None keeps that kind of data forever.
        "RETENTION_TRIP_DAYS": _env_days("RETENTION_TRIP_DAYS", 90),
        "RETENTION_POSITION_HOURS": _env_days("RETENTION_POSITION_HOURS", 48),
        "RETENTION_SOS_DAYS": _env_days("RETENTION_SOS_DAYS", None),
        "RETENTION_AUDIT_DAYS": _env_days("RETENTION_AUDIT_DAYS", None),
        # [{"key", "url", "format": cap|gdacs|usgs, "interval_seconds", "min_level"}]:
        # inline JSON or the path of a JSON file.
        "HAZARD_FEEDS": _hazard_feeds(),
        # SMS (server/sms/): Kannel's sendsms URL with its credentials; unset: the embedded
        # file outbox under instance/sms/.
        "SMS_GATEWAY_URL": os.environ.get("SMS_GATEWAY_URL") or None,
        # Kannel calls the delivery-report and reply endpoints with this in the URL.
        "SMS_CALLBACK_SECRET": os.environ.get("SMS_CALLBACK_SECRET")
        or instance_secret(instance_path, "sms_callback_secret",
                           make=lambda: secrets.token_hex(24)),
        # Where Kannel reaches the app (often inside the network), else the public URL.
        "SMS_CALLBACK_URL": (os.environ.get("SMS_CALLBACK_URL") or public_url).rstrip("/"),
        "SMS_SENDER": os.environ.get("SMS_SENDER") or None,  # the short code shown as sender
        "SMS_RATE": float(os.environ.get("SMS_RATE", 20)),  # messages/s per process
        "SMS_MAX_SEGMENTS": int(os.environ.get("SMS_MAX_SEGMENTS", 3)),
        # Email (server/mail/): smtp://, smtp+starttls:// or smtps://user:password@host:port;
        # unset: the embedded .eml outbox under instance/mail/ (``flask mail list``).
        "MAIL_URL": os.environ.get("MAIL_URL") or None,
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Compatriot <no-reply@compatriot.invalid>"),
        # The console's basemap (server/web/basemap.py): an https:// XYZ tile URL template
        # ({s}, {z}, {x}, {y}) with the attribution its licence requires, or a folder of
        # z/x/y.png tiles the app serves at /tiles/; neither: Natural Earth borders and cities.
        "CONSOLE_BASEMAP_URL": os.environ.get("CONSOLE_BASEMAP_URL") or None,
        "CONSOLE_BASEMAP_ATTRIBUTION": os.environ.get("CONSOLE_BASEMAP_ATTRIBUTION") or "",
        "CONSOLE_BASEMAP_MAX_ZOOM": int(os.environ.get("CONSOLE_BASEMAP_MAX_ZOOM", 18)),
        "CONSOLE_TILES_DIR": os.environ.get("CONSOLE_TILES_DIR") or None,
        # A banner on every console page of a mission's staff for an open hazard event with
        # at least this many people of the mission in its area.
        "HAZARD_BANNER_MIN_PEOPLE": int(os.environ.get("HAZARD_BANNER_MIN_PEOPLE", 1)),
    }


class Defaults:
    """Settings that do not depend on the environment."""

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "compatriot_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # A traveler's "remember me" (Flask-Login's default is a year); sign-out ends it sooner.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 30
    WTF_CSRF_TIME_LIMIT = None  # the token is bound to the session, which expires itself
    WTF_CSRF_HEADERS = ["X-CSRFToken"]
    WTF_CSRF_SSL_STRICT = False  # SameSite cookies + token; Referer is often stripped by apps
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent.parent / "locales")
    BABEL_DOMAIN = "messages"
    API_TITLE = "Compatriot API"
    API_VERSION = "1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    JSON_SORT_KEYS = False
    CELERY_TASK_MODULES: list[str] = [  # each feature with background work adds its tasks module
        "server.broadcast.tasks",
        "server.broadcast.direct",
        "server.rollcall.tasks",
        "server.sos.tasks",
        "server.retention",
        "server.hazards.tasks",
        "server.sms.tasks",
        "server.trips.tasks",
    ]
    CELERY_BEAT_SCHEDULE = {
        "broadcast-sweep-pending": {"task": "broadcast.sweep_pending", "schedule": 60.0},
        "retention-apply": {"task": "retention.apply", "schedule": 3600.0},
        # Due feeds only: each has its own interval (server/hazards/tasks.py).
        "hazards-poll": {"task": "hazards.poll_due", "schedule": 60.0},
        "sms-sweep": {"task": "sms.sweep", "schedule": 60.0},
        "sos-escalate": {"task": "sos.escalate", "schedule": 60.0},
        "rollcall-escalate": {"task": "rollcall.escalate", "schedule": 60.0},
    }
    SOS_ESCALATE_AFTER_MINUTES = 5  # an open case unacknowledged this long is escalated
    LIVE_STREAM_SECONDS = 300  # then the console's EventSource reconnects (Last-Event-ID)
    LIVE_RING_SIZE = 200  # recent events kept for reconnecting streams
    PUSH_ALLOW_HTTP = False  # tests only: accept http:// push endpoints (a local receiver)
    PUSH_BATCH_SIZE = 500  # deliveries per fan-out task
    # Which person channels (besides push to every device) a message goes by, per CAP severity
    # and for roll calls; a channel not registered in server/broadcast/channels is skipped.
    # See the README, "Which channels a recipient gets".
    BROADCAST_PERSON_CHANNELS = {"Extreme": ("sms", "email"), "Severe": ("sms", "email"),
                                 "Moderate": (), "Minor": (), "Unknown": (),
                                 "rollcall": ("email",)}
    # Channels for every message to someone with no push device at all.
    BROADCAST_NO_PUSH_CHANNELS = ("email",)
    # The same keys as BROADCAST_PERSON_CHANNELS, for someone with no push device only: a roll
    # call goes push first (SMS after ROLLCALL_ESCALATE_AFTER_MINUTES without an answer), but
    # whoever has no push device cannot be reached first by push, so is texted at once.
    BROADCAST_NO_PUSH_PERSON_CHANNELS = {"rollcall": ("sms",)}
    # Channels a person can ask for on every message: channel -> their users column.
    BROADCAST_OPT_IN_CHANNELS = {"email": "email_all_alerts"}
    PUSH_MAX_ATTEMPTS = 5  # then the delivery is "failed"
    PUSH_RETRY_BASE_SECONDS = 30  # exponential backoff: 30 s, 60 s, 120 s... (or Retry-After)
    PUSH_RETRY_MAX_SECONDS = 3600
    PUSH_LEASE_SECONDS = 300  # a claimed delivery not finished by then is swept again
    PUSH_SWEEP_AFTER_SECONDS = 120  # pending and overdue this long: re-enqueued by the sweep
    ALERT_POSITION_MAX_AGE_HOURS = 24  # a device's consented position counts this long
    ALERT_MAX_HOURS = 24 * 30  # longest time from effective to expires
    ROLLCALL_MAX_HOURS = 72  # longest time from starting a roll call to its deadline
    ROLLCALL_ESCALATE_AFTER_MINUTES = 15  # unanswered: the next channel after this long
    ROLLCALL_ESCALATION_CHANNELS = ("sms", "email")  # in this order, one step each
    ROLLCALL_REMIND_AFTER_MINUTES = 10  # a reminder is refused sooner after the last push
    # Hazard feeds (server/hazards/): none configured by default (the embedded install has
    # no network); COMPATRIOT_HAZARD_FEEDS names them (see from_environment).
    HAZARD_MAX_BYTES = 5 * 1024 * 1024  # a larger feed document is refused
    HAZARD_FETCH_TIMEOUT = (5.0, 20.0)  # connect, read (the whole body: 3 x read)
    HAZARD_OPEN_HOURS = 72  # an event without an expiry stays open this long after it ends
    HAZARD_DRAFT_HOURS = 24  # a draft alert made from an event expires this long after now
    HAZARD_QUAKE_RADIUS = {"a": 0.5, "b": -1.0, "min_km": 20, "max_km": 1000}
    HAZARD_POINT_RADIUS_KM = {"cyclone": 300, "flood": 100, "volcano": 50, "drought": 300,
                              "wildfire": 50, "other": 100}
    ROLLCALL_MAP_POINTS = 5000  # answer positions sent to the dashboard map
    ROLLCALL_CRISIS_LIST = 500  # crisis sign-ups listed on the dashboard, newest first
    MAX_TRIP_YEARS_AHEAD = 5
    MAX_TRIP_YEARS_BACK = 30
    # Sign-in throttle (travelers and staff, server/accounts/throttle.py): LOGIN_LOCK_AFTER
    # failures in a row of one email from one address (or of an account's second factor) lock
    # that lane for LOGIN_LOCK_BASE_SECONDS, doubling with each further failure; from all
    # addresses together, LOGIN_GUARD_AFTER failures guard the account the same way.
    LOGIN_LOCK_AFTER = 5
    LOGIN_GUARD_AFTER = 50
    LOGIN_LOCK_BASE_SECONDS = 60
    LOGIN_LOCK_MAX_SECONDS = 15 * 60
    LOGIN_DEVICE_DAYS = 365  # a browser that signed in passes a guarded traveler account
    LOGIN_THROTTLE_FORGET_HOURS = 24  # a lane without a failure for this long is deleted
    TOTP_ISSUER = "Compatriot"
    # Rate limits (server/ratelimit.py), "N per minute;M per hour" strings. Sign-in and sign-up
    # count per address (the sign-in throttle counts per email too); the others per account.
    # SOS is never limited.
    RATELIMIT_SIGNIN = "20 per minute;200 per hour"  # traveler and staff sign-in, shared
    RATELIMIT_SIGNUP = "10 per minute;50 per hour"
    RATELIMIT_REAUTH = "5 per minute;30 per hour"  # password change, account deletion
    RATELIMIT_STAFF_WRITE = "60 per minute"
    RATELIMIT_STAFF_READ = "600 per minute"  # the console polls every 1-3 s
    RATELIMIT_STAFF_SEARCH = "30 per minute"  # traveler search by name or phone
    # Verification codes by SMS, per account and per number (each code costs money).
    RATELIMIT_SMS_CODE = "3 per 10 minutes;10 per day"
    # Crisis sign-ups per client address: generous, as a hotel's or a carrier's NAT puts many
    # people behind one address in a crisis.
    RATELIMIT_CRISIS_SIGNUP = "30 per minute;300 per hour"
    RATELIMIT_CRISIS_SMS_CODE = "10 per 10 minutes;50 per day"  # codes asked, per address
    RATELIMIT_EMAIL_LINK = "3 per 10 minutes;10 per day"  # confirmation links, per account
    RATELIMIT_FORGOT = "5 per 10 minutes;20 per day"  # reset links asked for, per client
    RATELIMIT_FORGOT_EMAIL = "3 per hour;6 per day"  # and per email address asked about
    RATELIMIT_SIGNUP_EMAIL = "5 per hour;10 per day"  # sign-up mails to one address
    SMS_SEND_ATTEMPTS = 3  # tries of one message within a send() call (503, refused...)
    SMS_SEND_BACKOFF_SECONDS = 0.5  # between them, doubling
    SMS_TIMEOUT_SECONDS = 10.0
    SMS_MAX_ATTEMPTS = 6  # send() calls for one message (each its own task), then "failed"
    SMS_RETRY_BASE_SECONDS = 30  # between those calls, doubling, at most SMS_RETRY_MAX
    SMS_RETRY_MAX_SECONDS = 1800
    SMS_LEASE_SECONDS = 300  # a message claimed but not recorded by then is swept again
    SMS_CODE_MINUTES = 10  # a verification code expires
    SMS_CODE_ATTEMPTS = 5  # wrong codes before a new one must be asked for
    SMS_HELP_EVERY_MINUTES = 10  # at most one help text per number in that time
    SMS_MAX_TEXT = 640  # longest reply accepted from a phone (about 4 segments)
    MAIL_TIMEOUT_SECONDS = 15.0
    MAIL_MAX_ATTEMPTS = 5  # direct-message tasks for one email (a 4xx each), then given up
