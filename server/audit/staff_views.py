"""Audit log search for admins, on the staff blueprint (``/api/staff/audit``). Read only:
no endpoint changes or deletes an event."""
from flask.views import MethodView
from flask_login import current_user

from server.audit import services
from server.audit.schemas import AuditPageOut, AuditSearchArgs
from server.staff import blp
from server.staff.scope import require_staff


@blp.route("/audit")
class AuditLog(MethodView):
    decorators = [require_staff("admin")]

    @blp.arguments(AuditSearchArgs, location="query")
    @blp.response(200, AuditPageOut)
    def get(self, args):
        """Search the audit log, newest first (admins); page with before_id"""
        events = services.search(**args)
        filters = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in args.items()}
        services.record(current_user, "audit.search", filters=filters)
        more = len(events) == args["limit"]
        return {"events": events, "next_before_id": events[-1].id if more and events else None}
