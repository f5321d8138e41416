"""The SOS queue for embassy staff, on the staff blueprint (``/api/staff/sos``)."""
from flask.views import MethodView
from flask_login import current_user

from server.sos import services
from server.sos.schemas import QUEUE_CASES, STAFF_CASE, CaseListArgs, CasePatch
from server.staff import blp
from server.staff.scope import require_staff


@blp.route("/sos")
class StaffCases(MethodView):
    decorators = [require_staff()]

    @blp.arguments(CaseListArgs, location="query")
    @blp.response(200, QUEUE_CASES)
    def get(self, args):
        """The SOS queue of my mission (admins: every mission and the default queue)"""
        return services.queue(current_user, args.get("state"), args["limit"])


@blp.route("/sos/<int:case_id>")
class StaffCase(MethodView):
    @require_staff()
    @blp.response(200, STAFF_CASE)
    def get(self, case_id):
        """One SOS case with its position trail, notes, the traveler's contacts and trip"""
        return services.view_case(current_user, case_id)

    @require_staff("officer", "admin")
    @blp.arguments(CasePatch)
    @blp.response(200, STAFF_CASE)
    def patch(self, data, case_id):
        """Acknowledge or resolve a case, and/or add a note (officers and admins)"""
        return services.update_case(current_user, case_id, data)
