"""What every kind of message shares on the wire: its areas and texts (input), its areas,
whom it would reach, and its delivery figures (output). Alerts and roll calls use these."""
from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from server.broadcast import areas as area_rules
from server.broadcast.models import AREA_KINDS
from server.validation import BaseSchema, choice, latitude, longitude

MAX_AREAS = 100
MAX_RING = 1000


class AreaIn(BaseSchema):
    """A country or subdivision by ISO code, a circle, or a closed polygon ring."""

    kind = choice(AREA_KINDS, required=True)
    code = fields.String(validate=validate.Length(max=6), metadata={
        "description": "ISO 3166-1 alpha-2 (country) or ISO 3166-2 (subdivision)."})
    lat = latitude(metadata={"description": "Circle centre."})
    lon = longitude()
    radius_km = fields.Float(metadata={"description": "Circle radius in kilometres."})
    ring = fields.List(fields.List(fields.Float()), validate=validate.Length(
        max=MAX_RING, error=_l("At most {max} points.")), metadata={
        "description": "Polygon: [[lat, lon], ...], first point repeated last (as in CAP)."})

    @validates_schema
    def check_kind(self, area, **_kwargs):
        errors = area_rules.problems(area)
        if errors:
            raise ValidationError(errors)


def areas_field() -> fields.List:
    """The areas of a message (an alert, a roll call): the same schema, the same limits."""
    return fields.List(fields.Nested(AreaIn), required=True, validate=validate.Length(
        min=1, max=MAX_AREAS, error=_l("Give between {min} and {max} areas.")))


def texts_field(text_schema) -> fields.List:
    """One text per language (see ``language_problems``), of any kind of message."""
    return fields.List(fields.Nested(text_schema), required=True, validate=validate.Length(
        min=1, max=20, error=_l("Give between {min} and {max} languages.")))


def language_problems(texts) -> dict:
    """What is wrong with the languages of a list of texts: a language given twice (by index),
    or no text in the default language (``_schema``). Empty: nothing."""
    seen, errors = set(), {}
    for index, item in enumerate(texts or []):
        if item["language"] in seen:
            errors[index] = {"language": [_l("This language is given twice.")]}
        seen.add(item["language"])
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if texts and default not in seen:
        errors["_schema"] = [_l("Give the text in the default language ({language}) "
                                "too.").format(language=default)]
    return errors


class AreaOut(BaseSchema):
    kind = fields.String()
    code = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    radius_km = fields.Float(allow_none=True)
    ring = fields.List(fields.List(fields.Float()), allow_none=True)


class ReachOut(BaseSchema):
    """Whom a push to an area would reach (an alert, a roll call)."""

    travelers = fields.Integer(metadata={"description": "People in the area (trip or position)."})
    devices = fields.Integer(metadata={"description": "Devices it would be pushed to."})
    by_channel = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Per channel: devices for webpush, people for sms and email."})


class ChannelStatsOut(BaseSchema):
    """One channel's deliveries (webpush, sms, email)."""

    sent = fields.Integer(metadata={"description": "Reached the channel (sent or delivered)."})
    delivered = fields.Integer(metadata={"description": "Confirmed by a delivery report."})
    failed = fields.Integer(metadata={"description": "Failed, expired or gone."})
    answered = fields.Integer(metadata={"description": "Roll calls: people it reached who "
                                                       "answered."})


class UnreachedOut(BaseSchema):
    """Someone no channel reached, for the call centre."""

    user_id = fields.Integer()
    name = fields.String()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    language = fields.String()


class FailureOut(BaseSchema):
    channel = fields.String()
    state = fields.String(metadata={"description": "failed, expired (SMS report) or gone "
                                                   "(push subscription ended)"})
    reason = fields.String(allow_none=True, metadata={"description": "As recorded (null: none)."})
    count = fields.Integer()


class PushesOut(BaseSchema):
    """Deliveries by state (an alert's, a roll call's), and per channel."""

    total = fields.Integer()
    pending = fields.Integer()
    sent = fields.Integer()
    delivered = fields.Integer()
    failed = fields.Integer()
    expired = fields.Integer()
    gone = fields.Integer()
    by_channel = fields.Dict(keys=fields.String(), values=fields.Nested(ChannelStatsOut))
    failures = fields.List(fields.Nested(FailureOut), metadata={
        "description": "Failed deliveries grouped by channel and reason, largest first."})
