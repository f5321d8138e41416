from datetime import UTC
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates, validates_schema

from server.validation import BaseSchema, language, latitude, longitude

MAX_ENDPOINT = 1024


def endpoint_problem(url: str) -> str | None:
    """Why ``url`` is not a push-service endpoint the server may POST to (None if it is)."""
    parts = urlsplit(url)
    schemes = ("https", "http") if current_app.config.get("PUSH_ALLOW_HTTP") else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password:
        return _l("The endpoint must be an https URL of a push service.")
    hosts = current_app.config.get("PUSH_SERVICE_HOSTS") or ()
    host = parts.hostname.lower()
    if hosts and not any(host == h or host.endswith("." + h) for h in hosts):
        return _l("The endpoint is not on a known push service.")
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
