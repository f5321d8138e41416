from marshmallow import Schema, fields

from server.validation import displayed


class LanguageOut(Schema):
    code = fields.String()
    name = fields.String()
    dir = fields.String()


class PublicConfigOut(Schema):
    ministry_name = fields.String()
    home_country = fields.String()
    hotline = fields.String(metadata={"description": "Global consular hotline, E.164"})
    hotline_display = displayed("hotline")
    languages = fields.List(fields.Nested(LanguageOut))
    default_language = fields.String()


class CatalogOut(Schema):
    locale = fields.String()
    dir = fields.String()
    messages = fields.Dict(keys=fields.String(), values=fields.String())
