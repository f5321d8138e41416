from marshmallow import Schema, fields


class PlaceOut(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class SubdivisionOut(PlaceOut):
    type = fields.String()
    parent = fields.String(allow_none=True)
