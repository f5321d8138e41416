from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from server.errors import Coded
from server.rollcall.models import ANSWERS
from server.sos.schemas import accuracy
from server.validation import BaseSchema, Phone, displayed, latitude, longitude, text

ANSWER_EMPTY = Coded("required", _l("Choose “I am safe” or “I need help”."))


class RegistrationIn(BaseSchema):
    """One screen: who, which phone, where, and safe or not."""

    client_uuid = fields.UUID(required=True, metadata={
        "description": "Made by the browser before sending; a resent form changes nothing."})
    name = text(200, required=True, min_length=1, empty=_l("Enter your name."))
    phone = Phone(required=True)
    place = text(200, required=True, min_length=1,
                 empty=_l("Say where you are: a city, a district, a street or a hotel."))
    answer = fields.String(required=True, validate=validate.OneOf(ANSWERS, error=ANSWER_EMPTY),
                           error_messages={"required": ANSWER_EMPTY, "null": ANSWER_EMPTY},
                           metadata={"description": "safe or help"})
    message = text(1000, load_default=None, allow_none=True, multiline=True, metadata={
        "description": "What help is needed (sent with the SOS case)."})
    lat = latitude(load_default=None, allow_none=True)
    lon = longitude(load_default=None, allow_none=True)
    accuracy = accuracy(load_default=None, allow_none=True, metadata={"description": "metres"})

    @validates_schema
    def check_position(self, data, **_kwargs):
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise ValidationError({"lon" if data.get("lon") is None else "lat": [
                _l("Give both latitude and longitude, or neither.")]})


class PublicPageOut(BaseSchema):
    """What the public page shows: the mission's question in the visitor's language."""

    mission = fields.String(allow_none=True)
    question = fields.String()
    language = fields.String()
    closes_at = fields.DateTime()
    hotline = fields.String(allow_none=True)
    hotline_display = displayed("hotline")


class _Registration(BaseSchema):
    """A crisis registration as stored: what the visitor and staff both see."""

    name = fields.String()
    phone = fields.String()
    phone_display = displayed("phone")
    phone_verified = fields.Boolean()
    place = fields.String()
    answer = fields.String()
    received_at = fields.DateTime()


class RegistrationOut(_Registration):
    """What the visitor sent (the confirmation screen and account prefill)."""

    client_uuid = fields.String()
    help_requested = fields.Function(lambda r: r.sos_case_id is not None, metadata={
        "description": "true: an SOS case was opened for the mission."})


class PageOut(BaseSchema):
    id = fields.Integer()
    rollcall_id = fields.Integer()
    slug = fields.String()
    url = fields.String(metadata={"description": "The public address to share."})
    open = fields.Boolean()
    created_at = fields.DateTime()
    closes_at = fields.DateTime(metadata={
        "description": "When it closed or will close (the roll call's deadline at the latest)."})
    closed_at = fields.DateTime(allow_none=True)


class StaffRegistrationOut(_Registration):
    """A registration on the roll call's dashboard: with its case and position."""

    id = fields.Integer()
    language = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    sos_case_id = fields.Integer(allow_none=True)
    registered_during_crisis = fields.Constant(True, metadata={
        "description": "Always true: signed up on a crisis page, not a registered traveler."})


class CrisisTotalsOut(BaseSchema):
    registrations = fields.Integer()
    safe = fields.Integer()
    help = fields.Integer()
    phone_verified = fields.Integer()


class CrisisDashboardOut(BaseSchema):
    page = fields.Nested(PageOut, allow_none=True, metadata={
        "description": "The latest crisis page of the roll call; null: none was opened."})
    totals = fields.Nested(CrisisTotalsOut)
    registrations = fields.List(fields.Nested(StaffRegistrationOut), metadata={
        "description": "Newest first, at most ROLLCALL_CRISIS_LIST."})
