from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from server.validation import BaseSchema, BoundedInt, text


class PlaceOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class SubdivisionOut(PlaceOut):
    type = fields.String()
    parent = fields.String(allow_none=True)


class PlaceSearchArgs(BaseSchema):
    q = text(100, required=True, min_length=1, metadata={
        "description": "A city's name in any script (prefix, case and accents ignored), "
                       "or a position typed as \"lat, lon\"."})
    limit = BoundedInt(load_default=10, validate=validate.Range(
        min=1, max=50, error=_l("Must be between {min} and {max}.")))


class FoundPlaceOut(Schema):
    name = fields.String(required=True, metadata={"description": "In the caller's language."})
    country = fields.String(allow_none=True, metadata={
        "description": "The country's name in the caller's language."})
    country_code = fields.String(allow_none=True)
    lat = fields.Float(required=True)
    lon = fields.Float(required=True)
    population = fields.Integer(allow_none=True, metadata={
        "description": "null for a typed position."})
