from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server.validation import BaseSchema, BoundedInt, CountryCode, latitude, longitude, text


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


class PlaceSearchArgs(BaseSchema):
    q = text(100, required=True, min_length=1, metadata={
        "description": "A city's name in any script (prefix, case and accents ignored), "
                       "or a position typed as \"lat, lon\"."})
    limit = BoundedInt(load_default=10, validate=validate.Range(
        min=1, max=50, error=_l("Must be between {min} and {max}.")))


class CitiesInArgs(BaseSchema):
    """A map's visible box; ``west`` greater than ``east`` is a box across 180 degrees."""

    south = latitude(required=True)
    west = longitude(required=True)
    north = latitude(required=True)
    east = longitude(required=True)
    limit = BoundedInt(load_default=40, validate=validate.Range(
        min=1, max=200, error=_l("Must be between {min} and {max}.")))

    @validates_schema
    def south_of_north(self, data, **_kwargs):
        if data.get("south", 0) > data.get("north", 0):
            raise ValidationError(_l("Must not be north of the northern edge."), "south")


class FoundPlaceOut(Schema):
    name = fields.String(required=True, metadata={"description": "In the caller's language."})
    country = fields.String(allow_none=True, metadata={
        "description": "The country's name in the caller's language."})
    country_code = fields.String(allow_none=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    population = fields.Integer(allow_none=True, metadata={
        "description": "null for a typed position."})
