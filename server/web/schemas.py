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
    plurals = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                          metadata={"description": "Plural messages: the forms of each, by "
                                                   "the singular msgid."})
    plural_index = fields.List(fields.Integer(), metadata={
        "description": "The form to use for n = 0..199; for n >= 200 use n % 100 + 100."})
