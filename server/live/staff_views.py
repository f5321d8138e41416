"""``GET /api/staff/events``: the console's live stream (on the staff blueprint)."""
from flask import Response, current_app, request
from flask.views import MethodView
from flask_login import current_user

from server import live
from server.db import db
from server.live import stream
from server.staff import blp
from server.staff.scope import require_staff

DOC = {"responses": {"200": {
    "description": "Server-sent events, one per line group (id, event, data as JSON with "
                   "embassy_id). Event types: " + ", ".join(live.EVENT_TYPES) + ". "
                   "Comment lines are heartbeats; reconnect with Last-Event-ID.",
    # One event of the stream (as OpenAPI 3.2 describes event streams): data is JSON text.
    "content": {"text/event-stream": {"schema": {
        "type": "object", "required": ["data"],
        "properties": {"id": {"type": "string"},
                       "event": {"type": "string", "enum": list(live.EVENT_TYPES)},
                       "data": {"type": "string", "contentMediaType": "application/json"},
                       "retry": {"type": "integer"}}}}}}}}


@blp.route("/events")
class StaffEvents(MethodView):
    @require_staff()
    @blp.doc(**DOC)
    def get(self):
        """Live events of my mission: SOS cases, approvals, delivery progress, roll-call answers"""
        given = request.headers.get("Last-Event-ID") or request.args.get("last")
        try:
            last_id = int(given) if given else None  # None: from now on
        except ValueError:
            last_id = None
        mission, everything = current_user.embassy_id, current_user.role == "admin"
        seconds = current_app.config.get("LIVE_STREAM_SECONDS", 300)
        db.session.remove()  # the stream never holds a database connection
        body = stream.events(live.hub(), mission=mission, everything=everything,
                             last_id=last_id, seconds=seconds)
        return Response(body, mimetype="text/event-stream",
                        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
