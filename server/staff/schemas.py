from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from server.accounts.models import STAFF_ROLES
from server.accounts.schemas import LoginIn
from server.places import services as places
from server.staff.travelers import today
from server.trips.schemas import TripOut
from server.validation import BaseSchema, BoundedInt, language, text


class StaffLoginIn(LoginIn):
    totp = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=10),
                         metadata={"description": "The code from the authenticator app; "
                                                  "leave out on the first sign-in (enrolment)."})


class StaffEnrolIn(LoginIn):
    totp = fields.String(required=True, validate=validate.Length(max=10), metadata={
        "description": "A code from the authenticator app, after scanning the QR code."})


class MissionBriefOut(BaseSchema):
    id = fields.Integer()
    key = fields.String()
    kind = fields.String()
    country = fields.String()
    name = fields.Function(lambda mission: mission.localized_name(str(get_locale())))


class StaffMePatch(BaseSchema):
    language = language(required=True, metadata={
        "description": "The console's language: names and messages made by the server follow it."})


class StaffMeOut(BaseSchema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    language = fields.String()
    embassy = fields.Nested(MissionBriefOut, allow_none=True)
    jurisdiction = fields.List(fields.String(), allow_none=True, metadata={
        "description": "Country and region codes covered; null: everywhere (admins)."})
    idle_expires_at = fields.DateTime(allow_none=True, metadata={
        "description": "The session ends at this time without activity."})
    expires_at = fields.DateTime(allow_none=True, metadata={
        "description": "The session ends at this time whatever the activity."})
    now = fields.DateTime(metadata={
        "description": "The server's time: the deadlines above are on its clock."})


class SignInOut(StaffMeOut):
    """Either the signed-in staff member, or (enrolment_required) the authenticator to set up."""

    enrolment_required = fields.Boolean()
    otpauth_uri = fields.String(metadata={"description": "For authenticator apps (QR code)."})
    secret = fields.String(metadata={"description": "The same secret, for typing it in."})
    qr_svg = fields.String(metadata={"description": "The QR code, an SVG data: URI."})


class StaffUserIn(BaseSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = text(200, required=True, min_length=1)
    role = fields.String(required=True, validate=validate.OneOf(
        STAFF_ROLES, error=_l("Must be one of: {choices}.")))
    embassy_id = BoundedInt(load_default=None, allow_none=True, strict=True)
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=128))


class StaffPasswordIn(BaseSchema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=128),
                             metadata={"description": "The new password (at least 12 "
                                       "characters); give it to them in person."})


class StaffUserPatch(BaseSchema):
    role = fields.String(validate=validate.OneOf(
        STAFF_ROLES, error=_l("Must be one of: {choices}.")))
    embassy_id = BoundedInt(allow_none=True, strict=True)
    disabled = fields.Boolean()
    reset_totp = fields.Boolean(metadata={
        "description": "true: the authenticator is set up again at the next sign-in."})

    @validates_schema
    def check_patch(self, data, **_kwargs):
        if not data:
            raise ValidationError(_l("Give at least one change."), "role")


class StaffUserOut(BaseSchema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    embassy_id = fields.Integer(allow_none=True)
    embassy = fields.Nested(MissionBriefOut, allow_none=True)
    disabled = fields.Boolean()
    totp_enrolled = fields.Function(lambda user: user.totp_secret is not None)
    locked_until = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class TravelerSearchArgs(BaseSchema):
    q = text(100, required=True, min_length=2, metadata={
        "description": "Part of a name, or of a phone number (digits, any format)."})


class TravelerOut(BaseSchema):
    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    phone = fields.String(allow_none=True)
    language = fields.String()
    created_at = fields.DateTime()


def _status(leg) -> str:
    return "upcoming" if leg.start_date > today() else "current"


class StayOut(BaseSchema):
    country = fields.String()
    country_name = fields.Function(lambda leg: places.country_name(leg.country, str(get_locale())))
    subdivision = fields.String(allow_none=True)
    subdivision_name = fields.Function(lambda leg: leg.subdivision and places.subdivision_name(
        leg.subdivision, str(get_locale())))
    city = fields.String(allow_none=True)
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    status = fields.Function(_status, metadata={"description": "current or upcoming"})
    trip_id = fields.Integer()


class SearchResultOut(BaseSchema):
    traveler = fields.Nested(TravelerOut)
    stays = fields.List(fields.Nested(StayOut), metadata={
        "description": "The traveler's stays in your jurisdiction that have not ended."})


class TravelerRecordOut(BaseSchema):
    traveler = fields.Nested(TravelerOut)
    trips = fields.List(fields.Nested(TripOut), metadata={
        "description": "Trips with a stay in your jurisdiction that has not ended."})


class CountsOut(BaseSchema):
    current = fields.Integer()
    upcoming = fields.Integer()


class RegionCountsOut(CountsOut):
    subdivision = fields.String(allow_none=True, metadata={"description": "null: not given"})
    name = fields.String(allow_none=True)


class CountryCountsOut(CountsOut):
    country = fields.String()
    name = fields.String()
    regions = fields.List(fields.Nested(RegionCountsOut))


class SummaryOut(BaseSchema):
    as_of = fields.Date()
    totals = fields.Nested(CountsOut)
    countries = fields.List(fields.Nested(CountryCountsOut))

