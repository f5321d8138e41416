from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from server.accounts import passwords
from server.errors import EMAIL_INVALID, Coded
from server.validation import BaseSchema, Phone, displayed, language, text

PASSWORD = dict(
    required=True, load_only=True,
    validate=[validate.Length(min=10, max=128,
                              error=_l("Must be between {min} and {max} characters.")),
              passwords.validate_new])
# A password typed to prove who one is: any length is checked against the hash, up to a bound.
GIVEN_PASSWORD = dict(required=True, load_only=True, validate=validate.Length(max=128))


EMAIL_EMPTY = Coded("required", _l("Enter your email address."))


class SignupIn(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254), error_messages={
        "required": EMAIL_EMPTY, "null": EMAIL_EMPTY,
        # marshmallow wants a plain string here: translated when sent (server.errors.localize).
        "invalid": EMAIL_INVALID})
    password = fields.String(**PASSWORD)
    name = text(200, required=True, min_length=1, empty=_l("Enter your name."))
    phone = Phone(required=True)
    language = language(load_default=None)


class SignupAccepted(BaseSchema):
    """The answer to a sign-up (and to a resend), the same whether or not the address is taken."""

    status = fields.String(metadata={
        "description": "Always `confirmation_sent`: the account exists once the link mailed to "
                       "the address is opened.", "enum": ["confirmation_sent"]})


class SignupResendIn(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(max=254))


class LoginIn(BaseSchema):
    """Email and password (travelers; staff add their authenticator code)."""

    email = fields.String(required=True, validate=validate.Length(max=254))
    password = fields.String(**GIVEN_PASSWORD)


class ProfilePatch(BaseSchema):
    name = text(200, min_length=1, empty=_l("Enter your name."))
    phone = Phone()
    language = language()
    location_consent = fields.Boolean()
    email_all_alerts = fields.Boolean(metadata={
        "description": "Every alert by email too (by default only Severe and Extreme ones, "
                       "and everything when there is no push device)."})


class PasswordChangeIn(BaseSchema):
    current_password = fields.String(**GIVEN_PASSWORD)
    new_password = fields.String(**PASSWORD)


class PasswordConfirmIn(BaseSchema):
    password = fields.String(**GIVEN_PASSWORD)


class UserOut(BaseSchema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    phone = fields.String(allow_none=True, metadata={"description": "null for staff."})
    phone_display = displayed("phone")
    phone_verified = fields.Boolean()
    email_verified = fields.Boolean(metadata={"description": "The address was proven by a link."})
    pending_email = fields.String(allow_none=True, metadata={
        "description": "A new address waiting for its link to be opened."})
    language = fields.String()
    role = fields.String()
    embassy_id = fields.Integer(allow_none=True)
    location_consent = fields.Boolean()
    email_all_alerts = fields.Boolean()
    created_at = fields.DateTime()


class ExportOut(BaseSchema):
    """GET /api/me/export: the profile and each feature's records (server/accounts/privacy.py)."""

    profile = fields.Nested(UserOut)
    trips = fields.List(fields.Dict())
    sos = fields.List(fields.Dict())
    devices = fields.List(fields.Dict())
    rollcall_answers = fields.List(fields.Dict())


class EmailChangeIn(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))


class ForgotIn(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(max=254))


class ResetIn(BaseSchema):
    token = fields.String(required=True, validate=validate.Length(max=500))
    password = fields.String(**PASSWORD)
