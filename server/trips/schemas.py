from datetime import date, timedelta

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from server.embassies import services as embassies
from server.embassies.schemas import MissionOut
from server.places import services as places
from server.trips.models import PURPOSES
from server.validation import (
    BaseSchema,
    BoundedInt,
    CountryCode,
    Phone,
    SubdivisionCode,
    calendar_day,
    displayed,
    language,
    latitude,
    longitude,
    phone_display,
    text,
)

MAX_LEGS = 30
MAX_COMPANIONS = 30


def _date_bounds() -> tuple[date, date]:
    today = date.today()
    cfg = current_app.config
    return (today - timedelta(days=365 * cfg["MAX_TRIP_YEARS_BACK"]),
            today + timedelta(days=365 * cfg["MAX_TRIP_YEARS_AHEAD"]))


class LegIn(BaseSchema):
    country = CountryCode(required=True)
    subdivision = SubdivisionCode(load_default=None, allow_none=True)
    city = text(100, load_default=None, allow_none=True)
    lat = latitude(load_default=None, allow_none=True)
    lon = longitude(load_default=None, allow_none=True)
    start_date = calendar_day(required=True)
    end_date = fields.Date(load_default=None, allow_none=True,
                           error_messages={"invalid": _l("Choose a date.")})

    @validates_schema
    def check_leg(self, leg, **_kwargs):
        errors = {}
        sub = leg.get("subdivision")
        if sub and places.subdivision_country(sub) != leg.get("country"):
            errors["subdivision"] = [_l("This region is not in the chosen country.")]
        if (leg.get("lat") is None) != (leg.get("lon") is None):
            errors["lon" if leg.get("lon") is None else "lat"] = [
                _l("Give both latitude and longitude, or neither.")]
        earliest, latest = _date_bounds()
        for key in ("start_date", "end_date"):
            value = leg.get(key)
            if value and not earliest <= value <= latest:
                errors[key] = [_l("This date is too far in the past or the future.")]
        start, end = leg.get("start_date"), leg.get("end_date")
        if start and end and end < start and "end_date" not in errors:
            errors["end_date"] = [_l("The end date is before the start date.")]
        if errors:
            raise ValidationError(errors)


class CompanionIn(BaseSchema):
    name = text(200, required=True, min_length=1, empty=_l("Enter their name."))
    relationship = text(50, load_default=None, allow_none=True)
    phone = Phone(load_default=None, allow_none=True)
    nationality = CountryCode(load_default=None, allow_none=True)


class EmergencyContactIn(BaseSchema):
    name = text(200, required=True, min_length=1, empty=_l("Enter their name."))
    phone = Phone(required=True)
    email = fields.Email(load_default=None, allow_none=True,
                         validate=validate.Length(max=254))
    language = language(load_default=None, allow_none=True, metadata={
        "description": "The language of the messages the contact gets (default: mine)."})
    consent = fields.Boolean(load_default=False, metadata={
        "description": "true: the contact is told (by email, else by SMS) when I answer "
                       "\"I am safe\" to a roll call and when my SOS case is opened and "
                       "closed; only my name, the fact and the hotline."})


MISSION_CONTACTS = MissionOut(only=(
    "id", "kind", "name", "city", "address", "lat", "lon", "phone", "emergency_phone", "email",
    "hours", "phone_display", "emergency_phone_display"))


def _legs_in_order(legs: list[dict]) -> dict:
    """Field errors for legs that overlap, or an open-ended leg that is not the last."""
    errors: dict = {}
    ordered = sorted(enumerate(legs), key=lambda item: item[1]["start_date"])
    for (_, leg), (index, following) in zip(ordered, ordered[1:], strict=False):
        if leg["end_date"] is None or leg["end_date"] > following["start_date"]:
            errors[index] = {"start_date": [_l("This stay overlaps another stay of the trip.")]}
    return errors


class TripIn(BaseSchema):
    purpose = fields.String(required=True, validate=validate.OneOf(
        PURPOSES, error=_l("Must be one of: {choices}.")))
    notes = text(1000, load_default=None, allow_none=True, multiline=True)
    legs = fields.List(fields.Nested(LegIn), required=True, validate=validate.Length(
        min=1, max=MAX_LEGS, error=_l("Give between {min} and {max} stays.")))
    companions = fields.List(fields.Nested(CompanionIn), load_default=list,
                             validate=validate.Length(max=MAX_COMPANIONS,
                                                      error=_l("At most {max} companions.")))
    emergency_contact = fields.Nested(EmergencyContactIn, required=True)
    version = BoundedInt(minimum=0, load_only=True, metadata={
        "description": "The version you edited; a stale one is refused with 409."})

    @validates_schema
    def check_legs(self, trip, **_kwargs):
        if trip.get("legs"):
            errors = _legs_in_order(trip["legs"])
            if errors:
                raise ValidationError({"legs": errors})


TRIP_FIELDS = ("purpose", "notes", "legs", "companions", "emergency_contact", "version")


class LegOut(BaseSchema):
    id = fields.Integer()
    country = fields.String()
    country_name = fields.Function(lambda leg: places.country_name(leg.country, str(get_locale())))
    subdivision = fields.String(allow_none=True)
    subdivision_name = fields.Function(
        lambda leg: leg.subdivision and places.subdivision_name(leg.subdivision, str(get_locale())))
    city = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    mission = fields.Method("serving_mission", metadata={
        "description": "The mission responsible for this stay, with its contacts."})

    def serving_mission(self, leg):
        mission = embassies.serving(leg.country, leg.subdivision)
        return MISSION_CONTACTS.dump(mission) if mission else None


class CompanionOut(BaseSchema):
    name = fields.String()
    relationship = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    phone_display = displayed("phone")
    nationality = fields.String(allow_none=True)


class TripOut(BaseSchema):
    id = fields.Integer()
    purpose = fields.String()
    notes = fields.String(allow_none=True)
    status = fields.Function(lambda trip: trip.status())
    start_date = fields.Date()
    end_date = fields.Date(allow_none=True)
    legs = fields.List(fields.Nested(LegOut))
    companions = fields.List(fields.Nested(CompanionOut))
    emergency_contact = fields.Function(lambda trip: {
        "name": trip.emergency_contact_name, "phone": trip.emergency_contact_phone,
        "phone_display": phone_display(trip.emergency_contact_phone),
        "email": trip.emergency_contact_email, "language": trip.emergency_contact_language,
        "consent": trip.emergency_contact_consent})
    version = fields.Integer()
    updated_at = fields.DateTime()


class TripListArgs(BaseSchema):
    when = fields.String(load_default="all", validate=validate.OneOf(
        ("all", "current", "upcoming", "past"), error=_l("Must be one of: {choices}.")))
