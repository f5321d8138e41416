"""Field types shared by every feature's schemas: phone, places, coordinates, bounded text and
bounded integers."""
from __future__ import annotations

import re

import phonenumbers
from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate
from werkzeug.routing import IntegerConverter, PathConverter

from server.db import DB_INT_MAX
from server.errors import Coded
from server.places import services as places

SURROGATE_MESSAGE = _l("Contains characters that are not valid text.")


class BaseSchema(Schema):
    """Unknown fields are refused, so a typo is reported instead of silently dropped."""

    class Meta:
        unknown = RAISE

    @pre_load
    def refuse_lone_surrogates(self, data, **_kwargs):
        """JSON may escape half a UTF-16 pair (``"\\ud800"``); no column or response can encode
        it, so it is refused here, naming the field, instead of failing in the driver (500)."""
        if isinstance(data, dict):
            bad = {key: [_refusal(found)] for key, value in data.items()
                   if (found := _unencodable(key) or _unencodable(value))}
            if bad:
                raise ValidationError(bad)
        return data


def _unencodable(value) -> str | None:
    """The first string in ``value`` that cannot be encoded, if any. Objects inside it are
    left to their own (nested) schema, which names their field. A loop, not recursion: the
    JSON parser accepts nesting deeper than the stack left by the time a schema runs."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return item
        elif isinstance(item, list):
            pending.extend(item)
    return None


def _refusal(value: str):
    """The message for a string holding a character no field may hold: the first one named,
    as ``SafeText`` names it."""
    bad = UNSAFE.search(value)
    if bad is None:
        return SURROGATE_MESSAGE
    return _l("Contains a character that is not allowed ({char}).").format(
        char=f"U+{ord(bad.group()):04X}")


class BoundedInt(fields.Integer):
    """An integer the database column can hold (ids by default: 1..2**31-1), so a larger one
    is a 422 naming the field, never an overflow in the database driver (500)."""

    def __init__(self, *, minimum: int = 1, maximum: int = DB_INT_MAX, **kwargs):
        bounds = validate.Range(min=minimum, max=maximum,
                                error=_l("Must be between {min} and {max}."))
        extra = kwargs.pop("validate", None) or []
        super().__init__(validate=[bounds, *([extra] if callable(extra) else extra)], **kwargs)


# What XML 1.0 cannot carry at all (§2.2: C0 controls but tab, LF and CR; lone surrogates;
# U+FFFE, U+FFFF): one of them in a CAP document or the Atom feed and it does not parse.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Refused in any typed text: the above, DEL and C1 controls (never typed, and unprintable in
# exports), and the bidi overrides, which reverse what follows so one text reads as another.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                    "\u202d\u202e]")
# Refused too on one line (names, headlines, cities): line breaks and tabs, and the bidi
# embeddings and isolates (a name is shown inside the console's own text direction). The
# direction marks (U+200E, U+200F, U+061C) stay allowed: Arabic text needs them.
LINE_UNSAFE = re.compile("[\t\n\r\u202a-\u202c\u2066-\u2069]")


def strip_xml_invalid(value: str | None) -> str | None:
    """``value`` without what XML 1.0 cannot carry: the writers' guard for older rows."""
    return XML_INVALID.sub("", value) if value else value


class SafeText(validate.Validator):
    """Refuse control and bidi-override characters (see ``UNSAFE``), and on one line
    (``multiline=False``) line breaks and bidi embeddings too, naming the character."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value: str) -> str:
        bad = UNSAFE.search(value) or (None if self.multiline else LINE_UNSAFE.search(value))
        if bad is None:
            return value
        if bad.group() in "\t\n\r":
            # A list: marshmallow would iterate a bare lazy string, one letter per message.
            raise ValidationError([_l("Must be on one line.")])
        raise ValidationError(_refusal(bad.group()))


class NotBlank(validate.Validator):
    """Refuse an empty string with a message that says what to type, coded ``required``
    (``validate.Length`` formats its message, which would drop the code)."""

    def __init__(self, message):
        self.message = Coded("required", message)

    def __call__(self, value: str) -> str:
        if not value:
            raise ValidationError([self.message])
        return value


def text(max_length: int, *, required: bool = False, min_length: int = 0,
         multiline: bool = False, empty=None, **kwargs) -> fields.String:
    """A trimmed string with a bounded length, free of unsafe characters (``SafeText``),
    with localized errors; ``multiline`` allows line breaks (descriptions, notes). ``empty``
    is what a person is told when it is missing or blank ("Enter your name.")."""
    checks = [validate.Length(max=max_length, error=Coded(
        "too_long", _l("Must be at most {max} characters.")))]
    if min_length and empty:
        checks.insert(0, NotBlank(empty))
    elif min_length:
        checks.insert(0, validate.Length(min=min_length, max=max_length,
                                         error=_l("Must be between {min} and {max} characters.")))
    if empty:
        kwargs["error_messages"] = {"required": Coded("required", empty),
                                    "null": Coded("required", empty)}
    return Trimmed(required=required, validate=[*checks, SafeText(multiline)], **kwargs)


class Trimmed(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def phone_display(number: str | None) -> str | None:
    """A stored number as people read it: international format (``+33 1 99 00 12 35``)."""
    if not number:
        return number
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def displayed(attribute: str) -> fields.Function:
    """The output field ``<attribute>_display``: that number formatted for display (the
    ``attribute`` itself stays E.164 for dialling and for programs)."""
    from marshmallow.utils import get_value

    return fields.Function(lambda obj: phone_display(get_value(obj, attribute)), allow_none=True,
                           metadata={"description": f"`{attribute}` formatted for display."})


PHONE_EMPTY = Coded("required", _l("Enter a phone number."))
PHONE_INVALID = Coded("invalid_phone", _l("This is not a phone number we can call. Enter it "
                                           "with its country code, for example +33 6 12 34 56 78."))


class Phone(fields.String):
    """A phone number, stored as E.164; a number without ``+`` is read as a home-country one."""

    default_error_messages = {"required": PHONE_EMPTY, "null": PHONE_EMPTY}

    def _deserialize(self, value, attr, data, **kwargs):
        raw = super()._deserialize(value, attr, data, **kwargs).strip()
        if not raw:
            raise ValidationError([PHONE_EMPTY])
        try:
            number = phonenumbers.parse(raw, current_app.config["HOME_COUNTRY"])
        except phonenumbers.NumberParseException as exc:
            raise ValidationError([PHONE_INVALID]) from exc
        if len(raw) > 32 or not phonenumbers.is_valid_number(number):
            raise ValidationError([PHONE_INVALID])
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


COUNTRY_EMPTY = Coded("required", _l("Choose a country."))


class CountryCode(fields.String):
    """ISO 3166-1 alpha-2, upper case."""

    default_error_messages = {"required": COUNTRY_EMPTY, "null": COUNTRY_EMPTY}

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if not code:
            raise ValidationError([COUNTRY_EMPTY])
        if not places.is_country(code):
            raise ValidationError([Coded("unknown_country",
                                         _l("Choose a country from the list."))])
        return code


class SubdivisionCode(fields.String):
    """ISO 3166-2 code such as ``US-CA``."""

    def _deserialize(self, value, attr, data, **kwargs):
        code = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if not places.is_subdivision(code):
            raise ValidationError([Coded("unknown_region", _l("Choose a region from the list."))])
        return code


def latitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(
        min=-90, max=90, error=_l("Latitude must be between -90 and 90.")), **kwargs)


def longitude(**kwargs) -> fields.Float:
    return fields.Float(validate=validate.Range(
        min=-180, max=180, error=_l("Longitude must be between -180 and 180.")), **kwargs)


ONE_OF = _l("Must be one of: {choices}.")


def choice(values, **kwargs) -> fields.String:
    """A string that must be one of ``values``."""
    return fields.String(validate=validate.OneOf(values, error=ONE_OF), **kwargs)


def language(**kwargs) -> fields.String:
    from server.config import LANGUAGES

    return choice(LANGUAGES, **kwargs)


def calendar_day(**kwargs) -> fields.Date:
    """A calendar day; a missing or unreadable one says "Choose a date."."""
    choose = Coded("required", _l("Choose a date."))
    return fields.Date(error_messages={"required": choose, "null": choose, "invalid": choose},
                       **kwargs)


class DatabaseInt(IntegerConverter):
    """``<int:...>`` in URLs, bounded to what an id column holds (32-bit signed): a larger
    number is simply no route (404), never an overflow in the database driver (500)."""

    def __init__(self, map, fixed_digits=0, min=None, max=DB_INT_MAX,  # noqa: A002
                 signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class ShellPath(PathConverter):
    """The PWA's files: never under ``/api/``. Were ``/api/trips/abc`` to match the (GET-only)
    shell route, a PATCH there would answer 405 instead of the 404 of an unknown id."""

    regex = r"(?!api/)[^/].*?"


def install_converters(app) -> None:
    """Before any route is added: every ``<int:...>`` becomes a bounded one, and the OpenAPI
    document says so (``maximum``); ``<shell:...>`` for the PWA's files."""
    from flask_smorest.spec.plugins import integerconverter2paramschema

    from server.extensions import api

    app.url_map.converters["int"] = DatabaseInt
    app.url_map.converters["shell"] = ShellPath
    api.register_converter(DatabaseInt, integerconverter2paramschema)
