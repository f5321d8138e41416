from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, fields, validate

from server.validation import BaseSchema, language, text

LENGTH = _l("Must be at most {max} characters.")


def _bounded(max_length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length, error=LENGTH), **kwargs)


class CallbackArgs(Schema):
    """What Kannel adds to every callback: the shared secret (checked in constant time)."""

    class Meta:
        unknown = EXCLUDE  # Kannel may add parameters of its own

    secret = _bounded(128, load_default="", metadata={
        "description": "SMS_CALLBACK_SECRET, put in the URL by Kannel's configuration."})


class DlrArgs(CallbackArgs):
    id = fields.Integer(required=True, strict=False, validate=validate.Range(min=1, max=2**31 - 1),
                        metadata={"description": "The sms_messages id (in the dlr-url), or the "
                                 "deliveries id with ``delivery``."})
    delivery = fields.Boolean(load_default=False, metadata={
        "description": "Whether ``id`` names a broadcast delivery (an alert or roll call)."})
    status = fields.Integer(required=True, validate=validate.Range(min=0, max=255), metadata={
        "description": "Kannel's %d: 1 delivered, 2 not delivered, 4 buffered, 8 accepted "
                       "by the SMSC, 16 refused by the SMSC."})
    answer = _bounded(500, load_default="", metadata={"description": "Kannel's %A (the receipt)."})
    smsc_id = _bounded(64, load_default="", metadata={"description": "Kannel's %F."})


class MoArgs(CallbackArgs):
    id = fields.String(required=True, validate=validate.Length(
        min=1, max=64, error=_l("Must be between {min} and {max} characters.")),
        metadata={"description": "Kannel's %I, unique per message (replays are ignored)."})
    sender = fields.String(required=True, data_key="from", validate=validate.Length(
        min=1, max=32, error=_l("Must be between {min} and {max} characters.")))
    to = _bounded(32, load_default=None)
    text = fields.String(load_default="", metadata={
        "description": "Kannel's %b: the text, URL-encoded in `charset`."})
    coding = fields.Integer(load_default=0, validate=validate.Range(min=0, max=2))
    charset = _bounded(32, load_default="UTF-8")


class CodeIn(BaseSchema):
    code = fields.String(required=True, validate=validate.Regexp(
        r"^\s*\d{6}\s*$", error=_l("Enter the 6 digits of the code.")))


class InboxArgs(BaseSchema):
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    before_id = fields.Integer(load_default=None, validate=validate.Range(min=1))


class InboxOut(BaseSchema):
    id = fields.Integer()
    sender = fields.String()
    text = fields.String()
    handled_as = fields.String(metadata={"description": "safe, help, sos, other or unknown "
                                                        "(a number proven on no account)"})
    user_id = fields.Integer(allow_none=True)
    embassy_id = fields.Integer(allow_none=True)
    rollcall_id = fields.Integer(allow_none=True)
    sos_case_id = fields.Integer(allow_none=True)
    received_at = fields.DateTime()


class PreviewIn(BaseSchema):
    texts = fields.Dict(keys=language(), values=text(1600, multiline=True), required=True,
                        validate=validate.Length(min=1, error=_l("Give at least one text.")))
    recipients = fields.Dict(keys=language(), values=fields.Integer(
        validate=validate.Range(min=0, max=10**9)), load_default=dict)
    link = text(300, load_default=None)


class LanguageCostOut(Schema):
    encoding = fields.String(metadata={"description": "gsm (GSM 03.38) or ucs2"})
    units = fields.Integer(metadata={"description": "septets (gsm) or UTF-16 units (ucs2)"})
    segments = fields.Integer()
    shortened = fields.Boolean()
    text = fields.String(metadata={"description": "the text as it would be sent"})
    messages = fields.Integer()
    total_segments = fields.Integer()


class PreviewOut(Schema):
    languages = fields.Dict(keys=fields.String(), values=fields.Nested(LanguageCostOut))
    messages = fields.Integer()
    total_segments = fields.Integer()
    max_segments = fields.Integer()


class Accepted(Schema):
    ok = fields.Boolean()
