from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from server.validation import BaseSchema, Phone, language, text

PASSWORD = dict(
    required=True, load_only=True,
    validate=validate.Length(min=10, max=128,
                             error=_l("Must be between {min} and {max} characters.")))


class SignupIn(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    password = fields.String(**PASSWORD)
    name = text(200, required=True, min_length=1)
    phone = Phone(required=True)
    language = language(load_default=None)


class LoginIn(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=128))


class ProfilePatch(BaseSchema):
    name = text(200, min_length=1)
    phone = Phone()
    language = language()
    location_consent = fields.Boolean()


class PasswordChangeIn(BaseSchema):
    current_password = fields.String(required=True, validate=validate.Length(max=128))
    new_password = fields.String(**PASSWORD)


class PasswordConfirmIn(BaseSchema):
    password = fields.String(required=True, validate=validate.Length(max=128))


class UserOut(BaseSchema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    phone = fields.String()
    language = fields.String()
    role = fields.String()
    embassy_id = fields.Integer(allow_none=True)
    location_consent = fields.Boolean()
    created_at = fields.DateTime()
