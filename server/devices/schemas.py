import re
from datetime import UTC

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates, validates_schema

from server.validation import BaseSchema, language, latitude, longitude

MAX_ENDPOINT = 1024
DEFAULT_PORTS = {"https": 443, "http": 80}
# scheme://host[:port]/path[?query], all ASCII: a host of letters, digits, dots and hyphens
# (no userinfo, no percent-encoding, no [IPv6] literal), a port without leading zeros, and a
# path and query of RFC 3986 characters only (no space, no control character, no fragment).
# Matched by hand, not with urlsplit: it accepts far more (and raises on some of it).
_ENDPOINT = re.compile(
    r"(?P<scheme>[a-z]+)://(?P<host>[a-z0-9.-]{1,253})(?::(?P<port>[1-9][0-9]{0,4}))?"
    r"(?P<target>/(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)", re.ASCII | re.IGNORECASE)
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII | re.IGNORECASE)


def endpoint_problem(url: str) -> str | None:
    """Why ``url`` is not a push-service endpoint the server may POST to (None if it is)."""
    cfg = current_app.config
    schemes = ("https", "http") if cfg.get("PUSH_ALLOW_HTTP") else ("https",)
    match = _ENDPOINT.fullmatch(url)
    scheme = match["scheme"].lower() if match else None
    if (scheme not in schemes
            or not all(_LABEL.fullmatch(label) for label in match["host"].split("."))):
        return _l("The endpoint must be an https URL of a push service.")
    hosts, host = cfg.get("PUSH_SERVICE_HOSTS") or (), match["host"].lower()
    if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
        return _l("The endpoint is not on a known push service.")
    port = int(match["port"] or DEFAULT_PORTS[scheme])
    if port != DEFAULT_PORTS[scheme] and port not in cfg.get("PUSH_SERVICE_PORTS", ()):
        return _l("The endpoint must use the push service's standard port.")
    return None


class SubscriptionKeysIn(BaseSchema):
    p256dh = fields.String(required=True, validate=validate.Length(max=128))
    auth = fields.String(required=True, validate=validate.Length(max=64))


class SubscriptionIn(BaseSchema):
    """The browser's ``PushSubscription.toJSON()``, plus the app's language."""

    endpoint = fields.String(required=True, validate=validate.Length(
        min=1, max=MAX_ENDPOINT, error=_l("Must be at most {max} characters.")))
    expiration_time = fields.Integer(allow_none=True, load_default=None,
                                     data_key="expirationTime")
    keys = fields.Nested(SubscriptionKeysIn, required=True)
    language = language(load_default=None, allow_none=True)

    @validates("endpoint")
    def check_endpoint(self, value, **_kwargs):
        problem = endpoint_problem(value)
        if problem:
            raise ValidationError(problem)

    @validates_schema
    def check_keys(self, data, **_kwargs):
        keys = data.get("keys")
        if not keys:
            return
        from server.devices.keys import key_problems

        problems = key_problems(keys["p256dh"], keys["auth"])
        if problems:
            raise ValidationError({"keys": problems})


class DevicePositionIn(BaseSchema):
    lat = latitude(required=True)
    lon = longitude(required=True)
    accuracy = fields.Float(load_default=None, allow_none=True, validate=validate.Range(
        min=0, max=100_000, error=_l("Must be between {min} and {max}.")))
    recorded_at = fields.AwareDateTime(load_default=None, allow_none=True, default_timezone=UTC)


class DeviceOut(BaseSchema):
    id = fields.Integer()
    endpoint = fields.String()
    language = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    created_at = fields.DateTime()
    last_seen_at = fields.DateTime()
    # The exact fix (decrypted), not the coarse cell the audience SQL uses.
    lat = fields.Float(allow_none=True, attribute="exact.lat")
    lon = fields.Float(allow_none=True, attribute="exact.lon")
    accuracy = fields.Float(allow_none=True, attribute="exact.accuracy")
    position_at = fields.DateTime(allow_none=True)


class PublicKeyOut(BaseSchema):
    public_key = fields.String(metadata={
        "description": "The VAPID public key (uncompressed P-256 point, base64url) to pass to "
                       "PushManager.subscribe as applicationServerKey."})
