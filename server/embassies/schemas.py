from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates

from server.embassies.models import KINDS
from server.places import services as places
from server.validation import (
    BaseSchema,
    CountryCode,
    Phone,
    SubdivisionCode,
    displayed,
    latitude,
    longitude,
    text,
)


class MissionIn(BaseSchema):
    """One row of an import file."""

    key = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9-]{1,63}$",
        error=_l("Use 2 to 64 lower-case letters, digits or dashes.")))
    kind = fields.String(required=True, validate=validate.OneOf(
        KINDS, error=_l("Must be one of: {choices}.")))
    name = text(200, required=True, min_length=1)
    names = fields.Dict(keys=fields.String(), values=text(200), load_default=dict)
    country = CountryCode(required=True)
    city = text(100, required=True, min_length=1)
    jurisdiction = fields.List(fields.String(), required=True, validate=validate.Length(
        min=1, error=_l("Give at least one country or region.")))
    address = text(500, required=True, min_length=1, multiline=True)
    lat = latitude(load_default=None, allow_none=True)
    lon = longitude(load_default=None, allow_none=True)
    phone = Phone(required=True)
    emergency_phone = Phone(required=True)
    email = fields.Email(required=True)
    hours = text(200, load_default=None, allow_none=True)
    timezone = text(64, load_default=None, allow_none=True)

    @validates("jurisdiction")
    def check_jurisdiction(self, codes, **_kwargs):
        bad = [code for code in codes
               if not (places.is_country(code) if len(code) == 2 else places.is_subdivision(code))]
        if bad:
            raise ValidationError(_l("Unknown country or region codes: {codes}.").format(
                codes=", ".join(bad)))


class MissionOut(BaseSchema):
    id = fields.Integer()
    key = fields.String()
    kind = fields.String()
    name = fields.Method("localized_name")
    country = fields.String()
    country_name = fields.Function(lambda m: places.country_name(m.country, str(get_locale())))
    city = fields.String()
    jurisdiction = fields.List(fields.String())
    address = fields.String()
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    phone = fields.String()
    emergency_phone = fields.String()
    phone_display = displayed("phone")
    emergency_phone_display = displayed("emergency_phone")
    email = fields.String()
    hours = fields.String(allow_none=True)
    timezone = fields.String(allow_none=True)
    is_sample = fields.Boolean()

    def localized_name(self, mission) -> str:
        return mission.localized_name(str(get_locale()))


class MissionListArgs(BaseSchema):
    country = CountryCode(metadata={"description": "Missions located in this country"})


class ServingArgs(BaseSchema):
    country = CountryCode()
    subdivision = SubdivisionCode()
    lat = latitude()
    lon = longitude()
