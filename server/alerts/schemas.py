from datetime import UTC

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError, fields, validate, validates_schema

from server.alerts import services as rules
from server.alerts.models import CATEGORIES, CERTAINTIES, STATES, STATUSES, URGENCIES
from server.broadcast.models import SEVERITIES
from server.broadcast.schemas import (
    AreaOut,
    PushesOut,
    ReachOut,
    areas_field,
    language_problems,
    texts_field,
)
from server.sms.schemas import PreviewOut as SmsCostOut
from server.validation import BaseSchema, BoundedInt, choice, language, text


def https_url(**kwargs) -> fields.Url:
    return fields.Url(schemes={"https"}, validate=validate.Length(
        max=500, error=_l("Must be at most {max} characters.")), **kwargs)


class TextIn(BaseSchema):
    language = language(required=True)
    headline = text(160, required=True, min_length=1)
    description = text(8000, required=True, min_length=1, multiline=True)
    instruction = text(8000, load_default=None, allow_none=True, multiline=True)
    web = https_url(load_default=None, allow_none=True)


class AlertIn(BaseSchema):
    status = choice(STATUSES, load_default="Actual")
    msg_type = choice(("Alert", "Update"), load_default="Alert", metadata={
        "description": "Cancel through POST .../cancel."})
    references = BoundedInt(load_default=None, allow_none=True, metadata={
        "description": "For an Update: the id of the sent alert it updates."})
    category = choice(CATEGORIES, required=True)
    event = text(100, required=True, min_length=1)
    urgency = choice(URGENCIES, required=True)
    severity = choice(SEVERITIES, required=True)
    certainty = choice(CERTAINTIES, required=True)
    effective = fields.AwareDateTime(default_timezone=UTC, load_default=None, allow_none=True,
                                     metadata={"description": "Default: now."})
    expires = fields.AwareDateTime(default_timezone=UTC, required=True)
    texts = texts_field(TextIn)
    areas = areas_field()

    @validates_schema
    def check_alert(self, data, partial=False, **_kwargs):
        errors = {}
        texts = language_problems(data.get("texts"))
        if texts:
            errors["texts"] = texts
        if data.get("msg_type") == "Update" and not data.get("references") and not partial:
            errors["references"] = [_l("An update names the alert it updates.")]
        if errors:
            raise ValidationError(errors)


ALERT_FIELDS = tuple(AlertIn._declared_fields)


class ListArgs(BaseSchema):
    state = choice(STATES, load_default=None)
    before = BoundedInt(load_default=None, metadata={"description": "Keyset: ids below."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class TextOut(BaseSchema):
    language = fields.String()
    headline = fields.String()
    description = fields.String()
    instruction = fields.String(allow_none=True)
    web = fields.String(allow_none=True)


class CapInfoOut(BaseSchema):
    """The CAP fields of an alert that staff and its recipients both see."""

    id = fields.Integer()
    msg_type = fields.String()
    category = fields.String()
    event = fields.String()
    urgency = fields.String()
    severity = fields.String()
    certainty = fields.String()
    effective = fields.DateTime()
    expires = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


class ReachedOut(BaseSchema):
    reached = fields.Integer(metadata={"description": "People with a delivery sent."})
    people = fields.Integer(metadata={"description": "People it was sent to."})


class AlertOut(CapInfoOut):
    identifier = fields.String()
    embassy_id = fields.Integer(allow_none=True)
    sender = fields.String()
    status = fields.String()
    references = fields.Integer(attribute="references_id", allow_none=True)
    state = fields.String()
    needs_second_person = fields.Boolean(metadata={
        "description": "Severe or Extreme: someone other than its drafter must approve it "
                       "before it is sent."})
    can_approve = fields.Function(lambda alert: rules.can_approve(current_user, alert),
                                  metadata={"description": "The signed-in staff member may "
                                            "approve it as the second person it waits for."})
    can_send = fields.Function(lambda alert: rules.can_send(current_user, alert), metadata={
        "description": "The signed-in staff member may send it now (a sent one: again, to "
                       "people who arrived in the area since)."})
    drafted_by_id = fields.Integer(allow_none=True)
    approved_by_id = fields.Integer(allow_none=True)
    approved_at = fields.DateTime(allow_none=True)
    cancelled_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    texts = fields.List(fields.Nested(TextOut))
    areas = fields.List(fields.Nested(AreaOut))
    reach = fields.Nested(ReachedOut, allow_none=True, metadata={
        "description": "In the list only: people reached of people sent to (null: not sent)."})


class SendBackIn(BaseSchema):
    comment = text(2000, required=True, min_length=1, multiline=True)


class AlertRulesOut(BaseSchema):
    """What the composer needs to know before a draft is saved (the server decides after)."""

    two_person_severities = fields.List(fields.String(), metadata={
        "description": "Severities whose alerts need a second person's approval."})


class InboxAlertOut(CapInfoOut, TextOut):
    """An alert as its recipient sees it: in their language, with their click."""

    references = fields.Integer(allow_none=True)
    cancelled = fields.Boolean()
    clicked_at = fields.DateTime(allow_none=True)


class AudienceOut(ReachOut):
    by_language = fields.Dict(keys=fields.String(), values=fields.Integer())
    cost = fields.Dict(keys=fields.String(), values=fields.Nested(SmsCostOut), metadata={
        "description": "What a channel that costs per message would cost (sms: per language "
                       "its encoding, segments and SMS count, and the totals)."})


class SeriesPointOut(BaseSchema):
    at = fields.DateTime(metadata={"description": "The end of the bucket."})
    sent = fields.Integer(metadata={"description": "Handed to their channel by then."})
    clicked = fields.Integer(metadata={"description": "Opened by then."})


class SeriesOut(BaseSchema):
    """Cumulative counts over time, from the sending, in buckets of ``step`` seconds chosen
    from the duration (at most about 120 points)."""

    step = fields.Integer()
    points = fields.List(fields.Nested(SeriesPointOut))


class DeliveryStatsOut(PushesOut):
    clicked = fields.Integer()
    series = fields.Nested(SeriesOut)
