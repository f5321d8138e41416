from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validates_schema

from server.validation import CountryCode, latitude, longitude


class PlaceOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class SubdivisionOut(PlaceOut):
    type = fields.String()
    parent = fields.String(allow_none=True)


class EmergencyArgs(Schema):
    """Either the country, or a position (the country containing it is used)."""

    country = CountryCode()
    lat = latitude()
    lon = longitude()

    @validates_schema
    def country_or_position(self, data, **_kwargs):
        if "country" in data:
            return
        missing = [name for name in ("lat", "lon") if name not in data]
        if missing:
            raise ValidationError(_l("Give a country, or a latitude and a longitude."),
                                  missing[0])


class EmergencyOut(Schema):
    country = fields.String(allow_none=True, metadata={
        "description": "ISO 3166-1 alpha-2; null for a position at sea."})
    numbers = fields.List(fields.String(), metadata={
        "description": "Local emergency numbers to dial as they are (no country code)."})
