from marshmallow import fields, validate

from server.broadcast.schemas import AreaOut
from server.hazards.models import STATES
from server.validation import BaseSchema, choice


class EventListArgs(BaseSchema):
    state = choice(STATES, load_default="open")
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class EventOut(BaseSchema):
    id = fields.Integer()
    feed = fields.String()
    source_id = fields.String()
    kind = fields.String(metadata={"description": "earthquake, cyclone, flood, volcano, "
                                   "drought, wildfire or other."})
    title = fields.String()
    level = fields.String(metadata={"description": "green, yellow, orange or red."})
    magnitude = fields.Float(allow_none=True)
    depth_km = fields.Float(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    country = fields.String(allow_none=True)
    state = fields.String()
    effective = fields.DateTime()
    expires = fields.DateTime()
    areas = fields.List(fields.Nested(AreaOut))
    counts = fields.Dict(allow_none=True, metadata={
        "description": "people, residents, travelers, channels {push: n}, by_mission, "
                       "by_city; null until counted (within a minute of arriving)."})
    counted_at = fields.DateTime(allow_none=True)
    updated_at = fields.DateTime()


class RollCallDraftOut(BaseSchema):
    """The body of POST /api/staff/rollcalls, to review and send as is."""

    texts = fields.List(fields.Dict())
    areas = fields.List(fields.Nested(AreaOut))
    deadline = fields.DateTime()
