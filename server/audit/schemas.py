from datetime import UTC

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from server.validation import BaseSchema, BoundedInt


class AuditSearchArgs(BaseSchema):
    actor = fields.String(validate=validate.Length(max=254), metadata={
        "description": "A user id or an email address."})
    action = fields.String(validate=validate.Length(max=65), metadata={
        "description": "An action such as sos.view; ending in * matches a prefix (sos.*)."})
    target_type = fields.String(validate=validate.Length(max=32))
    target_id = fields.String(validate=validate.Length(max=64))
    since = fields.AwareDateTime(default_timezone=UTC, metadata={"description": "inclusive"})
    until = fields.AwareDateTime(default_timezone=UTC, metadata={"description": "exclusive"})
    before_id = BoundedInt(metadata={
        "description": "The next_before_id of the previous page."})
    limit = fields.Integer(load_default=50, validate=validate.Range(
        min=1, max=500, error=_l("Must be between {min} and {max}.")))


class AuditEventOut(BaseSchema):
    id = fields.Integer()
    created_at = fields.DateTime()
    actor_id = fields.Integer(allow_none=True)
    actor_label = fields.String()
    action = fields.String()
    target_type = fields.String(allow_none=True)
    target_id = fields.String(allow_none=True)
    embassy_id = fields.Integer(allow_none=True)
    details = fields.Dict()
    address = fields.String(allow_none=True)


class AuditPageOut(BaseSchema):
    events = fields.List(fields.Nested(AuditEventOut))
    next_before_id = fields.Integer(allow_none=True, metadata={
        "description": "Pass as before_id for the next (older) page; null: no more."})
